import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { ArtifactStorage } from './index.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const storageModule = fileURLToPath(new URL('./index.ts', import.meta.url));

// A full disk, simulated without privileges: RLIMIT_FSIZE makes every write past the limit fail (EFBIG; Node
// ignores SIGXFSZ), which reaches the storage through the same stream-error path as ENOSPC. It runs in a child
// process because the defect it guards against was an unhandled rejection that killed the whole process.
void test('a full disk fails storing (ArtifactStorageError) and fetching (ArtifactFetchError), leaves no temp file, never crashes', async () => {
  const root = await mkdtemp(join(tmpdir(), 'fluxts-storage-full-'));
  try {
    const src = join(root, 'src');
    await mkdir(src);
    // Random bytes do not compress, so the tarball is as large as the file.
    await writeFile(join(src, 'random.bin'), randomBytes(512 * 1024));
    // An artifact written without the limit, for the download side.
    const unlimited = new ArtifactStorage({ root: join(root, 'served'), advertisedAddress: 'x' });
    const served = await unlimited.archive(
      unlimited.newArtifact({ kind: 'OCIRepository', namespace: 'ns', name: 'app' }, 'r', 'big.tar.gz'),
      src,
    );
    await mkdir(join(root, 'fetch'));
    const script = `
      import { ArtifactStorage, ArtifactStorageError, ArtifactFetchError, fetchArtifact, serveStorage } from ${JSON.stringify(storageModule)};
      const storage = new ArtifactStorage({ root: ${JSON.stringify(join(root, 'store'))}, advertisedAddress: 'x' });
      const key = { kind: 'GitRepository', namespace: 'ns', name: 'app' };
      const outcome = async (p) => p.then(() => 'stored', (e) => e instanceof ArtifactStorageError ? 'ArtifactStorageError: ' + e.message : 'other: ' + e);
      const big = function* () { for (let i = 0; i < 64; i++) yield Buffer.alloc(16 * 1024, i); };
      const results = [
        await outcome(storage.store(storage.newArtifact(key, 'r', 'a.tar.gz'), big())),
        await outcome(storage.archive(storage.newArtifact(key, 'r', 'b.tar.gz'), ${JSON.stringify(src)})),
      ];
      const server = await serveStorage(${JSON.stringify(join(root, 'served'))}, { host: '127.0.0.1', port: 0 });
      const url = 'http://' + server.address + '/' + ${JSON.stringify(served.path)};
      results.push(await fetchArtifact(url, ${JSON.stringify(served.digest)}, { parentDir: ${JSON.stringify(join(root, 'fetch'))} }).then(
        () => 'fetched', (e) => e instanceof ArtifactFetchError ? 'ArtifactFetchError: ' + e.message : 'other: ' + e));
      await server.close();
      await new Promise((r) => setTimeout(r, 100));
      console.log(JSON.stringify(results));
    `;
    const child = spawnSync(
      'bash',
      ['-c', 'ulimit -f 128 && exec "$0" --input-type=module -e "$1"', process.execPath, script],
      { encoding: 'utf8' },
    );
    assert.equal(child.status, 0, `the process crashed:\n${child.stderr}`);
    const results = JSON.parse(child.stdout.trim()) as string[];
    assert.equal(results.length, 3);
    for (const r of results.slice(0, 2)) {
      assert.match(r, /^ArtifactStorageError: artifact gitrepository\/ns\/app\/.\.tar\.gz write failed: .*EFBIG/u);
    }
    assert.match(results[2] ?? '', /^ArtifactFetchError: artifact http:.* download failed: .*EFBIG/u);
    assert.deepEqual(await readdir(join(root, 'store', 'gitrepository', 'ns', 'app')), []);
    assert.deepEqual(await readdir(join(root, 'fetch')), [], 'the download and extraction dirs are removed');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
