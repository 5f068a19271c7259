// Resolving a Provider into the settings its notifier needs: Secrets (address, token, credentials, headers),
// TLS from certSecretRef, proxy from proxySecretRef, the deprecated spec.proxy and secret `proxy` key.
import { parse as parseYaml } from 'yaml';

import type { Alert, Provider } from '../../../api/index.ts';
import { parseDuration } from '../../../runtime/index.ts';
import type { RetryPolicy, ServiceEndpoints, TlsSettings, Transport, WorkloadIdentity } from '../providers/index.ts';
import { COMMIT_STATUS_TYPES, ProviderConfigError, type ProviderSettings } from '../providers/index.ts';

/** SecretReader fetches a Secret's decoded data (an error names the Secret, never a value). */
export type SecretReader = (namespace: string, name: string) => Promise<Record<string, Buffer>>;

const DEFAULT_TIMEOUT_MS = 15_000;

/** providerTimeoutMs is `spec.timeout`, 15s when unset. */
export function providerTimeoutMs(provider: Provider): number {
  return provider.spec.timeout ? parseDuration(provider.spec.timeout) : DEFAULT_TIMEOUT_MS;
}

function text(data: Record<string, Buffer>, key: string): string | undefined {
  return data[key]?.toString('utf8');
}

/** tlsFrom reads `ca.crt`, `tls.crt` + `tls.key` (or the legacy caFile/certFile/keyFile) from a Secret. */
export function tlsFrom(data: Record<string, Buffer>, secretName: string): TlsSettings | undefined {
  const ca = text(data, 'ca.crt') ?? text(data, 'caFile');
  const cert = text(data, 'tls.crt') ?? text(data, 'certFile');
  const key = text(data, 'tls.key') ?? text(data, 'keyFile');
  if ((cert === undefined) !== (key === undefined)) {
    throw new ProviderConfigError(
      `failed to get TLS config: secret '${secretName}' must contain both tls.crt and tls.key`,
    );
  }
  if (ca === undefined && cert === undefined) return undefined;
  return { ...(ca ? { ca } : {}), ...(cert && key ? { cert, key } : {}) };
}

/** proxyFrom builds the proxy URL of a proxySecretRef: `address`, with `username`/`password` as its userinfo. */
export function proxyFrom(data: Record<string, Buffer>, secretName: string): string {
  const address = text(data, 'address')?.trim();
  if (!address)
    throw new ProviderConfigError(`failed to get proxy URL: secret '${secretName}': key 'address' not found`);
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new ProviderConfigError(`failed to get proxy URL: secret '${secretName}': invalid address`);
  }
  const username = text(data, 'username');
  const password = text(data, 'password');
  if (username !== undefined) url.username = encodeURIComponent(username);
  if (password !== undefined) url.password = encodeURIComponent(password);
  return url.toString();
}

export interface ResolveOptions {
  readSecret: SecretReader;
  alert: Alert;
  commitStatus: string;
  retry?: RetryPolicy;
  endpoints?: ServiceEndpoints;
  /** identity binds the Provider to workload identity (its token requests go through the Provider's proxy). */
  identity?: (provider: Provider, proxy: string | undefined) => WorkloadIdentity;
}

/** resolveProvider turns a Provider and its Secrets into notifier settings, as Flux's createNotifier does. */
export async function resolveProvider(provider: Provider, opts: ResolveOptions): Promise<ProviderSettings> {
  const ns = provider.metadata.namespace ?? '';
  const spec = provider.spec;
  let address = spec.address ?? '';
  let token = '';
  let username = spec.username ?? '';
  let password = '';
  let headers: Record<string, string> = {};
  let secretData: Record<string, Buffer> = {};
  const transport: Transport = {};
  if (spec.proxy) transport.proxy = spec.proxy;
  if (spec.secretRef) {
    secretData = await opts.readSecret(ns, spec.secretRef.name);
    const secretName = `${ns}/${spec.secretRef.name}`;
    const addr = text(secretData, 'address');
    if (addr !== undefined && Buffer.byteLength(addr) > 2048) {
      throw new ProviderConfigError('invalid address in secret: address exceeds maximum length of 2048 bytes');
    }
    if (addr !== undefined) address = addr.trim();
    const proxy = text(secretData, 'proxy')?.trim();
    if (proxy) transport.proxy = proxy;
    const rawHeaders = text(secretData, 'headers');
    if (rawHeaders !== undefined) {
      let parsed: unknown;
      try {
        parsed = parseYaml(rawHeaders);
      } catch {
        throw new ProviderConfigError(`failed to read headers from secret '${secretName}'`);
      }
      if (parsed !== null && (typeof parsed !== 'object' || Array.isArray(parsed))) {
        throw new ProviderConfigError(`failed to read headers from secret '${secretName}': not a map`);
      }
      headers = Object.fromEntries(
        Object.entries((parsed ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]),
      );
    }
    token = text(secretData, 'token')?.trim() ?? '';
    const secretUser = text(secretData, 'username');
    const secretPassword = text(secretData, 'password');
    if (secretUser !== undefined && secretPassword !== undefined) {
      username = secretUser;
      password = secretPassword;
    }
  }
  if (spec.proxySecretRef) {
    const data = await opts.readSecret(ns, spec.proxySecretRef.name);
    transport.proxy = proxyFrom(data, `${ns}/${spec.proxySecretRef.name}`);
  }
  if (spec.certSecretRef) {
    const data = await opts.readSecret(ns, spec.certSecretRef.name);
    const tls = tlsFrom(data, `${ns}/${spec.certSecretRef.name}`);
    if (tls) transport.tls = tls;
  } else if (COMMIT_STATUS_TYPES.includes(spec.type) && spec.secretRef) {
    // Git providers may carry their CA in the same Secret as the token.
    const tls = tlsFrom(secretData, `${ns}/${spec.secretRef.name}`);
    if (tls) transport.tls = tls;
  }
  return {
    type: spec.type,
    address,
    channel: spec.channel ?? '',
    username,
    password,
    token,
    headers,
    transport,
    commitStatus: opts.commitStatus,
    providerUID: provider.metadata.uid ?? '',
    providerName: provider.metadata.name ?? '',
    providerNamespace: ns,
    secretData,
    serviceAccountName: spec.serviceAccountName ?? '',
    ...(opts.identity ? { identity: opts.identity(provider, transport.proxy) } : {}),
    alert: opts.alert.metadata,
    ...(opts.retry ? { retry: opts.retry } : {}),
    ...(opts.endpoints ? { endpoints: opts.endpoints } : {}),
  };
}
