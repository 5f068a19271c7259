// Whom a HelmRelease's release is made as (helm-controller's action config over fluxcd/pkg runtime/client): the
// ServiceAccount `spec.serviceAccountName` (else `--default-service-account`) impersonated as
// `system:serviceaccount:<namespace>:<name>`, on the controller's cluster or on the one of `spec.kubeConfig`. Every
// Helm operation goes through that client — release storage, CRDs, hooks, apply, wait, drift — so an identity
// without the RBAC fails with the API server's Forbidden and never falls back to the controller's own.
import type { HelmRelease } from '../../api/index.ts';
import { clientFor, isNotFound, type KubeClient } from '../../kube/index.ts';
import type { StepContext } from '../../runtime/index.ts';
import { FluxtsError } from '../../util/errors.ts';
import type { HelmControllerOptions } from './options.ts';

/** ImpersonationError: the release's client could not be built (kubeconfig Secret missing or unusable). */
export class ImpersonationError extends FluxtsError {}

/** serviceAccountOf is the ServiceAccount a HelmRelease acts as, if any. */
export function serviceAccountOf(hr: HelmRelease, opts: HelmControllerOptions): string | undefined {
  return hr.spec.serviceAccountName || opts.defaultServiceAccount || undefined;
}

/** releaseClient builds the client of a HelmRelease's Helm operations. */
export async function releaseClient(
  hr: HelmRelease,
  ctx: StepContext,
  opts: HelmControllerOptions,
): Promise<KubeClient> {
  const sa = serviceAccountOf(hr, opts);
  try {
    return await clientFor(ctx.manager.client, {
      namespace: hr.metadata.namespace ?? '',
      ...(sa ? { serviceAccountName: sa } : {}),
      ...(hr.spec.kubeConfig ? { kubeConfig: hr.spec.kubeConfig } : {}),
      remotePolicy: {
        allowExec: opts.insecureKubeconfigExec ?? false,
        allowInsecureTls: opts.insecureKubeconfigTls ?? false,
      },
      workloadIdentity: {
        objectLevelWorkloadIdentity: ctx.manager.options.featureGates['ObjectLevelWorkloadIdentity'] ?? false,
      },
    });
  } catch (err) {
    throw new ImpersonationError(`failed to build the client of the release: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

/**
 * serviceAccountMissing tells whether the impersonated ServiceAccount (on the controller's cluster) is gone; the
 * finalizer then cannot uninstall as it and lets the object go rather than blocking its deletion forever.
 */
export async function serviceAccountMissing(
  hr: HelmRelease,
  ctx: StepContext,
  opts: HelmControllerOptions,
): Promise<string | undefined> {
  const sa = serviceAccountOf(hr, opts);
  if (!sa || hr.spec.kubeConfig) return undefined;
  const namespace = hr.metadata.namespace ?? '';
  try {
    await ctx.manager.client.get({ apiVersion: 'v1', kind: 'ServiceAccount' }, { namespace, name: sa });
    return undefined;
  } catch (err) {
    if (isNotFound(err)) return `ServiceAccount '${namespace}/${sa}' not found`;
    throw err;
  }
}
