// Clients for a Kustomization: impersonating its ServiceAccount, or for a remote cluster from a kubeconfig Secret
// (fluxcd/pkg runtime/client impersonator and kubeconfig, kustomize-controller `serviceAccountName`/`kubeConfig`).
import { FluxtsError } from '../../util/errors.ts';
import { isNotFound, KubeClient, KubeConfig, KubeConfigError, type KubeObject } from '../client/index.ts';
import { kubeConfigFromConfigMap, type ConfigMapKubeConfigOptions } from './workload-identity.ts';

/** KubeConfigSecretError: the kubeconfig Secret is missing, lacks the key, or does not hold a usable kubeconfig. */
export class KubeConfigSecretError extends FluxtsError {}

/** serviceAccountUser is the user name of a ServiceAccount: `system:serviceaccount:<namespace>:<name>`. */
export function serviceAccountUser(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

/**
 * impersonating returns a copy of the kubeconfig whose current user sends `Impersonate-User: <user>` with every
 * request. The API server then authorizes as that user; for a ServiceAccount it also adds the ServiceAccount groups.
 */
export function impersonating(kc: KubeConfig, user: string): KubeConfig {
  return kc.impersonating(user);
}

/** KubeConfigSecretRef is `spec.kubeConfig.secretRef`. */
export interface KubeConfigSecretRef {
  name: string;
  key?: string;
}

/** RemoteKubeConfigPolicy is what a kubeconfig from a Secret may do (`--insecure-kubeconfig-exec`/`-tls`). */
export interface RemoteKubeConfigPolicy {
  /** allowExec lets the kubeconfig run an exec credential plugin inside the controller. */
  allowExec?: boolean;
  /** allowInsecureTls lets the kubeconfig turn off TLS verification. */
  allowInsecureTls?: boolean;
}

/**
 * kubeConfigFromSecret loads the kubeconfig stored in a Secret: the given key, else `value`, else `value.yaml`.
 * It may not read files, nor (unless the policy allows it, as Flux's `--insecure-kubeconfig-*` flags do) run an
 * exec plugin or skip TLS verification. Messages name the Secret and key, never the content.
 */
export function kubeConfigFromSecret(
  secret: KubeObject,
  key?: string,
  policy: RemoteKubeConfigPolicy = {},
): KubeConfig {
  const name = `${secret.metadata.namespace ?? ''}/${secret.metadata.name ?? ''}`;
  const data = (secret['data'] ?? {}) as Record<string, string | undefined>;
  let encoded: string | undefined;
  if (key) {
    encoded = data[key];
    if (!encoded)
      throw new KubeConfigSecretError(`KubeConfig secret '${name}' does not contain a '${key}' key with data`);
  } else {
    encoded = data['value'] || data['value.yaml'];
    if (!encoded) {
      throw new KubeConfigSecretError(
        `KubeConfig secret '${name}' does not contain a 'value' or 'value.yaml' key with data`,
      );
    }
  }
  const kc = new KubeConfig();
  try {
    kc.loadFromString(Buffer.from(encoded, 'base64').toString('utf8'), '/', `KubeConfig secret '${name}'`, true);
  } catch (err) {
    // Our loader's messages name the source and the field, never the content (it can hold credentials).
    const why = err instanceof KubeConfigError ? err.message : 'not a valid kubeconfig';
    throw new KubeConfigSecretError(`failed to load KubeConfig from secret '${name}': ${why}`);
  }
  if (!policy.allowExec && kc.users.some((u) => u.exec)) {
    throw new KubeConfigSecretError(
      `KubeConfig secret '${name}' uses an exec credential plugin, which is not allowed ` +
        '(start the controller with --insecure-kubeconfig-exec to allow it)',
    );
  }
  if (!policy.allowInsecureTls && kc.clusters.some((c) => c.insecureSkipTlsVerify)) {
    throw new KubeConfigSecretError(
      `KubeConfig secret '${name}' disables TLS verification, which is not allowed ` +
        '(start the controller with --insecure-kubeconfig-tls to allow it)',
    );
  }
  if (!kc.getCurrentCluster()) {
    throw new KubeConfigSecretError(`failed to load KubeConfig from secret '${name}': no current cluster`);
  }
  return kc;
}

/** ClientOptions says which cluster and identity a Kustomization's objects are applied with. */
export interface ClientOptions {
  /** namespace of the Kustomization: the ServiceAccount and the kubeconfig Secret live there. */
  namespace: string;
  /** serviceAccountName is `spec.serviceAccountName`. */
  serviceAccountName?: string;
  /** defaultServiceAccount is `--default-service-account`, used when serviceAccountName is empty. */
  defaultServiceAccount?: string;
  /**
   * kubeConfig is `spec.kubeConfig`: apply to the cluster of the kubeconfig in a Secret, or of the cluster a
   * ConfigMap describes (provider generic: a ServiceAccount token, see workload-identity.ts).
   */
  kubeConfig?: { secretRef?: KubeConfigSecretRef | undefined; configMapRef?: { name: string } | undefined };
  /** remotePolicy limits what the kubeconfig Secret may do. */
  remotePolicy?: RemoteKubeConfigPolicy;
  /** workloadIdentity holds `--default-kubeconfig-service-account` and the ObjectLevelWorkloadIdentity gate. */
  workloadIdentity?: ConfigMapKubeConfigOptions;
}

/**
 * clientFor returns the client a Kustomization applies with: the controller's own, the remote cluster's from the
 * kubeconfig Secret (read with the controller's client), and impersonating `system:serviceaccount:<ns>:<sa>` when a
 * ServiceAccount is named (on the remote cluster too, as Flux does).
 */
export async function clientFor(base: KubeClient, opts: ClientOptions): Promise<KubeClient> {
  let kc = base.transport.kubeConfig;
  if (opts.kubeConfig?.configMapRef) {
    kc = await kubeConfigFromConfigMap(base, opts.namespace, opts.kubeConfig.configMapRef.name, opts.workloadIdentity);
  } else if (opts.kubeConfig?.secretRef) {
    const ref = opts.kubeConfig.secretRef;
    let secret: KubeObject;
    try {
      secret = await base.get({ apiVersion: 'v1', kind: 'Secret' }, { namespace: opts.namespace, name: ref.name });
    } catch (err) {
      const why = isNotFound(err) ? 'not found' : 'could not be read';
      throw new KubeConfigSecretError(`KubeConfig secret '${opts.namespace}/${ref.name}' ${why}`, { cause: err });
    }
    kc = kubeConfigFromSecret(secret, ref.key, opts.remotePolicy);
  }
  const sa = opts.serviceAccountName || opts.defaultServiceAccount;
  if (sa) kc = impersonating(kc, serviceAccountUser(opts.namespace, sa));
  return kc === base.transport.kubeConfig ? base : new KubeClient(kc);
}
