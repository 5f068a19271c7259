// Storage retention, the HTTP file server, and the consumer side: fetch, verify and capped extraction. Hostile
// archives are in artifacts-extract-hostile.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, readlink, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ArtifactDigestMismatchError,
  ArtifactFetchError,
  ArtifactStorage,
  ArtifactTooLargeError,
  digestOf,
  fetchArtifact,
  serveStorage,
} from '../../src/artifacts/index.ts';

async function withTmp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'fluxts-art-test-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const key = { kind: 'GitRepository', namespace: 'ns', name: 'app' };

void test('retention removes files past the TTL, then the oldest beyond the record count, never the current one', () =>
  withTmp(async (tmp) => {
    const storage = new ArtifactStorage({
      root: tmp,
      advertisedAddress: 'h',
      retention: { ttlMs: 60_000, records: 2 },
    });
    const now = Date.now();
    const names = ['a', 'b', 'c', 'd'];
    for (const [i, n] of names.entries()) {
      const art = await storage.store(storage.newArtifact(key, n, `${n}.tar.gz`), [Buffer.from(n)]);
      const t = new Date(now - (4 - i) * 10_000); // a oldest … d newest, all within the TTL
      await utimes(storage.localPath(art), t, t);
    }
    const dir = storage.objectDir(key);
    await symlink('d.tar.gz', join(dir, 'latest.tar.gz'));
    await writeFile(join(dir, 'd.tar.gz.lock'), '');
    // Count rule: keep 2 (current included), oldest first.
    const current = storage.newArtifact(key, 'c', 'c.tar.gz');
    const deleted = await storage.garbageCollect(current, now);
    assert.deepEqual(deleted.map((p) => p.slice(dir.length + 1)).sort(), ['a.tar.gz', 'b.tar.gz']);
    assert.deepEqual((await readdir(dir)).sort(), ['c.tar.gz', 'd.tar.gz', 'd.tar.gz.lock', 'latest.tar.gz']);
    // TTL rule: d expires (and its lock goes with it), c is current and stays even though it is older.
    const later = now + 120_000;
    const deleted2 = await storage.garbageCollect(current, later);
    assert.deepEqual(
      deleted2.map((p) => p.slice(dir.length + 1)),
      ['d.tar.gz'],
    );
    assert.deepEqual((await readdir(dir)).sort(), ['c.tar.gz', 'latest.tar.gz']);
    await storage.removeAll(key);
    await assert.rejects(readdir(dir), { code: 'ENOENT' });
  }));

void test('verify detects a changed file; symlink makes an atomic convenience link', () =>
  withTmp(async (tmp) => {
    const storage = new ArtifactStorage({
      root: tmp,
      advertisedAddress: 'source-controller.flux-system.svc.cluster.local.',
    });
    const art = await storage.store(storage.newArtifact(key, 'r', 'a.tar.gz'), [Buffer.from('one')]);
    assert.equal(art.digest, digestOf(Buffer.from('one')));
    assert.equal(await storage.verify(art), true);
    await writeFile(storage.localPath(art), 'two');
    assert.equal(await storage.verify(art), false);
    assert.equal(await storage.verify({ ...art, path: 'gitrepository/ns/app/none.tar.gz' }), false);
    const url = await storage.symlink(art, 'latest.tar.gz');
    assert.equal(url, 'http://source-controller.flux-system.svc.cluster.local./gitrepository/ns/app/latest.tar.gz');
    assert.equal(await readlink(join(storage.objectDir(key), 'latest.tar.gz')), 'a.tar.gz');
    const b = await storage.store(storage.newArtifact(key, 'r', 'b.tar.gz'), [Buffer.from('b')]);
    await storage.symlink(b, 'latest.tar.gz');
    assert.equal(await readlink(join(storage.objectDir(key), 'latest.tar.gz')), 'b.tar.gz');
    await storage.remove({ path: 'gitrepository/ns/app/latest.tar.gz' });
    assert.deepEqual((await readdir(storage.objectDir(key))).sort(), ['a.tar.gz', 'b.tar.gz']);
  }));

void test('the file server serves artifacts with GET and HEAD and nothing outside the root', () =>
  withTmp(async (tmp) => {
    const root = join(tmp, 'storage');
    await mkdir(root);
    await writeFile(join(tmp, 'secret.txt'), 'secret');
    const storage = new ArtifactStorage({ root, advertisedAddress: 'h' });
    const art = await storage.store(storage.newArtifact(key, 'r', 'x.tar.gz'), [Buffer.from('payload')]);
    await symlink(join(tmp, 'secret.txt'), join(storage.objectDir(key), 'escape.txt'));
    await symlink('x.tar.gz', join(storage.objectDir(key), 'latest.tar.gz'));
    await writeFile(join(storage.objectDir(key), '.inflight.tmp'), 'partial');
    const srv = await serveStorage(root, { host: '127.0.0.1', port: 0 });
    try {
      const base = `http://${srv.address}`;
      const get = await fetch(`${base}/${art.path}`);
      assert.equal(get.status, 200);
      assert.equal(get.headers.get('content-type'), 'application/gzip');
      assert.equal(await get.text(), 'payload');
      const head = await fetch(`${base}/${art.path}`, { method: 'HEAD' });
      assert.equal(head.status, 200);
      assert.equal(head.headers.get('content-length'), '7');
      assert.equal((await fetch(`${base}/gitrepository/ns/app/latest.tar.gz`)).status, 200, 'in-root link served');
      for (const bad of [
        '/gitrepository/ns/app/escape.txt',
        '/gitrepository/ns/app/.inflight.tmp',
        '/gitrepository/%2e%2e/%2e%2e/%2e%2e/secret.txt',
        '/gitrepository/ns/app/..%2f..%2f..%2f..%2fsecret.txt',
        '/gitrepository/ns/app/',
        '/nope.tar.gz',
      ]) {
        const r = await fetch(`${base}${bad}`);
        assert.equal(r.status, 404, bad);
        await r.body?.cancel();
      }
      const rootProbe = await fetch(`${base}/`);
      assert.equal(rootProbe.status, 200, 'the readiness probe of the install manifests');
      assert.equal(await rootProbe.text(), '', 'no listing of the storage');
      const post = await fetch(`${base}/${art.path}`, { method: 'POST' });
      assert.equal(post.status, 405);
    } finally {
      await srv.close();
    }
  }));

void test('fetchArtifact verifies the digest before extracting and caps sizes', () =>
  withTmp(async (tmp) => {
    const root = join(tmp, 'storage');
    const src = join(tmp, 'src');
    await mkdir(join(src, 'deploy'), { recursive: true });
    await writeFile(join(src, 'deploy/app.yaml'), 'kind: ConfigMap\n');
    await writeFile(join(src, 'big.txt'), Buffer.alloc(200_000, 'a'));
    const storage = new ArtifactStorage({ root, advertisedAddress: '127.0.0.1:1' });
    const art = await storage.archive(storage.newArtifact(key, 'main@sha1:x', 'x.tar.gz'), src);
    const srv = await serveStorage(root, { host: '127.0.0.1', port: 0 });
    const work = join(tmp, 'work');
    await mkdir(work);
    try {
      const url = `http://${srv.address}/${art.path}`;
      const got = await fetchArtifact(url, art.digest ?? '', { parentDir: work });
      assert.equal(await readFile(join(got.dir, 'deploy/app.yaml'), 'utf8'), 'kind: ConfigMap\n');
      assert.equal(got.digest, art.digest);
      await got.cleanup();
      assert.deepEqual(await readdir(work), []);

      const wrong = digestOf(Buffer.from('something else'));
      const err = await fetchArtifact(url, wrong, { parentDir: work }).catch((e: unknown) => e);
      assert.ok(err instanceof ArtifactDigestMismatchError);
      assert.deepEqual(await readdir(work), [], 'nothing extracted on a digest mismatch');

      const small = await fetchArtifact(url, art.digest ?? '', { parentDir: work, maxCompressedBytes: 100 }).catch(
        (e: unknown) => e,
      );
      assert.ok(small instanceof ArtifactTooLargeError && small.which === 'compressed');
      const unc = await fetchArtifact(url, art.digest ?? '', {
        parentDir: work,
        maxUncompressedBytes: 100_000,
      }).catch((e: unknown) => e);
      assert.ok(unc instanceof ArtifactTooLargeError && unc.which === 'uncompressed');
      assert.deepEqual(await readdir(work), [], 'temp dirs removed after failures');

      const missing = await fetchArtifact(
        `http://${srv.address}/gitrepository/ns/app/none.tar.gz`,
        art.digest ?? '',
      ).catch((e: unknown) => e);
      assert.ok(missing instanceof ArtifactFetchError && missing.status === 404);
    } finally {
      await srv.close();
    }
  }));
