import type { ObjectMeta as FluxObjectMeta } from '../../api/index.ts';

/**
 * ObjectMeta is metav1.ObjectMeta as the client carries it: the fields Flux objects have (api/crd.ts, written once),
 * any other field, and ownerReferences untyped, since objects of every kind pass through.
 */
export interface ObjectMeta extends Omit<FluxObjectMeta, 'ownerReferences'> {
  ownerReferences?: unknown[];
  [key: string]: unknown;
}

/** KubeObject is any Kubernetes object: typed kinds narrow `spec` and `status` through the type parameters. */
export interface KubeObject<Spec = unknown, Status = unknown> {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec?: Spec;
  status?: Status;
  [key: string]: unknown;
}

/** KubeList is a list response: items plus the resourceVersion to watch from and a continue token for paging. */
export interface KubeList<T extends KubeObject = KubeObject> {
  apiVersion?: string;
  kind?: string;
  metadata: { resourceVersion?: string; continue?: string };
  items: T[];
}

/** GroupVersionKind names a kind; `apiVersion` is `group/version` or just `version` for the core group. */
export interface TypeRef {
  apiVersion: string;
  kind: string;
}

/** ResourceRef is the REST mapping of a kind: where its objects live on the API server. */
export interface ResourceRef {
  group: string;
  version: string;
  resource: string;
  kind: string;
  namespaced: boolean;
}

/** ObjectKey is an object's identity within a kind. Cluster-scoped objects have no namespace. */
export interface ObjectKey {
  namespace?: string;
  name: string;
}

/** WatchEventType is the type field of a watch event line. */
export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/** WatchEvent is one line of a watch stream. For ERROR the object is a metav1.Status. */
export interface WatchEvent<T extends KubeObject = KubeObject> {
  type: WatchEventType;
  object: T;
}

/** Status is metav1.Status as returned by failed requests and watch ERROR events. */
export interface ApiStatus {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: unknown;
}

/** splitApiVersion returns the group ('' for core) and version of an apiVersion string. */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  if (slash < 0) return { group: '', version: apiVersion };
  return { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** objectKeyString renders a key as `namespace/name` (or `name` for cluster-scoped objects), the queue key format. */
export function objectKeyString(key: ObjectKey): string {
  return key.namespace ? `${key.namespace}/${key.name}` : key.name;
}

/** parseObjectKey is the inverse of objectKeyString. */
export function parseObjectKey(key: string): ObjectKey {
  const slash = key.indexOf('/');
  if (slash < 0) return { name: key };
  return { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}
