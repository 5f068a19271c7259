import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';

import { writeLayer } from './layer.ts';
import { blobPath, findImage, tagImage, writeImage } from './oci-layout.ts';

async function tree(root: string, mtime: Date, umask: number): Promise<string> {
  const dir = join(root, `tree-${umask}`);
  await mkdir(join(dir, 'app', 'src'), { recursive: true });
  await writeFile(join(dir, 'app', 'src', 'b.ts'), 'export const b = 1;\n');
  await writeFile(join(dir, 'app', 'a.js'), 'console.log(1)\n');
  await chmod(join(dir, 'app', 'a.js'), 0o777 & ~umask);
  await chmod(join(dir, 'app', 'src', 'b.ts'), 0o666 & ~umask);
  await symlink('a.js', join(dir, 'app', 'link'));
  for (const p of ['app/src/b.ts', 'app/a.js', 'app/src', 'app']) await utimes(join(dir, p), mtime, mtime);
  return dir;
}

test('a layer depends on content only: not on mtimes or the umask of the checkout', async () => {
  const root = await mkdtemp(join(tmpdir(), 'fluxts-layer-'));
  try {
    const layout = join(root, 'oci');
    const one = await writeLayer(await tree(root, new Date('2020-01-01'), 0o022), layout, 0);
    const two = await writeLayer(await tree(root, new Date('2024-06-01'), 0o002), layout, 0);
    assert.deepEqual(one, two);
    const blob = await readFile(blobPath(layout, one.digest));
    assert.equal(`sha256:${createHash('sha256').update(blob).digest('hex')}`, one.digest);
    const tar = gunzipSync(blob);
    assert.equal(`sha256:${createHash('sha256').update(tar).digest('hex')}`, one.diffId);
    assert.equal(tar.length, one.uncompressedSize);
    // GNU tar reads it back: sorted names, root owned, group/other write removed, the symlink kept.
    const listing = execFileSync('tar', ['-tvzf', blobPath(layout, one.digest)], { encoding: 'utf8' });
    const lines = listing.trim().split('\n');
    assert.deepEqual(
      lines.map((l) => l.split(/\s+/).slice(5).join(' ')),
      ['app/', 'app/a.js', 'app/link -> a.js', 'app/src/', 'app/src/b.ts'],
    );
    for (const l of lines) assert.match(l, /^\S+ 0\/0 /);
    assert.match(lines[1] ?? '', /^-rwxr-xr-x /);
    assert.match(lines[4] ?? '', /^-rw-r--r-- /);
    // An image built from it can be tagged and found by its full name.
    const { manifest } = await writeImage(
      layout,
      {
        architecture: 'amd64',
        os: 'linux',
        config: { User: '65534:65534', Entrypoint: ['/app/a.js'] },
        rootfs: { type: 'layers', diff_ids: [one.diffId] },
      },
      [one],
      { 'org.opencontainers.image.title': 'test' },
    );
    await tagImage(layout, 'example.test/app:v1', manifest);
    const found = await findImage(layout, 'example.test/app:v1');
    assert.equal(found?.digest, manifest.digest);
    assert.equal(found?.manifest.layers[0]?.digest, one.digest);
    assert.equal(found?.config.config.User, '65534:65534');
    assert.equal(await findImage(layout, 'example.test/app:v2'), undefined);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
