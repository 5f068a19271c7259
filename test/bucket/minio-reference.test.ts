// Differential test of the Bucket revision: the same bucket (a real versitygw) fetched by fluxts and by a small Go
// program built on minio-go v7, the library source-controller's generic provider uses (test/bucket/bucket-reference).
// Both must list the same keys with the same etags, download the same bytes and agree on the index digest. More
// than 1,000 objects, so listings span pages; keys with spaces, `+`, `%`, unicode and deep paths.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { fetchEtagIndex, fetchIndexFiles, indexDigest, S3Client } from '../../src/fetchers/bucket/index.ts';
import type { JsonLinesProcess } from '../support/go-reference.ts';
import { startS3Server, type TestS3Server } from '../support/s3-server.ts';
import { startBucketReference, type RefAnswer, type RefRequest } from './bucket-reference.ts';

let s3: TestS3Server;
let ref: JsonLinesProcess<RefRequest, RefAnswer>;
const work = mkdtempSync(join(tmpdir(), 'fluxts-bucket-ref-'));
const KEYS = [
  'apps/deploy.yaml',
  'with space/a+b.yaml',
  'percent%20kept.yaml',
  'ünïcödé/日本.yaml',
  'deep/a/b/c/d/e/f.yaml',
  ...Array.from({ length: 1100 }, (_, i) => `many/${String(i).padStart(4, '0')}.yaml`),
];

before(async () => {
  [s3, ref] = await Promise.all([startS3Server(), startBucketReference()]);
  await s3.createBucket('same');
  for (let i = 0; i < KEYS.length; i += 50) {
    await Promise.all(KEYS.slice(i, i + 50).map((k) => s3.putObject('same', k, `key: ${k}\n`)));
  }
});
after(async () => {
  ref?.close();
  await s3?.stop();
  rmSync(work, { recursive: true, force: true });
});

test('fluxts and minio-go agree on the index, the files and the revision', async () => {
  const refDir = mkdtempSync(join(work, 'ref-'));
  const answer = await ref.ask({
    endpoint: s3.endpoint,
    bucket: 'same',
    accessKey: s3.accessKey,
    secretKey: s3.secretKey,
    region: '',
    dir: refDir,
  });
  assert.equal(answer.error, undefined);
  const client = new S3Client({
    endpoint: s3.endpoint,
    bucket: 'same',
    insecure: true,
    credentials: { accessKeyId: s3.accessKey, secretAccessKey: s3.secretKey },
  });
  const dir = mkdtempSync(join(work, 'fluxts-'));
  try {
    const index = await fetchEtagIndex(client, { bucketName: 'same', dir });
    await fetchIndexFiles(client, index, { bucketName: 'same', dir });
    assert.deepEqual(Object.fromEntries(index), answer.index);
    assert.equal(indexDigest(index), answer.revision);
    for (const key of KEYS.slice(0, 5)) {
      assert.equal(readFileSync(join(dir, key), 'utf8'), readFileSync(join(refDir, key), 'utf8'), key);
    }
  } finally {
    client.close();
  }
});
