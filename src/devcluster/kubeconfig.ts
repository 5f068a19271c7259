import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

import { stringify } from 'yaml';

/** KubeconfigData is what a kubeconfig for the dev cluster holds: one cluster, one token user, one context. */
export interface KubeconfigData {
  server: string;
  token: string;
  ca: string;
  name?: string;
}

/** renderKubeconfig returns kubeconfig YAML for the dev cluster; the context is named `fluxts` by default. */
export function renderKubeconfig({ server, token, ca, name = 'fluxts' }: KubeconfigData): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server, 'certificate-authority-data': Buffer.from(ca).toString('base64') } }],
    users: [{ name: `${name}-admin`, user: { token } }],
    contexts: [{ name, context: { cluster: name, user: `${name}-admin`, namespace: 'default' } }],
    'current-context': name,
    preferences: {},
  });
}

/** writeKubeconfig writes the kubeconfig with owner-only permissions: it holds the admin token. */
export async function writeKubeconfig(path: string, data: KubeconfigData): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, renderKubeconfig(data), { mode: 0o600 });
}
