// What a HelmRepository's secrets configure (source-controller `getter.GetClientOpts` for HTTP repositories):
// TLS from `certSecretRef` (`tls.crt` + `tls.key` and/or `ca.crt`), basic auth from `secretRef`
// (`username` + `password`, both or neither), TLS from `secretRef` as the deprecated fallback, the timeout and
// `passCredentials`. HelmChart reuses it for chart downloads. Messages name Secrets, never their values.
import type { HelmRepository } from '../../../api/index.ts';
import type { HelmRepositoryClientOptions, TlsMaterial } from '../../../fetchers/helm/index.ts';
import { KubeApiError, type KubeClient, type KubeObject } from '../../../kube/index.ts';
import { parseDuration } from '../../../runtime/index.ts';
import { errorMessage, FluxtsError } from '../../../util/errors.ts';

/** ClientOptionsError is a Secret that is missing or malformed; the reconciler reports AuthenticationFailed. */
export class ClientOptionsError extends FluxtsError {}

type Secret = KubeObject & { data?: Record<string, string> };

async function fetchSecret(client: KubeClient, namespace: string, name: string): Promise<Record<string, Buffer>> {
  const secret = await client.get<Secret>({ apiVersion: 'v1', kind: 'Secret' }, { namespace, name });
  const out: Record<string, Buffer> = {};
  for (const [k, v] of Object.entries(secret.data ?? {})) out[k] = Buffer.from(v, 'base64');
  return out;
}

/** apiMessage is the apiserver's own words (`secrets "creds" not found`), as controller-runtime returns them. */
function apiMessage(err: unknown): string {
  return err instanceof KubeApiError && err.status?.message ? err.status.message : errorMessage(err);
}

const text = (b: Buffer | undefined): string | undefined => (b === undefined ? undefined : b.toString('utf8'));

/**
 * tlsFromSecret reads `tls.crt`/`tls.key` (both or neither) and `ca.crt` (legacy `certFile`/`keyFile`/`caFile`
 * as fallbacks); undefined when the Secret holds none of them.
 */
export function tlsFromSecret(ref: string, data: Record<string, Buffer>): TlsMaterial | undefined {
  const cert = text(data['tls.crt'] ?? data['certFile']);
  const key = text(data['tls.key'] ?? data['keyFile']);
  const ca = text(data['ca.crt'] ?? data['caFile']);
  if (cert !== undefined && key === undefined) {
    throw new ClientOptionsError(`secret '${ref}' contains 'tls.crt' but missing 'tls.key'`);
  }
  if (key !== undefined && cert === undefined) {
    throw new ClientOptionsError(`secret '${ref}' contains 'tls.key' but missing 'tls.crt'`);
  }
  if (cert === undefined && ca === undefined) return undefined;
  return { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}) };
}

/** HelmClientSettings: the fetcher's options, and whether TLS came from the deprecated secretRef. */
export interface HelmClientSettings {
  options: HelmRepositoryClientOptions;
  deprecatedTls: boolean;
}

/** helmClientOptions builds the fetcher's options for a HelmRepository, reading its Secrets. */
export async function helmClientOptions(client: KubeClient, repo: HelmRepository): Promise<HelmClientSettings> {
  const namespace = repo.metadata.namespace ?? '';
  const options: HelmRepositoryClientOptions = {
    repositoryUrl: repo.spec.url,
    timeoutMs: parseDuration(repo.spec.timeout ?? '60s'),
    passCredentials: repo.spec.passCredentials ?? false,
  };
  let deprecatedTls = false;
  if (repo.spec.certSecretRef) {
    const ref = `${namespace}/${repo.spec.certSecretRef.name}`;
    let data: Record<string, Buffer>;
    try {
      data = await fetchSecret(client, namespace, repo.spec.certSecretRef.name);
    } catch (err) {
      throw new ClientOptionsError(`failed to get TLS authentication secret '${ref}': ${apiMessage(err)}`, {
        cause: err,
      });
    }
    let tls: TlsMaterial | undefined;
    try {
      tls = tlsFromSecret(ref, data);
    } catch (err) {
      throw new ClientOptionsError(`failed to construct Helm client's TLS config: ${errorMessage(err)}`, {
        cause: err,
      });
    }
    if (!tls) {
      throw new ClientOptionsError(
        `failed to construct Helm client's TLS config: secret '${ref}' must contain either 'ca.crt' or both 'tls.crt' and 'tls.key'`,
      );
    }
    options.tls = tls;
  }
  if (repo.spec.secretRef) {
    const ref = `${namespace}/${repo.spec.secretRef.name}`;
    let data: Record<string, Buffer>;
    try {
      data = await fetchSecret(client, namespace, repo.spec.secretRef.name);
    } catch (err) {
      throw new ClientOptionsError(`failed to get authentication secret '${ref}': ${apiMessage(err)}`, { cause: err });
    }
    const username = text(data['username']);
    const password = text(data['password']);
    if ((username === undefined) !== (password === undefined)) {
      const [has, missing] = username === undefined ? ['password', 'username'] : ['username', 'password'];
      throw new ClientOptionsError(
        `failed to detect authentication methods: secret '${ref}': malformed basic auth - has '${has}' but missing '${missing}'`,
      );
    }
    if (username !== undefined && password !== undefined) options.basicAuth = { username, password };
    if (!options.tls) {
      // TLS material in secretRef is the deprecated way; certSecretRef wins when both are given. Partial TLS
      // material here is ignored, as Flux ignores it.
      try {
        const tls = tlsFromSecret(ref, data);
        if (tls) {
          options.tls = tls;
          deprecatedTls = true;
        }
      } catch {
        // ignored
      }
    }
  }
  return { options, deprecatedTls };
}
