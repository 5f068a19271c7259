// Public surface of the identity room: whom a controller acts as (impersonation, remote kubeconfigs, workload
// identity through ServiceAccount tokens).
export {
  clientFor,
  impersonating,
  kubeConfigFromSecret,
  KubeConfigSecretError,
  serviceAccountUser,
  type ClientOptions,
  type KubeConfigSecretRef,
} from './impersonation.ts';
export {
  clearTokenCache,
  kubeConfigFromConfigMap,
  KubeConfigConfigMapError,
  KubeConfigKey,
  type ConfigMapKubeConfigOptions,
} from './workload-identity.ts';
export {
  azureControllerIdentity,
  azureControllerToken,
  azureServiceAccountToken,
  clearCloudTokenCache,
  gcpServiceAccountToken,
  WorkloadIdentityError,
  type AzureControllerIdentity,
  type CloudEndpoints,
  type CloudToken,
  type ServiceAccountRef,
} from './cloud-tokens.ts';
