// The registry client of one OCIRepository: credentials from `spec.secretRef` and the imagePullSecrets of
// `spec.serviceAccountName` (provider generic), TLS from `spec.certSecretRef`, `spec.proxySecretRef`, `spec.insecure`.
import type { OCIRepository } from '../../../api/index.ts';
import {
  keychainFromSecrets,
  OCIError,
  RegistryClient,
  type ProxyOptions,
  type TlsOptions,
} from '../../../fetchers/oci/index.ts';
import type { KubeClient, KubeObject } from '../../../kube/index.ts';
import { FluxtsError } from '../../../util/errors.ts';
import { readSecretData } from '../secrets.ts';

/** ProviderError: a cloud provider that fluxts cannot authenticate with; terminal until the spec changes. */
export class ProviderError extends FluxtsError {}

type ServiceAccount = KubeObject<never, never> & { imagePullSecrets?: { name?: string }[] };

const text = (v: Uint8Array | undefined): string | undefined =>
  v === undefined ? undefined : Buffer.from(v).toString('utf8');

/** tlsFromSecret reads `ca.crt` and/or `tls.crt` + `tls.key` (both or neither). */
export function tlsFromSecret(name: string, data: Record<string, Uint8Array>): TlsOptions {
  const tls: TlsOptions = {};
  const ca = text(data['ca.crt'] ?? data['caFile']);
  const cert = text(data['tls.crt'] ?? data['certFile']);
  const key = text(data['tls.key'] ?? data['keyFile']);
  if ((cert === undefined) !== (key === undefined)) {
    throw new OCIError('bad-credentials', `secret '${name}' must contain both 'tls.crt' and 'tls.key', or neither`);
  }
  if (ca === undefined && cert === undefined) {
    throw new OCIError('bad-credentials', `secret '${name}' must contain 'ca.crt' and/or 'tls.crt' and 'tls.key'`);
  }
  if (ca !== undefined) tls.ca = ca;
  if (cert !== undefined && key !== undefined) {
    tls.cert = cert;
    tls.key = key;
  }
  return tls;
}

/** proxyFromSecret reads `address` (required), `username`, `password`. */
export function proxyFromSecret(name: string, data: Record<string, Uint8Array>): ProxyOptions {
  const address = text(data['address']);
  if (!address) throw new OCIError('bad-credentials', `secret '${name}': key 'address' not found`);
  const proxy: ProxyOptions = { url: address };
  const username = text(data['username']);
  const password = text(data['password']);
  if (username !== undefined) proxy.username = username;
  if (password !== undefined) proxy.password = password;
  return proxy;
}

/** RegistryAccess is what an object says about reaching a registry (OCIRepository, ImageRepository). */
export interface RegistryAccess {
  metadata: { namespace?: string };
  spec: Pick<
    OCIRepository['spec'],
    'provider' | 'secretRef' | 'serviceAccountName' | 'certSecretRef' | 'proxySecretRef' | 'insecure'
  >;
}

/**
 * registryClientFor reads the Secrets an OCIRepository (or an ImageRepository) names and returns its client. A missing or malformed
 * Secret is an error naming it (never its data); a cloud provider is a ProviderError.
 */
export async function registryClientFor(
  client: KubeClient,
  obj: RegistryAccess,
  registry: string,
  userAgent = 'fluxts-source-controller',
): Promise<RegistryClient> {
  const ns = obj.metadata.namespace ?? '';
  const provider = obj.spec.provider ?? 'generic';
  if (provider !== 'generic') {
    throw new ProviderError(
      `provider '${provider}' is not supported: fluxts has no ${provider} workload identity yet; use provider 'generic' with a secretRef of type kubernetes.io/dockerconfigjson`,
    );
  }
  const secrets: { name: string; data: Record<string, Uint8Array> }[] = [];
  if (obj.spec.secretRef) {
    const name = obj.spec.secretRef.name;
    secrets.push({ name: `${ns}/${name}`, data: await readSecretData(client, ns, name, 'spec.secretRef') });
  }
  if (obj.spec.serviceAccountName) {
    const sa = await client
      .get<ServiceAccount>(
        { apiVersion: 'v1', kind: 'ServiceAccount' },
        { namespace: ns, name: obj.spec.serviceAccountName },
      )
      .catch((cause: unknown) => {
        throw new OCIError(
          'bad-credentials',
          `failed to get service account '${ns}/${obj.spec.serviceAccountName ?? ''}': ${(cause as { statusCode?: number }).statusCode === 404 ? 'not found' : String(cause)}`,
          { cause },
        );
      });
    for (const ref of sa.imagePullSecrets ?? []) {
      if (!ref.name) continue;
      secrets.push({
        name: `${ns}/${ref.name}`,
        data: await readSecretData(client, ns, ref.name, `imagePullSecrets of ${obj.spec.serviceAccountName}`),
      });
    }
  }
  const keychain = secrets.length > 0 ? keychainFromSecrets(secrets) : undefined;
  let tls: TlsOptions | undefined;
  if (obj.spec.certSecretRef) {
    const name = obj.spec.certSecretRef.name;
    tls = tlsFromSecret(`${ns}/${name}`, await readSecretData(client, ns, name, 'spec.certSecretRef'));
  }
  let proxy: ProxyOptions | undefined;
  if (obj.spec.proxySecretRef) {
    const name = obj.spec.proxySecretRef.name;
    proxy = proxyFromSecret(`${ns}/${name}`, await readSecretData(client, ns, name, 'spec.proxySecretRef'));
  }
  return new RegistryClient({
    registry,
    ...(keychain ? { keychain } : {}),
    ...(tls ? { tls } : {}),
    ...(proxy ? { proxy } : {}),
    insecure: obj.spec.insecure === true,
    userAgent,
  });
}
