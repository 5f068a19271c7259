// Clients for a remote cluster named by a ConfigMap (`spec.kubeConfig.configMapRef`), as fluxcd/pkg
// auth/utils/restconfig.go GetRESTConfig and auth/generic/provider.go do: the ConfigMap names a provider, the
// cluster address and CA, the token audiences and a ServiceAccount whose token authenticates to the remote cluster.
import { FluxtsError } from '../../util/errors.ts';
import { isNotFound, type KubeClient, KubeConfig, type KubeObject } from '../client/index.ts';

/** KubeConfigConfigMapError: the ConfigMap is missing or unusable, or its provider is not supported here. */
export class KubeConfigConfigMapError extends FluxtsError {}

/** The ConfigMap keys of fluxcd/pkg apis/meta (KubeConfigKey*). */
export const KubeConfigKey = {
  provider: 'provider',
  cluster: 'cluster',
  address: 'address',
  caCert: 'ca.crt',
  audiences: 'audiences',
  serviceAccountName: 'serviceAccountName',
} as const;

/** TOKEN_EXPIRATION_SECONDS is what the TokenRequest asks for (the API server may shorten it). */
const TOKEN_EXPIRATION_SECONDS = 3600;
/** A cached token is renewed once less than this is left of its lifetime. */
const RENEW_BEFORE_MS = 5 * 60_000;

interface CachedToken {
  token: string;
  expiresAt: number;
}

const tokenCache = new Map<string, CachedToken>();

/** clearTokenCache forgets every cached ServiceAccount token (tests). */
export function clearTokenCache(): void {
  tokenCache.clear();
}

/**
 * parseAudiences reads the `audiences` key: one audience a line (the documented form), or a YAML list of strings
 * (`- a` lines or `[a, b]`, which fluxcd/pkg unmarshals). Blank lines are dropped.
 */
export function parseAudiences(value: string): string[] {
  const text = value.trim();
  if (text.startsWith('[') && text.endsWith(']')) {
    return text
      .slice(1, -1)
      .split(',')
      .map((a) => unquote(a.trim()))
      .filter((a) => a !== '');
  }
  return text
    .split('\n')
    .map((line) => line.trim())
    .map((line) => (line.startsWith('- ') ? line.slice(2).trim() : line))
    .map(unquote)
    .filter((a) => a !== '');
}

function unquote(s: string): string {
  return (s.startsWith('"') && s.endsWith('"')) || (s.startsWith("'") && s.endsWith("'")) ? s.slice(1, -1) : s;
}

/**
 * parseClusterAddress is fluxcd/pkg auth.ParseClusterAddress: `https://` is added when no scheme is given, only https
 * is allowed, the port defaults to 443 and the host is lower-cased.
 */
export function parseClusterAddress(address: string): string {
  if (address === '') throw new KubeConfigConfigMapError('empty address');
  const withScheme = address.startsWith('http') ? address : `https://${address}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch (err) {
    throw new KubeConfigConfigMapError(`failed to parse Kubernetes API server address '${withScheme}'`, {
      cause: err,
    });
  }
  if (url.protocol !== 'https:') {
    throw new KubeConfigConfigMapError(`the Kubernetes API server address '${withScheme}' must use https scheme`);
  }
  return `https://${url.hostname.toLowerCase()}:${url.port || '443'}`;
}

/** jwtExpiry reads the `exp` claim (seconds) of a JWT without verifying it, in milliseconds. */
function jwtExpiry(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' ? claims.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * serviceAccountToken requests a token for the ServiceAccount through the TokenRequest API of the controller's
 * cluster, and reuses it until shortly before it expires.
 */
export async function serviceAccountToken(
  client: KubeClient,
  namespace: string,
  name: string,
  audiences: string[],
): Promise<string> {
  const server = client.transport.kubeConfig.getCurrentCluster()?.server ?? '';
  const key = JSON.stringify([server, namespace, name, audiences]);
  const cached = tokenCache.get(key);
  if (cached && cached.expiresAt - Date.now() > RENEW_BEFORE_MS) return cached.token;
  const path =
    `/api/v1/namespaces/${encodeURIComponent(namespace)}/serviceaccounts/` + `${encodeURIComponent(name)}/token`;
  let answer: { status?: { token?: string; expirationTimestamp?: string } };
  try {
    answer = await client.transport.request({
      method: 'POST',
      path,
      body: {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenRequest',
        spec: { audiences, expirationSeconds: TOKEN_EXPIRATION_SECONDS },
      },
    });
  } catch (err) {
    const why = isNotFound(err) ? 'not found' : (err as Error).message;
    throw new KubeConfigConfigMapError(
      `failed to create kubernetes token for service account '${namespace}/${name}': ${why}`,
      { cause: err },
    );
  }
  const token = answer.status?.token;
  if (!token) {
    throw new KubeConfigConfigMapError(
      `failed to create kubernetes token for service account '${namespace}/${name}': empty token`,
    );
  }
  const stamped = answer.status?.expirationTimestamp ? Date.parse(answer.status.expirationTimestamp) : NaN;
  const expiresAt = jwtExpiry(token) ?? (Number.isNaN(stamped) ? Date.now() + 10 * 60_000 : stamped);
  tokenCache.set(key, { token, expiresAt });
  return token;
}

/** ConfigMapKubeConfigOptions are the controller-level settings a kubeconfig ConfigMap is read with. */
export interface ConfigMapKubeConfigOptions {
  /** defaultServiceAccount is `--default-kubeconfig-service-account`, used when the ConfigMap names none. */
  defaultServiceAccount?: string;
  /** objectLevelWorkloadIdentity is the ObjectLevelWorkloadIdentity feature gate. */
  objectLevelWorkloadIdentity?: boolean;
}

/**
 * kubeConfigFromConfigMap reads `spec.kubeConfig.configMapRef` (with the controller's client) and returns a
 * kubeconfig for the cluster at `address`, trusting `ca.crt`, authenticating with a token of the ServiceAccount
 * `serviceAccountName` (in the Kustomization's namespace) for `audiences` (default: the address). Only the
 * `generic` provider is supported; aws, azure and gcp need a cloud token exchange fluxts does not implement.
 */
export async function kubeConfigFromConfigMap(
  base: KubeClient,
  namespace: string,
  name: string,
  opts: ConfigMapKubeConfigOptions = {},
): Promise<KubeConfig> {
  let cm: KubeObject;
  try {
    cm = await base.get({ apiVersion: 'v1', kind: 'ConfigMap' }, { namespace, name });
  } catch (err) {
    const why = isNotFound(err) ? `configmaps "${name}" not found` : (err as Error).message;
    throw new KubeConfigConfigMapError(`failed to get configmap ${namespace}/${name}: ${why}`, { cause: err });
  }
  const data = (cm['data'] ?? {}) as Record<string, string | undefined>;
  const provider = data[KubeConfigKey.provider] ?? '';
  switch (provider) {
    case 'generic':
      break;
    case 'aws':
    case 'azure':
    case 'gcp':
      throw new KubeConfigConfigMapError(
        `KubeConfig configmap '${namespace}/${name}': provider '${provider}' is not supported by fluxts ` +
          '(it needs a cloud token exchange); use provider generic or a kubeconfig Secret (spec.kubeConfig.secretRef)',
      );
    default:
      throw new KubeConfigConfigMapError(
        `KubeConfig configmap '${namespace}/${name}': invalid provider: '${provider}'`,
      );
  }
  const rawAddress = data[KubeConfigKey.address] ?? '';
  if (rawAddress === '') {
    throw new KubeConfigConfigMapError(
      `KubeConfig configmap '${namespace}/${name}': cluster address is required to create a REST config`,
    );
  }
  let address: string;
  try {
    address = parseClusterAddress(rawAddress);
  } catch (err) {
    throw new KubeConfigConfigMapError(`KubeConfig configmap '${namespace}/${name}': ${(err as Error).message}`, {
      cause: err,
    });
  }
  const serviceAccount = data[KubeConfigKey.serviceAccountName] || opts.defaultServiceAccount;
  if (!serviceAccount) {
    // Flux then uses the controller's own ServiceAccount (read from the pod's token file); fluxts runs from a
    // kubeconfig, so it has no such identity to use.
    throw new KubeConfigConfigMapError(
      `KubeConfig configmap '${namespace}/${name}': no serviceAccountName; fluxts does not use the controller's ` +
        'own identity for the generic provider, set serviceAccountName in the ConfigMap ' +
        '(or start the controller with --default-kubeconfig-service-account)',
    );
  }
  if (!opts.objectLevelWorkloadIdentity) {
    throw new KubeConfigConfigMapError('ObjectLevelWorkloadIdentity feature gate is not enabled');
  }
  const audiencesText = data[KubeConfigKey.audiences];
  const audiences = audiencesText !== undefined ? parseAudiences(audiencesText) : [];
  const token = await serviceAccountToken(
    base,
    namespace,
    serviceAccount,
    audiences.length > 0 ? audiences : [address],
  );
  const kc = new KubeConfig();
  const ca = data[KubeConfigKey.caCert];
  kc.clusters.push({ name: 'remote', server: address, ...(ca ? { caData: Buffer.from(ca, 'utf8') } : {}) });
  kc.users.push({ name: 'remote', token });
  kc.contexts.push({ name: 'remote', cluster: 'remote', user: 'remote' });
  kc.currentContext = 'remote';
  return kc;
}
