// helmref: Helm v4.2.4's own packages (sigs.k8s.io/yaml decoding, values files, strvals) behind a line protocol,
// as the reference for engines/helm's unit-level differential tests. The Go module in ./helmref requires
// helm.sh/helm/v4 v4.2.4, so every dependency resolves to the version the helm binary uses. It is built once per
// source digest into the per-user cache, under the shared build lock.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

import { CachedBinary, ensureGoToolchain, runGo, stderrProgress } from '../../src/devcluster/go-build.ts';
import { withBuildLock } from '../../src/util/build-lock.ts';
import { cacheDir } from '../../src/util/cache-dir.ts';

const SOURCE_DIR = join(dirname(fileURLToPath(import.meta.url)), 'helmref');
const FILES = ['go.mod', 'go.sum', 'main.go'];

/** HelmRefResult is the reference's answer: a typed rendering of a value, or Helm's error text. */
export type HelmRefResult = { value: string } | { error: string };

/** buildHelmRef builds the reference program once per source digest and returns its path. */
export async function buildHelmRef(): Promise<string> {
  const hash = createHash('sha256');
  for (const f of FILES) hash.update(await readFile(join(SOURCE_DIR, f)));
  const dir = cacheDir('tools', `helmref-${hash.digest('hex').slice(0, 16)}`);
  const target = new CachedBinary(join(dir, 'helmref'));
  return withBuildLock(
    dir,
    async () => ((await target.isValid()) ? target.path : undefined),
    async () => {
      await ensureGoToolchain();
      const staging = await mkdtemp(join(dir, 'src-'));
      try {
        for (const f of FILES) await copyFile(join(SOURCE_DIR, f), join(staging, f));
        stderrProgress('building helmref (Helm v4.2.4 packages as a reference; first time only)');
        await runGo(['build', '-o', join(staging, 'helmref'), '.'], {
          cwd: staging,
          label: 'go build helmref',
          progress: stderrProgress,
        });
        await target.install(join(staging, 'helmref'));
        return target.path;
      } finally {
        await rm(staging, { recursive: true, force: true });
      }
    },
  );
}

/** HelmRef is a running reference process: requests are answered in order. */
export class HelmRef {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly pending: ((r: HelmRefResult) => void)[] = [];

  private constructor(path: string) {
    this.child = spawn(path, [], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { PATH: process.env['PATH'] ?? '', TZ: 'UTC' },
    });
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      const r = JSON.parse(line) as { value?: string; error?: string };
      this.pending.shift()?.(r.value !== undefined ? { value: r.value } : { error: r.error ?? '' });
    });
  }

  static async start(): Promise<HelmRef> {
    return new HelmRef(await buildHelmRef());
  }

  /** ask sends one request (`op` plus its fields) and resolves with the answer. */
  ask(request: Record<string, unknown>): Promise<HelmRefResult> {
    return new Promise((resolve) => {
      this.pending.push(resolve);
      this.child.stdin.write(JSON.stringify(request) + '\n');
    });
  }

  close(): void {
    this.child.stdin.end();
  }
}
