// The GCS client against a real emulator (fake-gcs-server, JSON API) and a token endpoint that checks service
// account assertions as Google documents them: paging, names needing escapes, etags from object metadata, tokens
// requested once and reused, a key the endpoint refuses, and a missing bucket.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import {
  BucketError,
  fetchEtagIndex,
  fetchIndexFiles,
  GcsClient,
  parseServiceAccountKey,
} from '../../src/fetchers/bucket/index.ts';
import { startGcsServer, startTokenEndpoint, type TestGcsServer, type TokenEndpoint } from '../support/gcs-server.ts';

let gcs: TestGcsServer;
let tokens: TokenEndpoint;
let other: TokenEndpoint;
const work = mkdtempSync(join(tmpdir(), 'fluxts-gcs-client-'));

before(async () => {
  [gcs, tokens, other] = await Promise.all([startGcsServer(), startTokenEndpoint(), startTokenEndpoint()]);
  await gcs.createBucket('charts');
  for (const name of [
    '.sourceignore',
    'apps/a.yaml',
    'apps/b c.yaml',
    'docs/x.md',
    'p/1.yaml',
    'p/2.yaml',
    'p/3.yaml',
  ]) {
    await gcs.putObject('charts', name, name === '.sourceignore' ? 'docs/\n' : `name: ${name}\n`);
  }
});
after(async () => {
  await Promise.all([gcs?.stop(), tokens?.close(), other?.close()]);
  rmSync(work, { recursive: true, force: true });
});

test('lists every page, fetches objects and their metadata etags, with one token', async () => {
  const key = parseServiceAccountKey('gcs-creds', tokens.key);
  const c = new GcsClient({ endpoint: gcs.endpoint, bucket: 'charts', insecure: true, key, pageSize: 2 });
  try {
    const listed: [string, string][] = [];
    await c.visitObjects(undefined, (k, e) => listed.push([k, e]));
    assert.equal(listed.length, 7);
    for (const [, etag] of listed) assert.notEqual(etag, '');
    const dir = mkdtempSync(join(work, 'fetch-'));
    const index = await fetchEtagIndex(c, { bucketName: 'charts', dir });
    assert.deepEqual([...index.keys()].sort(), ['apps/a.yaml', 'apps/b c.yaml', 'p/1.yaml', 'p/2.yaml', 'p/3.yaml']);
    const etags = new Map(index);
    await fetchIndexFiles(c, index, { bucketName: 'charts', dir });
    assert.deepEqual(index, etags, 'metadata etags equal the listed ones');
    assert.equal(readFileSync(join(dir, 'apps/b c.yaml'), 'utf8'), 'name: apps/b c.yaml\n');
    const prefixed: string[] = [];
    await c.visitObjects('p/', (k) => prefixed.push(k));
    assert.deepEqual(prefixed, ['p/1.yaml', 'p/2.yaml', 'p/3.yaml']);
  } finally {
    c.close();
  }
  assert.equal(tokens.grants(), 1);
  assert.deepEqual(tokens.refusals(), []);
});

test('a key the token endpoint refuses, a missing bucket and a malformed key fail clearly', async () => {
  // The key of one service account sent to the token endpoint of another: the signature does not verify.
  const wrong = {
    ...parseServiceAccountKey('k', other.key),
    token_uri: (JSON.parse(tokens.key) as { token_uri: string }).token_uri,
  };
  const c = new GcsClient({ endpoint: gcs.endpoint, bucket: 'charts', insecure: true, key: wrong });
  try {
    await assert.rejects(c.bucketExists(), (err: unknown) => {
      assert.ok(err instanceof BucketError && err.kind === 'auth', String(err));
      assert.match(
        err.message,
        /token request to http:\/\/127\.0\.0\.1:\d+ for '.*' failed: invalid_grant: Invalid JWT Signature\./,
      );
      assert.doesNotMatch(err.message, /PRIVATE KEY/);
      return true;
    });
  } finally {
    c.close();
  }
  const anonymous = new GcsClient({ endpoint: gcs.endpoint, bucket: 'nope', insecure: true });
  try {
    assert.equal(await anonymous.bucketExists(), false);
  } finally {
    anonymous.close();
  }
  assert.throws(
    () => parseServiceAccountKey('gcs-creds', '{"type":"service_account"}'),
    /invalid 'gcs-creds' secret data/,
  );
  assert.throws(() => parseServiceAccountKey('gcs-creds', 'not json'), /'serviceaccount' is not JSON/);
});
