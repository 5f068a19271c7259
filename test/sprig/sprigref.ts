// sprigref: Go's text/template with the Sprig v3.3.0 function map as Helm v4.2.4 exposes it, as the reference
// for Sprig's differential tests. The Go module in ./sprigref pins the versions helm v4.2.4's go.mod resolves; it
// is built once per source digest into the per-user cache and shared by concurrent test files.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

import { CachedBinary, ensureGoToolchain, runGo, stderrProgress } from '../../src/devcluster/go-build.ts';
import { withBuildLock } from '../../src/util/build-lock.ts';
import { cacheDir } from '../../src/util/cache-dir.ts';

const SOURCE_DIR = join(dirname(fileURLToPath(import.meta.url)), 'sprigref');
const FILES = ['go.mod', 'go.sum', 'main.go'];

/** SprigRefResult is what Go printed (the exact bytes) or the error text Go's template returned. */
export type SprigRefResult = { output: Uint8Array } | { error: string };

/** buildSprigRef builds the reference program once per source digest and returns its path. */
export async function buildSprigRef(): Promise<string> {
  const hash = createHash('sha256');
  for (const f of FILES) hash.update(await readFile(join(SOURCE_DIR, f)));
  const dir = cacheDir('tools', `sprigref-${hash.digest('hex').slice(0, 16)}`);
  const target = new CachedBinary(join(dir, 'sprigref'));
  return withBuildLock(
    dir,
    async () => ((await target.isValid()) ? target.path : undefined),
    () => build(dir, target),
  );
}

async function build(dir: string, target: CachedBinary): Promise<string> {
  if (await target.isValid()) return target.path;
  await ensureGoToolchain();
  const staging = await mkdtemp(join(dir, 'src-'));
  for (const f of FILES) await copyFile(join(SOURCE_DIR, f), join(staging, f));
  stderrProgress('building sprigref (Go text/template + Sprig v3.3.0 reference; first time only)');
  await runGo(['build', '-o', join(staging, 'sprigref'), '.'], {
    cwd: staging,
    label: 'go build sprigref',
    progress: stderrProgress,
  });
  await target.install(join(staging, 'sprigref'));
  await rm(staging, { recursive: true, force: true });
  return target.path;
}

/**
 * SprigRef is a running reference program: one template in, its output bytes or error out, in order. `tz` sets
 * the process's Local time zone (Go reads TZ), so date functions are compared in a known zone.
 */
export class SprigRef {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly pending: ((r: SprigRefResult) => void)[] = [];

  private constructor(path: string, tz: string) {
    this.child = spawn(path, [], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, TZ: tz } });
    const lines = createInterface({ input: this.child.stdout });
    lines.on('line', (line) => {
      const r = JSON.parse(line) as { output?: string; error?: string };
      this.pending.shift()?.(
        r.output !== undefined ? { output: Buffer.from(r.output, 'base64') } : { error: r.error ?? '' },
      );
    });
  }

  static async start(tz = 'UTC'): Promise<SprigRef> {
    return new SprigRef(await buildSprigRef(), tz);
  }

  /** run executes `tpl` with `data` (decoded as Helm decodes values: every number a float64). */
  run(tpl: string, data?: unknown): Promise<SprigRefResult> {
    return new Promise((resolve) => {
      this.pending.push(resolve);
      this.child.stdin.write(JSON.stringify({ tpl, data }) + '\n');
    });
  }

  close(): void {
    this.child.stdin.end();
  }
}
