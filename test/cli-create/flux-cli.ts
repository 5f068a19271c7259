// Builds the real flux CLI (the reference for the `create … --export` golden tests) into the per-user cache.
// `go install` cannot build flux2: its go.mod has a replace directive and `cmd/flux/manifests/*.yaml` (embedded with
// go:embed) is generated and not in the module zip. So: download the module, copy it to a writable directory, add a
// stub manifest, and `go build` there (../shared/spec/local-control-plane.md §5). `install`/`bootstrap` of that
// binary are wrong (no manifests); `create --export` does not use them.
import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { CachedBinary, ensureGoToolchain, runGo, stderrProgress } from '../../src/devcluster/go-build.ts';
import type { Progress } from '../../src/devcluster/go-build.ts';
import { withBuildLock } from '../../src/util/build-lock.ts';
import { cacheDir } from '../../src/util/cache-dir.ts';

/** FLUX_VERSION is the flux CLI the goldens come from: the newest v2.9 patch on the Go module proxy. */
export const FLUX_VERSION = 'v2.9.5';

const MODULE = 'github.com/fluxcd/flux2/v2';

/** buildFluxCli returns the path of a cached flux CLI binary, building it first if needed (~10 min cold). */
export async function buildFluxCli(progress: Progress = stderrProgress): Promise<string> {
  const dir = cacheDir('tools', `flux-${FLUX_VERSION}`);
  const target = new CachedBinary(join(dir, 'flux'));
  if (await target.isValid()) return target.path;
  // Test files run in parallel processes: one builds, the others wait for it (two builds would halve the speed).
  return withBuildLock(
    dir,
    async () => ((await target.isValid()) ? target.path : undefined),
    async () => {
      await build(dir, target, progress);
      return target.path;
    },
  );
}

async function build(dir: string, target: CachedBinary, progress: Progress): Promise<void> {
  await ensureGoToolchain();
  progress(`building flux ${FLUX_VERSION} from its module source (first time only, several minutes)`);
  const json = await runGo(['mod', 'download', '-json', `${MODULE}@${FLUX_VERSION}`], {
    cwd: dir,
    label: `go mod download ${MODULE}@${FLUX_VERSION}`,
    progress,
  });
  const info = JSON.parse(json) as { Dir?: string };
  if (!info.Dir) throw new Error(`go mod download ${MODULE}@${FLUX_VERSION} reported no module directory`);
  const src = join(dir, 'src');
  await rm(src, { recursive: true, force: true });
  // The module cache is read-only; the copy must be writable to add the stub manifest.
  await cp(info.Dir, src, { recursive: true });
  await runChmod(src);
  await mkdir(join(src, 'cmd', 'flux', 'manifests'), { recursive: true });
  await writeFile(join(src, 'cmd', 'flux', 'manifests', 'stub.yaml'), '# stub: install manifests are not bundled\n');
  const out = join(dir, 'flux.staging');
  await runGo(['build', '-ldflags', `-X main.VERSION=${FLUX_VERSION.slice(1)}`, '-o', out, './cmd/flux'], {
    cwd: src,
    label: `go build flux ${FLUX_VERSION}`,
    progress,
  });
  await target.install(out);
  await rm(src, { recursive: true, force: true });
}

async function runChmod(dir: string): Promise<void> {
  const { spawnSync } = await import('node:child_process');
  const res = spawnSync('chmod', ['-R', 'u+w', dir], { stdio: 'inherit' });
  if (res.status !== 0) throw new Error(`chmod -R u+w ${dir} failed`);
}

if (import.meta.main) {
  process.stdout.write(`${await buildFluxCli()}\n`);
}
