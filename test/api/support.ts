// Helpers for the API integration tests: kubectl as the reference client, CRD installation, fixture loading.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { parseAllDocuments } from 'yaml';

import { allCrds, crdsYaml, type FluxObject } from '../../src/api/index.ts';
import { CONTROL_PLANE_VERSIONS } from '../../src/devcluster/versions.ts';
import { cacheDir } from '../../src/util/cache-dir.ts';

/**
 * kubectlPath prefers FLUXTS_KUBECTL, then a kubectl built beside the control plane (same Kubernetes version), then
 * the one on PATH.
 */
function kubectlPath(): string {
  const fromEnv = process.env['FLUXTS_KUBECTL'];
  if (fromEnv) return fromEnv;
  const built = join(cacheDir('control-plane', `kubernetes-${CONTROL_PLANE_VERSIONS.kubernetes}`), 'bin', 'kubectl');
  return existsSync(built) ? built : 'kubectl';
}

/** KubectlResult is what one kubectl run printed and how it exited. */
export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** kubectl runs the machine's kubectl against the test cluster, feeding `input` on stdin. */
export function kubectl(kubeconfigPath: string, args: string[], input?: string): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      kubectlPath(),
      ['--kubeconfig', kubeconfigPath, ...args],
      { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err !== null && typeof err.code !== 'number') {
          reject(new Error(`kubectl could not run: ${err.message}`, { cause: err }));
          return;
        }
        resolve({ code: typeof err?.code === 'number' ? err.code : 0, stdout, stderr });
      },
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** mustKubectl is kubectl that fails the test with kubectl's stderr when it exits non-zero. */
export async function mustKubectl(kubeconfigPath: string, args: string[], input?: string): Promise<string> {
  const result = await kubectl(kubeconfigPath, args, input);
  if (result.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return result.stdout;
}

/**
 * installFluxCrds server-side applies every CRD (idempotent: same field manager, forced) and waits for Established,
 * so the tests work whether or not the cluster already has them.
 */
export async function installFluxCrds(kubeconfigPath: string): Promise<void> {
  await mustKubectl(
    kubeconfigPath,
    ['apply', '--server-side', '--field-manager=fluxts', '--force-conflicts', '-f', '-'],
    crdsYaml(),
  );
  const names = allCrds().map((crd) => `crd/${crd.metadata.name}`);
  await mustKubectl(kubeconfigPath, ['wait', '--for=condition=Established', '--timeout=60s', ...names]);
}

/** fluxDocuments reads every YAML document under `dir` (recursively) whose apiVersion is in a *.fluxcd.io group. */
export function fluxDocuments(dir: string): FluxObject[] {
  const out: FluxObject[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) {
      out.push(...fluxDocuments(path));
      continue;
    }
    if (!/\.ya?ml$/.test(entry)) continue;
    for (const doc of parseAllDocuments(readFileSync(path, 'utf8'))) {
      const value = doc.toJS() as unknown;
      if (typeof value !== 'object' || value === null) continue;
      const obj = value as FluxObject;
      if (typeof obj.apiVersion === 'string' && /^[a-z.]+\.fluxcd\.io\//.test(obj.apiVersion)) out.push(obj);
    }
  }
  return out;
}
