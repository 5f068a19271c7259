// Benchmark: pack a generated 50 MB tree with our deterministic packer and with `tar czf`, and compare times.
// Run alone with `node bench/artifacts.ts`; bench/run.ts calls runArtifactBench().
import { spawn } from 'node:child_process';
import { createCipheriv, createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArtifactStorage } from '../src/artifacts/index.ts';

/** ArtifactBenchResult holds the measured times (ms), the ratio ours/tar and both output sizes. */
export interface ArtifactBenchResult {
  treeBytes: number;
  files: number;
  oursMs: number;
  tarMs: number;
  ratio: number;
  oursBytes: number;
  tarBytes: number;
}

// A deterministic mix like a GitOps repo with some vendored content: YAML-ish text (compressible) and
// pseudo-random bytes (incompressible), 400 directories of 5 files.
async function generateTree(root: string, targetBytes: number): Promise<{ bytes: number; files: number }> {
  let seed = 42;
  const rand = (): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed;
  };
  let bytes = 0;
  let files = 0;
  for (let d = 0; bytes < targetBytes; d++) {
    const dir = join(root, `team-${d % 20}`, `app-${d}`);
    await mkdir(dir, { recursive: true });
    for (let f = 0; f < 5 && bytes < targetBytes; f++) {
      const size = 8_000 + (rand() % 40_000);
      let buf: Buffer;
      if (f % 3 === 2) {
        // Incompressible bytes: an AES-CTR key stream, deterministic and fast.
        const iv = createHash('sha256').update(`${d}/${f}`).digest().subarray(0, 16);
        buf = createCipheriv('aes-128-ctr', Buffer.alloc(16, 7), iv).update(Buffer.alloc(size));
      } else {
        const line = `  - name: item-${d}-${f}\n    image: registry.example.com/app:${rand() % 1000}\n`;
        buf = Buffer.from(line.repeat(Math.ceil(size / line.length)).slice(0, size));
      }
      await writeFile(join(dir, `file-${f}.${f % 3 === 2 ? 'bin' : 'yaml'}`), buf);
      bytes += size;
      files++;
    }
  }
  return { bytes, files };
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((ok, fail) => {
    const p = spawn(cmd, args, { stdio: 'ignore' });
    p.on('error', fail);
    p.on('close', (code) => (code === 0 ? ok() : fail(new Error(`${cmd} exited with ${code}`))));
  });
}

/** runArtifactBench generates a 50 MB tree, packs it both ways (best of 3 each) and prints the comparison. */
export async function runArtifactBench(targetBytes = 50 * 1024 * 1024): Promise<ArtifactBenchResult> {
  const tmp = await mkdtemp(join(tmpdir(), 'fluxts-bench-art-'));
  try {
    const src = join(tmp, 'tree');
    const { bytes, files } = await generateTree(src, targetBytes);
    const storage = new ArtifactStorage({ root: join(tmp, 'storage'), advertisedAddress: 'localhost' });
    let oursMs = Infinity;
    let tarMs = Infinity;
    let oursBytes = 0;
    for (let i = 0; i < 3; i++) {
      const art = storage.newArtifact({ kind: 'GitRepository', namespace: 'bench', name: 'tree' }, 'r', `${i}.tar.gz`);
      const t0 = performance.now();
      const stored = await storage.archive(art, src);
      oursMs = Math.min(oursMs, performance.now() - t0);
      oursBytes = stored.size ?? 0;
      const out = join(tmp, `ref-${i}.tar.gz`);
      const t1 = performance.now();
      await run('tar', ['czf', out, '-C', src, '.']);
      tarMs = Math.min(tarMs, performance.now() - t1);
    }
    const tarBytes = (await stat(join(tmp, 'ref-0.tar.gz'))).size;
    const result = { treeBytes: bytes, files, oursMs, tarMs, ratio: oursMs / tarMs, oursBytes, tarBytes };
    console.log(
      `artifact pack of ${(bytes / 1048576).toFixed(1)} MiB in ${files} files: ours ${oursMs.toFixed(0)} ms ` +
        `(${(oursBytes / 1048576).toFixed(1)} MiB), tar czf ${tarMs.toFixed(0)} ms ` +
        `(${(tarBytes / 1048576).toFixed(1)} MiB), ratio ours/tar ${result.ratio.toFixed(2)}`,
    );
    return result;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

if (import.meta.main) await runArtifactBench();
