// Reference programs for differential tests: a small Go program under test/<area>/, built once per source digest
// (and Go version) into the per-user cache under a build lock, then run as a JSON-lines server.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import { CachedBinary, ensureGoToolchain, runGo, stderrProgress } from '../../src/devcluster/go-build.ts';
import { withBuildLock } from '../../src/util/build-lock.ts';
import { cacheDir } from '../../src/util/cache-dir.ts';

/** GoReferenceSpec names a Go main package kept in the repository. */
export interface GoReferenceSpec {
  /** Binary and cache-folder name. */
  name: string;
  /** Folder holding the package. */
  sourceDir: string;
  /** Files of the package (go.mod, go.sum, *.go) that make up its digest. */
  files: string[];
  /** What the progress line says is being built. */
  description: string;
  /** Include the Go version in the digest (for programs whose behaviour is the Go standard library's). */
  perGoVersion?: boolean;
}

/** buildGoReference builds the program once per digest and returns its path; concurrent callers share one build. */
export async function buildGoReference(spec: GoReferenceSpec): Promise<string> {
  const hash = createHash('sha256');
  if (spec.perGoVersion) hash.update(await ensureGoToolchain());
  for (const f of spec.files) hash.update(await readFile(join(spec.sourceDir, f)));
  const dir = cacheDir('tools', `${spec.name}-${hash.digest('hex').slice(0, 16)}`);
  const target = new CachedBinary(join(dir, spec.name));
  return withBuildLock(
    dir,
    async () => ((await target.isValid()) ? target.path : undefined),
    async () => {
      await ensureGoToolchain();
      const staging = await mkdtemp(join(dir, 'src-'));
      for (const f of spec.files) await copyFile(join(spec.sourceDir, f), join(staging, f));
      stderrProgress(`building ${spec.name} (${spec.description}; first time only)`);
      await runGo(['build', '-o', join(staging, spec.name), '.'], {
        cwd: staging,
        label: `go build ${spec.name}`,
        progress: stderrProgress,
      });
      await target.install(join(staging, spec.name));
      await rm(staging, { recursive: true, force: true });
      return target.path;
    },
  );
}

/** JsonLinesProcess is a running reference program: one JSON request line, one JSON answer line, in order. */
export class JsonLinesProcess<Req, Res> {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly pending: ((r: Res) => void)[] = [];

  /** `env` adds variables to the program's environment (e.g. TZ for a reference that reads the local zone). */
  constructor(path: string, env: Record<string, string> = {}) {
    this.child = spawn(path, [], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    const lines = createInterface({ input: this.child.stdout });
    lines.on('line', (line) => this.pending.shift()?.(JSON.parse(line) as Res));
  }

  ask(request: Req): Promise<Res> {
    return new Promise((resolve) => {
      this.pending.push(resolve);
      this.child.stdin.write(JSON.stringify(request) + '\n');
    });
  }

  close(): void {
    this.child.stdin.end();
  }
}
