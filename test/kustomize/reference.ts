import { spawnSync } from 'node:child_process';

import { goInstall } from '../../src/devcluster/go-build.ts';

/** KUSTOMIZE is the pinned reference: v5.8.2 is the newest v5 that builds with Go 1.26 (v5.8.3 needs Go 1.27). */
export const KUSTOMIZE = { pkg: 'sigs.k8s.io/kustomize/kustomize/v5', version: 'v5.8.2', binary: 'kustomize' } as const;

/** RefResult is what a reference tool printed for one directory. */
export interface RefResult {
  ok: boolean;
  stdout: string;
  stderr: string;
}

/** kustomizeBinary builds (once, cached) and returns the reference kustomize; throws when it cannot be built. */
export async function kustomizeBinary(): Promise<string> {
  return goInstall(KUSTOMIZE);
}

/** runKustomize runs `kustomize build dir [flags]` with the reference binary. */
export function runKustomize(bin: string, dir: string, flags: readonly string[] = []): RefResult {
  const r = spawnSync(bin, ['build', dir, ...flags], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return { ok: r.status === 0, stdout: r.stdout, stderr: r.stderr };
}

/** runKubectlKustomize runs `kubectl kustomize dir` (kustomize v5.5), or returns undefined without kubectl. */
export function runKubectlKustomize(dir: string, flags: readonly string[] = []): RefResult | undefined {
  const r = spawnSync('kubectl', ['kustomize', dir, ...flags], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.error) return undefined;
  return { ok: r.status === 0, stdout: r.stdout, stderr: r.stderr };
}
