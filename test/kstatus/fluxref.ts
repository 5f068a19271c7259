// fluxref: Flux's own Go code (envsubst, varsub, kstatus, CEL) as a reference for differential tests. The Go module
// in ./fluxref pins the versions kustomize-controller v1.9.4 uses; it is built once into the per-user cache.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

import { CachedBinary, ensureGoToolchain, runGo, stderrProgress } from '../../src/devcluster/go-build.ts';
import { withBuildLock } from '../../src/util/build-lock.ts';
import { cacheDir } from '../../src/util/cache-dir.ts';

const SOURCE_DIR = join(dirname(fileURLToPath(import.meta.url)), 'fluxref');
const FILES = ['go.mod', 'go.sum', 'main.go'];

/** FluxRefResponse is one answer of the reference program. */
export interface FluxRefResponse {
  output?: string;
  json?: unknown;
  status?: string;
  message?: string;
  conditions?: { type: string; status: string; reason?: string; message?: string }[];
  value?: unknown;
  error?: string;
}

/**
 * buildFluxRef builds the reference program once per source digest and returns its path. Test files run in
 * parallel, so one process builds under a lock directory while the others wait for the binary.
 */
export async function buildFluxRef(): Promise<string> {
  const hash = createHash('sha256');
  for (const f of FILES) hash.update(await readFile(join(SOURCE_DIR, f)));
  const dir = cacheDir('tools', `fluxref-${hash.digest('hex').slice(0, 16)}`);
  const target = new CachedBinary(join(dir, 'fluxref'));
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
  stderrProgress('building fluxref (Flux envsubst, kstatus and CEL reference; first time only)');
  await runGo(['build', '-o', join(staging, 'fluxref'), '.'], {
    cwd: staging,
    label: 'go build fluxref',
    progress: stderrProgress,
  });
  await target.install(join(staging, 'fluxref'));
  await rm(staging, { recursive: true, force: true });
  return target.path;
}

/** FluxRef is a running reference program: one request, one answer, in order. */
export class FluxRef {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly pending: ((r: FluxRefResponse) => void)[] = [];

  private constructor(path: string) {
    this.child = spawn(path, [], { stdio: ['pipe', 'pipe', 'pipe'] });
    const lines = createInterface({ input: this.child.stdout });
    lines.on('line', (line) => this.pending.shift()?.(JSON.parse(line) as FluxRefResponse));
  }

  static async start(): Promise<FluxRef> {
    return new FluxRef(await buildFluxRef());
  }

  ask(request: Record<string, unknown>): Promise<FluxRefResponse> {
    return new Promise((resolve) => {
      this.pending.push(resolve);
      this.child.stdin.write(JSON.stringify(request) + '\n');
    });
  }

  close(): void {
    this.child.stdin.end();
  }
}
