// The workload identity a Provider authenticates with when its Secret holds no credential: the ServiceAccount named
// by `spec.serviceAccountName` (or `--default-service-account`) in the Provider's namespace, exchanged for an Entra ID
// or Google token as fluxcd/pkg auth does; without one, the controller's own Azure identity from the environment
// the workload identity webhook injects. Used by azureeventhub, azuredevops and googlepubsub.
import type { Provider } from '../../../api/index.ts';
import {
  type AzureControllerIdentity,
  azureControllerToken,
  azureServiceAccountToken,
  type CloudEndpoints,
  gcpServiceAccountToken,
  type KubeClient,
  WorkloadIdentityError,
} from '../../../kube/index.ts';
import type { WorkloadIdentity } from '../providers/index.ts';

export interface IdentityOptions {
  client: KubeClient;
  /** defaultServiceAccount is `--default-service-account`, used when a Provider names none. */
  defaultServiceAccount?: string;
  /** controller is the controller's own Azure identity (AZURE_* variables), when it has one. */
  controller?: AzureControllerIdentity;
  /** tenantFallback is AZURE_TENANT_ID, for ServiceAccounts without a tenant annotation. */
  tenantFallback?: string;
  endpoints?: CloudEndpoints;
}

/** identityFor binds a Provider (its namespace, ServiceAccount and proxy) to the token exchanges. */
export function identityFor(o: IdentityOptions, provider: Provider, proxy: string | undefined): WorkloadIdentity {
  const name = provider.spec.serviceAccountName || o.defaultServiceAccount || '';
  const sa = { namespace: provider.metadata.namespace ?? '', name };
  const base = { ...(o.endpoints ? { endpoints: o.endpoints } : {}), ...(proxy ? { proxy } : {}) };
  return {
    azureAccessToken(scope, signal) {
      if (name) {
        return azureServiceAccountToken(o.client, sa, scope, {
          ...base,
          signal,
          ...(o.tenantFallback ? { tenantFallback: o.tenantFallback } : {}),
        });
      }
      if (o.controller) return azureControllerToken(o.controller, scope, { ...base, signal });
      return Promise.reject(
        new WorkloadIdentityError(
          'no Azure identity: set spec.serviceAccountName (ObjectLevelWorkloadIdentity), a token in the Secret, or ' +
            'run the controller with AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_FEDERATED_TOKEN_FILE',
        ),
      );
    },
    gcpAccessToken(signal) {
      if (name) return gcpServiceAccountToken(o.client, sa, { ...base, signal });
      return Promise.reject(
        new WorkloadIdentityError(
          'no GCP identity: set spec.serviceAccountName (ObjectLevelWorkloadIdentity) or a service account key in the Secret',
        ),
      );
    },
  };
}
