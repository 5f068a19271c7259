import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

import { parse, stringify } from 'yaml';

/** KubeconfigData is what a kubeconfig for the dev cluster holds: one cluster, one token user, one context. */
export interface KubeconfigData {
  server: string;
  token: string;
  ca: string;
  name?: string;
  /** stateDir is recorded (a kubeconfig extension) so `fluxts cluster stop --kubeconfig` finds the cluster. */
  stateDir?: string;
}

/** STATE_DIR_EXTENSION names the kubeconfig extension that records the dev cluster's state directory. */
export const STATE_DIR_EXTENSION = 'fluxts.dev/cluster-state-dir';

/** renderKubeconfig returns kubeconfig YAML for the dev cluster; the context is named `fluxts` by default. */
export function renderKubeconfig({ server, token, ca, name = 'fluxts', stateDir }: KubeconfigData): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server, 'certificate-authority-data': Buffer.from(ca).toString('base64') } }],
    users: [{ name: `${name}-admin`, user: { token } }],
    contexts: [{ name, context: { cluster: name, user: `${name}-admin`, namespace: 'default' } }],
    'current-context': name,
    preferences: {},
    ...(stateDir ? { extensions: [{ name: STATE_DIR_EXTENSION, extension: { stateDir } }] } : {}),
  });
}

/** writeKubeconfig writes the kubeconfig with owner-only permissions: it holds the admin token. */
export async function writeKubeconfig(path: string, data: KubeconfigData): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, renderKubeconfig(data), { mode: 0o600 });
}

/** stateDirOf reads the dev cluster's state directory recorded in a kubeconfig written by `cluster start`. */
export async function stateDirOf(kubeconfigPath: string): Promise<string | undefined> {
  const config = parse(await readFile(kubeconfigPath, 'utf8')) as {
    extensions?: { name?: string; extension?: { stateDir?: unknown } }[];
  } | null;
  const dir = config?.extensions?.find((e) => e.name === STATE_DIR_EXTENSION)?.extension?.stateDir;
  return typeof dir === 'string' ? dir : undefined;
}
