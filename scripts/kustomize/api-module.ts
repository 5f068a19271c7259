// The kustomize api module that the pinned reference kustomize (test/kustomize/reference.ts) is built from, copied
// out of the Go module cache into a scratch directory so that scripts can add a file or a command to it. Used by
// scripts/krusty-conformance.ts (the krusty acceptance suite) and scripts/gen-kustomize-config.ts (built-in tables).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { goEnvironment } from '../../src/devcluster/go-build.ts';

/** KUSTOMIZE_API is the api module kustomize v5.8.2's go.mod requires. */
export const KUSTOMIZE_API = { module: 'sigs.k8s.io/kustomize/api', version: 'v0.21.2' } as const;

/** go runs one go command in `cwd` (module mode, no toolchain download) and returns its status and output. */
export function go(args: string[], cwd: string, env: Record<string, string> = {}): { status: number; out: string } {
  const r = spawnSync('go', args, {
    cwd,
    env: goEnvironment({ GOFLAGS: '-mod=mod', ...env }),
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  return { status: r.status ?? 1, out: `${r.stdout}${r.stderr}` };
}

/** copyApiModule downloads (through the Go module proxy) and copies the api module; returns the writable copy. */
export function copyApiModule(): string {
  const scratch = mkdtempSync(join(tmpdir(), 'fluxts-kustomize-api-'));
  const dl = go(['mod', 'download', '-json', `${KUSTOMIZE_API.module}@${KUSTOMIZE_API.version}`], scratch);
  if (dl.status !== 0) throw new Error(`go mod download ${KUSTOMIZE_API.module} failed:\n${dl.out}`);
  const moduleDir = (JSON.parse(dl.out) as { Dir: string }).Dir;
  const copy = join(scratch, 'api');
  cpSync(moduleDir, copy, { recursive: true });
  spawnSync('chmod', ['-R', 'u+w', copy]);
  return copy;
}
