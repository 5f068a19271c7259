import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

import { withBuildLock } from '../util/build-lock.ts';
import { cacheDir } from '../util/cache-dir.ts';
import { FluxtsError } from '../util/errors.ts';

/** GoBuildError says which Go step failed, the tail of its output, and how to retry. */
export class GoBuildError extends FluxtsError {}

/** Progress receives one human-readable line at a time while a build runs. */
export type Progress = (line: string) => void;

/** stderrProgress writes progress lines to stderr, prefixed so they stand out from test output. */
export const stderrProgress: Progress = (line) => process.stderr.write(`[fluxts build] ${line}\n`);

/** MIN_GO is the oldest toolchain that builds the pinned Kubernetes (its go.mod says `go 1.26.0`). */
const MIN_GO: readonly [number, number] = [1, 26];

/** goEnvironment is the environment every Go step runs with: no toolchain download, static binaries, no VCS. */
export function goEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GOTOOLCHAIN: 'local',
    CGO_ENABLED: '0',
    GOWORK: 'off',
    GOFLAGS: '-trimpath -buildvcs=false -mod=mod',
    ...extra,
  };
}

/** ensureGoToolchain checks that `go` is on PATH and new enough, and returns its version string. */
export async function ensureGoToolchain(): Promise<string> {
  let out: string;
  try {
    out = await runGo(['version'], { cwd: process.cwd(), label: 'go version' });
  } catch (err) {
    throw new GoBuildError(
      'Go toolchain not found: building the local control plane needs `go` 1.26 or newer on PATH',
      {
        cause: err,
        hint: 'install Go 1.26+ (https://go.dev/dl or your package manager), make sure `go version` works, then retry',
      },
    );
  }
  const match = /go(\d+)\.(\d+)/.exec(out);
  const major = Number(match?.[1] ?? 0);
  const minor = Number(match?.[2] ?? 0);
  if (major < MIN_GO[0] || (major === MIN_GO[0] && minor < MIN_GO[1])) {
    throw new GoBuildError(`Go toolchain too old: found "${out.trim()}", need go${MIN_GO.join('.')} or newer`, {
      hint: 'install a newer Go toolchain and retry',
    });
  }
  return out.trim();
}

interface RunGoOptions {
  cwd: string;
  label: string;
  env?: Record<string, string>;
  progress?: Progress;
}

/**
 * runGo runs one `go` command (argv, never a shell) and returns its stdout. While it runs, a progress line every
 * 15 seconds says how many modules were downloaded and packages compiled, so a cold multi-minute build is visibly
 * alive. On failure it throws a GoBuildError with the last lines of output.
 */
export function runGo(args: string[], options: RunGoOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('go', args, {
      cwd: options.cwd,
      env: goEnvironment(options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const started = Date.now();
    let stdout = '';
    let tail: string[] = [];
    let downloads = 0;
    let packages = 0;
    const onLine = (line: string): void => {
      if (line.startsWith('go: downloading')) downloads++;
      else if (/^[\w.-]+(\/[\w.~-]+)+$/.test(line)) packages++;
      tail.push(line);
      if (tail.length > 40) tail = tail.slice(-30);
    };
    let partial = '';
    child.stderr.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      lines.forEach(onLine);
    });
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    const timer = options.progress
      ? setInterval(() => {
          const secs = Math.round((Date.now() - started) / 1000);
          options.progress?.(`${options.label}: ${secs}s, ${downloads} modules downloaded, ${packages} packages built`);
        }, 15_000)
      : undefined;
    child.on('error', (err) => {
      clearInterval(timer);
      reject(new GoBuildError(`${options.label}: could not start go: ${err.message}`, { cause: err }));
    });
    child.on('close', (code) => {
      clearInterval(timer);
      if (partial) onLine(partial);
      if (code === 0) {
        resolve(stdout);
        return;
      }
      const network = tail.some((l) => /dial tcp|i\/o timeout|proxy\.golang|no such host|TLS handshake/.test(l));
      reject(
        new GoBuildError(`${options.label} failed (exit ${code}):\n  ${tail.slice(-15).join('\n  ')}`, {
          hint: network
            ? 'a module download failed: check that the Go module proxy is reachable (GOPROXY), then rerun the same command'
            : 'fix the error above, then rerun the same command; partial results are discarded and rebuilt',
        }),
      );
    });
  });
}

/**
 * CachedBinary is a binary in the per-version cache, with a checksum file beside it written only after a
 * successful build, so an interrupted or corrupted build is detected and redone.
 */
export class CachedBinary {
  readonly path: string;
  private readonly sumPath: string;

  constructor(path: string) {
    this.path = path;
    this.sumPath = `${path}.sha256`;
  }

  /** isValid is true when the binary exists and matches the checksum recorded after its build. */
  async isValid(): Promise<boolean> {
    if (!existsSync(this.path) || !existsSync(this.sumPath)) return false;
    const [data, recorded] = await Promise.all([readFile(this.path), readFile(this.sumPath, 'utf8')]);
    return createHash('sha256').update(data).digest('hex') === recorded.trim();
  }

  /** install moves a freshly built file into place atomically and records its checksum. */
  async install(builtPath: string): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    const data = await readFile(builtPath);
    await chmod(builtPath, 0o755);
    // The old checksum goes first and the new one arrives by rename: a reader never sees a binary and a
    // checksum from different builds agree.
    await rm(this.sumPath, { force: true });
    await rename(builtPath, this.path);
    await writeFile(`${this.sumPath}.tmp`, createHash('sha256').update(data).digest('hex') + '\n');
    await rename(`${this.sumPath}.tmp`, this.sumPath);
  }
}

export interface GoInstallSpec {
  /** Go package path of the main package, e.g. `sigs.k8s.io/kustomize/kustomize/v5`. */
  pkg: string;
  /** Module version, e.g. `v5.8.1`. */
  version: string;
  /** Name of the resulting binary. */
  binary: string;
  /** Extra -ldflags, e.g. version stamping. */
  ldflags?: string;
}

/**
 * goInstall builds a Go program that plain `go install pkg@version` can build (no replace directives) into the
 * cache and returns the binary's path. Reference tools for differential tests (kustomize, sops, helm) use it.
 */
export async function goInstall(spec: GoInstallSpec, progress: Progress = stderrProgress): Promise<string> {
  const dir = cacheDir('tools', `${spec.binary}-${spec.version}`);
  const target = new CachedBinary(join(dir, spec.binary));
  return withBuildLock(
    dir,
    async () => ((await target.isValid()) ? target.path : undefined),
    async () => {
      await ensureGoToolchain();
      // A staging directory of its own per build: a killed build's leftovers never meet a later one's.
      const staging = await mkdtemp(join(dir, 'staging-'));
      try {
        progress(`building ${spec.binary} ${spec.version} with go install (first time only)`);
        const args = ['install'];
        if (spec.ldflags) args.push(`-ldflags=${spec.ldflags}`);
        args.push(`${spec.pkg}@${spec.version}`);
        await runGo(args, {
          cwd: staging,
          label: `go install ${spec.pkg}@${spec.version}`,
          env: { GOBIN: staging, GOFLAGS: '-trimpath -buildvcs=false' },
          progress,
        });
        const built = join(
          staging,
          spec.pkg
            .split('/')
            .filter((p) => !/^v\d+$/.test(p))
            .pop() ?? spec.binary,
        );
        await target.install(existsSync(built) ? built : join(staging, spec.binary));
        return target.path;
      } finally {
        await rm(staging, { recursive: true, force: true });
      }
    },
    { onWait: (owner) => progress(`waiting for ${owner} to finish building ${spec.binary} ${spec.version}`) },
  );
}
