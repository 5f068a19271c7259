// The provider-independent fetch over an in-memory bucket: what it indexes, what it downloads, how it fails. The
// S3 client itself is tested against a real server in test/bucket/.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';

import type { BucketClient } from './client.ts';
import { BucketError } from './errors.ts';
import { fetchEtagIndex, fetchIndexFiles } from './sync.ts';

class MemoryBucket implements BucketClient {
  objects = new Map<string, { body: string; etag: string }>();
  exists = true;
  /** onGet runs before each download (tests change the bucket mid-fetch). */
  onGet: (key: string) => void = () => undefined;
  put(key: string, body: string, etag = `etag-${body.length}-${key}`): this {
    this.objects.set(key, { body, etag });
    return this;
  }
  bucketExists(): Promise<boolean> {
    return Promise.resolve(this.exists);
  }
  visitObjects(prefix: string | undefined, visit: (k: string, e: string) => void): Promise<void> {
    for (const [key, o] of this.objects) if (!prefix || key.startsWith(prefix)) visit(key, o.etag);
    return Promise.resolve();
  }
  async getObject(key: string, file: string): Promise<string> {
    this.onGet(key);
    const o = this.objects.get(key);
    if (!o) throw new BucketError('not-found', `GET object '${key}': The specified key does not exist.`);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, o.body);
    return o.etag;
  }
  close(): void {}
}

const withDir = async (fn: (dir: string) => Promise<void>): Promise<void> => {
  const dir = mkdtempSync(join(tmpdir(), 'fluxts-bucket-sync-'));
  try {
    await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

test('the index skips folders, .sourceignore and ignored keys; spec.ignore can re-include', async () => {
  await withDir(async (dir) => {
    const bucket = new MemoryBucket()
      .put('.sourceignore', '*.md\nsecret/\n')
      .put('README.md', 'x')
      .put('keep.md', 'y')
      .put('apps/', '')
      .put('apps/deploy.yaml', 'kind: Deployment')
      .put('secret/key.yaml', 'z')
      .put('.git/config', 'not ignored: buckets have no default exclusions');
    const index = await fetchEtagIndex(bucket, { bucketName: 'b', dir, ignore: '!keep.md' });
    assert.deepEqual([...index.keys()].sort(), ['.git/config', 'apps/deploy.yaml', 'keep.md']);
  });
});

test('the prefix narrows the listing', async () => {
  await withDir(async (dir) => {
    const bucket = new MemoryBucket().put('a/x.yaml', '1').put('b/y.yaml', '2');
    const index = await fetchEtagIndex(bucket, { bucketName: 'b', dir, prefix: 'a/' });
    assert.deepEqual([...index.keys()], ['a/x.yaml']);
  });
});

test('a missing bucket and a key escaping the root fail in Flux words', async () => {
  await withDir(async (dir) => {
    const missing = new MemoryBucket();
    missing.exists = false;
    await assert.rejects(
      fetchEtagIndex(missing, { bucketName: 'podinfo', dir }),
      /^BucketError: bucket 'podinfo' not found$/,
    );
    const hostile = new MemoryBucket().put('ok.yaml', '1').put('../../escape.yaml', 'x');
    await assert.rejects(
      fetchEtagIndex(hostile, { bucketName: 'podinfo', dir }),
      (err: unknown) =>
        err instanceof BucketError &&
        err.kind === 'unsafe-key' &&
        err.message ===
          "indexation of objects from bucket 'podinfo' failed: object key '../../escape.yaml' escapes the artifact root ('..' path segment)",
    );
    // An ignore rule that excludes the hostile key makes the bucket usable again.
    const index = await fetchEtagIndex(hostile, { bucketName: 'podinfo', dir, ignore: '*escape*' });
    assert.deepEqual([...index.keys()], ['ok.yaml']);
  });
});

test('downloads write every object, drop vanished ones and record changed etags', async () => {
  await withDir(async (dir) => {
    const bucket = new MemoryBucket();
    for (let i = 0; i < 25; i++) bucket.put(`dir${i % 3}/f${i}.yaml`, `n: ${i}`);
    const index = await fetchEtagIndex(bucket, { bucketName: 'b', dir });
    bucket.onGet = (key) => {
      if (key === 'dir0/f0.yaml') bucket.objects.delete(key);
      if (key === 'dir1/f1.yaml') bucket.put(key, 'changed', 'etag-new');
    };
    await fetchIndexFiles(bucket, index, { bucketName: 'b', dir, concurrency: 4 });
    assert.equal(index.size, 24);
    assert.equal(index.get('dir1/f1.yaml'), 'etag-new');
    assert.equal(existsSync(join(dir, 'dir0/f0.yaml')), false);
    assert.equal(readFileSync(join(dir, 'dir2/f5.yaml'), 'utf8'), 'n: 5');
    assert.equal(readFileSync(join(dir, 'dir1/f1.yaml'), 'utf8'), 'changed');
  });
});

test('a failed download fails the fetch naming bucket and key', async () => {
  await withDir(async (dir) => {
    const bucket = new MemoryBucket().put('a.yaml', '1').put('b.yaml', '2');
    const index = await fetchEtagIndex(bucket, { bucketName: 'b', dir });
    bucket.onGet = (key) => {
      if (key === 'b.yaml') throw new BucketError('auth', `GET object 'b.yaml': Access Denied. (AccessDenied)`);
    };
    await assert.rejects(
      fetchIndexFiles(bucket, index, { bucketName: 'b', dir }),
      (err: unknown) =>
        err instanceof BucketError &&
        err.kind === 'auth' &&
        err.message ===
          "fetch from bucket 'b' failed: failed to get 'b.yaml' object: GET object 'b.yaml': Access Denied. (AccessDenied)",
    );
  });
});
