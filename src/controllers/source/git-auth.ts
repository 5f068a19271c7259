// A GitRepository's credentials and proxy from its Secrets: what the source-controller fetches with and the
// image-automation-controller pushes with.
import type { GitRepository } from '../../api/index.ts';
import {
  credentialsFromSecret,
  proxyFromSecret,
  type GitCredentials,
  type GitProxy,
} from '../../fetchers/git/index.ts';
import type { KubeClient } from '../../kube/index.ts';
import { readSecretData } from './secrets.ts';

/** GitAuth is what a GitRepository's Secrets say about reaching its URL. */
export interface GitAuth {
  credentials?: GitCredentials;
  proxy?: GitProxy;
}

/**
 * readGitAuth reads a GitRepository's spec.secretRef and spec.proxySecretRef (errors name the Secret, never a
 * value); the image-automation-controller pushes with the same credentials.
 */
export async function readGitAuth(client: KubeClient, obj: GitRepository): Promise<GitAuth> {
  const namespace = obj.metadata.namespace ?? '';
  const out: GitAuth = {};
  if (obj.spec.secretRef) {
    const name = obj.spec.secretRef.name;
    const data = await readSecretData(client, namespace, name, 'spec.secretRef');
    out.credentials = credentialsFromSecret(`${namespace}/${name}`, data, safeProtocol(obj.spec.url));
  }
  if (obj.spec.proxySecretRef) {
    const name = obj.spec.proxySecretRef.name;
    const data = await readSecretData(client, namespace, name, 'spec.proxySecretRef');
    out.proxy = proxyFromSecret(`${namespace}/${name}`, data);
  }
  return out;
}

function safeProtocol(url: string): string {
  try {
    return new URL(url).protocol;
  } catch {
    return '';
  }
}
