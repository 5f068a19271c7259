// Public surface of the client room: kubeconfig, credentials, transport, REST mapping and the typed client.
export { KubeClient, typeOf } from './client.ts';
export type { ListOptions, PatchOptions, PatchType, WatchOptions } from './client.ts';
export { KubeApiError, KubeConnectionError, isAlreadyExists, isConflict, isGone, isNotFound } from './errors.ts';
export { KubeConfig, KubeConfigError, loadKubeConfig } from './kubeconfig.ts';
export type { KubeCluster, KubeContext, KubeUser } from './kubeconfig.ts';
export { CredentialError } from './credentials.ts';
export { RestMapper, RestMappingError, resourcePath } from './rest-mapper.ts';
export { Throttle } from './throttle.ts';
export { Transport } from './transport.ts';
export type { RequestOptions } from './transport.ts';
export { objectKeyString, parseObjectKey, splitApiVersion } from './types.ts';
export type {
  ApiStatus,
  KubeList,
  KubeObject,
  ObjectKey,
  ObjectMeta,
  ResourceRef,
  TypeRef,
  WatchEvent,
  WatchEventType,
} from './types.ts';
