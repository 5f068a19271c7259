// Differential test of our tar reader: archives written by GNU tar (gnu, pax and ustar formats) must extract to
// the same tree as GNU tar extracts them to, minus symbolic links, which extraction leaves out as Flux's untar
// does with WithSkipSymlinks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractTarGz } from '../../src/artifacts/index.ts';

async function snapshot(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const rel of (await readdir(root, { recursive: true })).sort()) {
    const p = join(root, rel);
    const st = await lstat(p);
    if (st.isSymbolicLink()) out.push(`${rel} -> ${await readlink(p)}`);
    else if (st.isDirectory()) out.push(`${rel}/`);
    else out.push(`${rel} ${(st.mode & 0o100) !== 0 ? 'x' : '-'} ${(await readFile(p)).toString('base64')}`);
  }
  return out;
}

for (const format of ['gnu', 'pax', 'ustar']) {
  void test(`archives from GNU tar --format=${format} extract like GNU tar extracts them`, async () => {
    const tmp = await mkdtemp(join(tmpdir(), 'fluxts-extract-test-'));
    try {
      const src = join(tmp, 'src');
      const long = format === 'ustar' ? `${'l'.repeat(80)}/${'m'.repeat(90)}` : `${'l'.repeat(120)}/${'m'.repeat(150)}`;
      await mkdir(join(src, long), { recursive: true });
      await writeFile(join(src, long, 'deep.yaml'), 'deep: true\n');
      await mkdir(join(src, 'dir', 'empty'), { recursive: true });
      await writeFile(join(src, 'dir', 'big.bin'), Buffer.alloc(70_000, 'q'));
      await writeFile(join(src, 'run.sh'), '#!/bin/sh\n');
      await chmod(join(src, 'run.sh'), 0o755);
      await writeFile(join(src, 'empty.txt'), '');
      if (format !== 'ustar') await writeFile(join(src, 'dir', 'ünïcödé.yaml'), 'u');
      await symlink('../run.sh', join(src, 'dir', 'link.sh'));
      const file = join(tmp, 'a.tar.gz');
      execFileSync('tar', [`--format=${format}`, '-czf', file, '-C', src, '.']);
      const ref = join(tmp, 'ref');
      await mkdir(ref);
      execFileSync('tar', ['-xzf', file, '-C', ref]);
      const ours = await extractTarGz(file, { parentDir: tmp });
      const refTree = await snapshot(ref);
      assert.ok(refTree.includes('dir/link.sh -> ../run.sh'), 'GNU tar kept the link');
      assert.deepEqual(
        await snapshot(ours),
        refTree.filter((line) => !line.includes(' -> ')),
      );
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });
}
