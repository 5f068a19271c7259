// Whom a Kustomization applies as: the impersonated ServiceAccount (spec.serviceAccountName or
// --default-service-account), or a remote cluster (spec.kubeConfig), shared by the reconcile and the finalizer.
import type { Kustomization } from '../../api/index.ts';
import { clientFor, type KubeClient } from '../../kube/index.ts';
import type { StepContext } from '../../runtime/index.ts';
import { remoteKubeConfigPolicy, type KustomizeControllerOptions } from './options.ts';

/** targetClient builds the client a Kustomization's objects are applied and pruned with. */
export function targetClient(
  ctx: StepContext,
  ks: Kustomization,
  opts: KustomizeControllerOptions,
): Promise<KubeClient> {
  return clientFor(ctx.manager.client, {
    namespace: ks.metadata.namespace ?? '',
    ...(ks.spec.serviceAccountName ? { serviceAccountName: ks.spec.serviceAccountName } : {}),
    ...(opts.defaultServiceAccount ? { defaultServiceAccount: opts.defaultServiceAccount } : {}),
    ...(ks.spec.kubeConfig ? { kubeConfig: ks.spec.kubeConfig } : {}),
    remotePolicy: remoteKubeConfigPolicy(opts),
    workloadIdentity: {
      objectLevelWorkloadIdentity: ctx.manager.options.featureGates['ObjectLevelWorkloadIdentity'] ?? false,
      ...(opts.defaultKubeConfigServiceAccount ? { defaultServiceAccount: opts.defaultKubeConfigServiceAccount } : {}),
    },
  });
}
