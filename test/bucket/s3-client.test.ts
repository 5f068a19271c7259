// The S3 client against a real S3 server (versitygw checks every SigV4 signature): listing with paging and keys
// that need escaping, streamed downloads, the index digest over what the server reports, and refusals.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import {
  BucketError,
  fetchEtagIndex,
  fetchIndexFiles,
  indexDigest,
  S3Client,
} from '../../src/fetchers/bucket/index.ts';
import { startS3Server, type TestS3Server } from '../support/s3-server.ts';

let s3: TestS3Server;
let tls: TestS3Server;
const work = mkdtempSync(join(tmpdir(), 'fluxts-s3-client-'));

before(async () => {
  [s3, tls] = await Promise.all([startS3Server(), startS3Server({ tls: true, region: 'eu-west-1' })]);
  await s3.createBucket('podinfo');
  const keys = ['apps/deploy.yaml', 'apps/svc.yaml', 'with space/a+b é.yaml', '.sourceignore', 'docs/README.md'];
  for (let i = 0; i < 7; i++) keys.push(`many/file-${i}.yaml`);
  for (const key of keys) await s3.putObject('podinfo', key, key === '.sourceignore' ? 'docs/\n' : `key: ${key}\n`);
  await tls.createBucket('secure');
  await tls.putObject('secure', 'x.yaml', 'x: 1\n');
});

after(async () => {
  await Promise.all([s3?.stop(), tls?.stop()]);
  rmSync(work, { recursive: true, force: true });
});

const client = (over: Partial<ConstructorParameters<typeof S3Client>[0]> = {}): S3Client =>
  new S3Client({
    endpoint: s3.endpoint,
    bucket: 'podinfo',
    insecure: true,
    credentials: { accessKeyId: s3.accessKey, secretAccessKey: s3.secretKey },
    ...over,
  });

test('lists every page, escapes keys, and downloads what it indexed', async () => {
  const c = client({ pageSize: 3 });
  try {
    const listed: [string, string][] = [];
    await c.visitObjects(undefined, (k, e) => listed.push([k, e]));
    assert.equal(listed.length, 12);
    assert.ok(listed.some(([k]) => k === 'with space/a+b é.yaml'));
    for (const [, etag] of listed) assert.match(etag, /^[0-9a-f]{32}$/, 'etag without quotes');

    const dir = mkdtempSync(join(work, 'fetch-'));
    const index = await fetchEtagIndex(c, { bucketName: 'podinfo', dir });
    assert.equal(index.size, 10, '.sourceignore and docs/ are left out');
    const before = indexDigest(index);
    await fetchIndexFiles(c, index, { bucketName: 'podinfo', dir });
    assert.equal(indexDigest(index), before);
    assert.equal(readFileSync(join(dir, 'with space/a+b é.yaml'), 'utf8'), 'key: with space/a+b é.yaml\n');

    const prefixed: string[] = [];
    await c.visitObjects('apps/', (k) => prefixed.push(k));
    assert.deepEqual(prefixed.sort(), ['apps/deploy.yaml', 'apps/svc.yaml']);
  } finally {
    c.close();
  }
});

test('the region comes from the bucket location when spec.region is empty; TLS with the CA', async () => {
  const c = new S3Client({
    endpoint: tls.endpoint,
    bucket: 'secure',
    credentials: { accessKeyId: tls.accessKey, secretAccessKey: tls.secretKey },
    tls: { ca: tls.caPem ?? '' },
  });
  try {
    assert.equal(await c.bucketExists(), true);
    const keys: string[] = [];
    await c.visitObjects(undefined, (k) => keys.push(k));
    assert.deepEqual(keys, ['x.yaml']);
  } finally {
    c.close();
  }
  const untrusted = new S3Client({
    endpoint: tls.endpoint,
    bucket: 'secure',
    region: 'eu-west-1',
    credentials: { accessKeyId: tls.accessKey, secretAccessKey: tls.secretKey },
  });
  try {
    await assert.rejects(untrusted.bucketExists(), (err: unknown) => err instanceof BucketError && err.kind === 'tls');
  } finally {
    untrusted.close();
  }
});

test('wrong credentials, a missing bucket and anonymous access fail without leaking the secret', async () => {
  const wrong = client({ credentials: { accessKeyId: s3.accessKey, secretAccessKey: 'not-the-secret' } });
  const dir = mkdtempSync(join(work, 'fail-'));
  try {
    await assert.rejects(fetchEtagIndex(wrong, { bucketName: 'podinfo', dir }), (err: unknown) => {
      assert.ok(err instanceof BucketError && err.kind === 'auth', String(err));
      assert.match(err.message, /^failed to confirm existence of 'podinfo' bucket: /);
      assert.doesNotMatch(err.message, /not-the-secret|Signature=/);
      return true;
    });
  } finally {
    wrong.close();
  }
  const missing = client({ bucket: 'nope' });
  try {
    await assert.rejects(fetchEtagIndex(missing, { bucketName: 'nope', dir }), /bucket 'nope' not found/);
  } finally {
    missing.close();
  }
  const anonymous = client({ credentials: undefined });
  try {
    await assert.rejects(anonymous.bucketExists(), (err: unknown) => err instanceof BucketError && err.kind === 'auth');
  } finally {
    anonymous.close();
  }
  const closed = client({ endpoint: '127.0.0.1:1' });
  try {
    await assert.rejects(
      closed.bucketExists(),
      (err: unknown) => err instanceof BucketError && err.kind === 'unreachable',
    );
  } finally {
    closed.close();
  }
  assert.throws(() => client({ endpoint: 'https://s3.example.com' }), /invalid endpoint 'https:\/\/s3.example.com'/);
});
