// goref: Go's own text/template (from the local Go 1.26 toolchain) as the reference for engines/gotemplate.
// The program in ./goref is built once per source digest and Go version into the per-user cache.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

import { CachedBinary, ensureGoToolchain, runGo, stderrProgress } from '../../src/devcluster/go-build.ts';
import { withBuildLock } from '../../src/util/build-lock.ts';
import { cacheDir } from '../../src/util/cache-dir.ts';

const SOURCE_DIR = join(dirname(fileURLToPath(import.meta.url)), 'goref');
const FILES = ['go.mod', 'main.go'];

/** GoRefRequest is one template execution: the set's templates in parse order, the template to run, its data. */
export interface GoRefRequest {
  root?: string;
  templates: [name: string, text: string][];
  exec?: string;
  data?: unknown;
  options?: string[];
  delims?: [string, string];
}

/** GoRefResponse is the output, or the error and whether parsing or executing failed. */
export interface GoRefResponse {
  output?: string;
  error?: string;
  phase?: 'parse' | 'exec' | 'panic' | 'request';
}

/** buildGoRef builds the reference program once per source digest and Go version; returns its path. */
export async function buildGoRef(): Promise<string> {
  const version = await ensureGoToolchain();
  const hash = createHash('sha256').update(version);
  for (const f of FILES) hash.update(await readFile(join(SOURCE_DIR, f)));
  const dir = cacheDir('tools', `gotemplate-ref-${hash.digest('hex').slice(0, 16)}`);
  const target = new CachedBinary(join(dir, 'gotemplate-ref'));
  return withBuildLock(
    dir,
    async () => ((await target.isValid()) ? target.path : undefined),
    async () => {
      const staging = await mkdtemp(join(dir, 'src-'));
      for (const f of FILES) await copyFile(join(SOURCE_DIR, f), join(staging, f));
      stderrProgress('building gotemplate-ref (Go text/template reference; first time only)');
      await runGo(['build', '-o', join(staging, 'gotemplate-ref'), '.'], {
        cwd: staging,
        label: 'go build gotemplate-ref',
        progress: stderrProgress,
      });
      await target.install(join(staging, 'gotemplate-ref'));
      await rm(staging, { recursive: true, force: true });
      return target.path;
    },
  );
}

/** GoRef is a running reference program: one request, one answer, in order. */
export class GoRef {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly pending: ((r: GoRefResponse) => void)[] = [];

  private constructor(path: string) {
    this.child = spawn(path, [], { stdio: ['pipe', 'pipe', 'pipe'] });
    const lines = createInterface({ input: this.child.stdout });
    lines.on('line', (line) => this.pending.shift()?.(JSON.parse(line) as GoRefResponse));
  }

  static async start(): Promise<GoRef> {
    return new GoRef(await buildGoRef());
  }

  ask(request: GoRefRequest): Promise<GoRefResponse> {
    return new Promise((resolve) => {
      this.pending.push(resolve);
      this.child.stdin.write(JSON.stringify(request) + '\n');
    });
  }

  close(): void {
    this.child.stdin.end();
  }
}
