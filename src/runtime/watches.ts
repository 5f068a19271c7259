// Watches as data: which changes of other objects (or of objects of the controller's own kind) enqueue which of the
// controller's objects, found through an index on its informer, never by a scan (ARCHITECTURE.md rule 7). "Reconcile
// the Kustomizations whose sourceRef is this GitRepository when its artifact revision changes" reads:
//   { type: gitRepositoryType, index: sourceRefIndex, key: (src) => sourceRefKey('GitRepository', …), when: artifactChanged }
import type { KubeObject, TypeRef } from '../kube/client/index.ts';
import type { Controller } from './controller.ts';
import type { Informer } from './informer.ts';
import type { Manager } from './manager.ts';
import { storeKey } from './store.ts';

/** WatchEvent names the informer events a watch reacts to. */
export type WatchEventName = 'add' | 'update' | 'delete';

/** Watch declares one dependency of a controller's objects on other objects. */
export interface Watch<U extends KubeObject = KubeObject> {
  /** type of the watched objects; omitted, the controller's own kind (e.g. dependants of a Kustomization). */
  type?: TypeRef;
  /** labelSelector narrows the watched objects' informer (e.g. `--watch-configs-label-selector`). */
  labelSelector?: string;
  /** index is an index of the controller's informer whose values name watched objects. */
  index: string;
  /** key is the index value under which the objects that refer to `obj` are filed. */
  key(obj: U): string;
  /** on lists the events that enqueue; all three by default. */
  on?: readonly WatchEventName[];
  /** when filters updates: enqueue only when it returns true (default: every update). */
  when?(oldObj: U, newObj: U): boolean;
}

/**
 * addWatch wires one Watch: the watched kind's shared informer (made on first use by the manager) enqueues, into
 * the controller's queue, the keys its index files under `key(obj)`. Returns the watched informer, which a
 * reconciler may also read as a cache.
 */
export function addWatch<T extends KubeObject, U extends KubeObject>(
  manager: Manager,
  controller: Controller<T>,
  watch: Watch<U>,
): Informer<U> {
  const own = controller.informer;
  const informer = watch.type
    ? manager.informerFor<U>(watch.type, watch.labelSelector ? { labelSelector: watch.labelSelector } : {})
    : (own as unknown as Informer<U>);
  const on = new Set<WatchEventName>(watch.on ?? ['add', 'update', 'delete']);
  const enqueue = (obj: U): void => {
    for (const referrer of own.byIndex(watch.index, watch.key(obj))) controller.queue.add(storeKey(referrer));
  };
  informer.addHandlers({
    ...(on.has('add') ? { add: enqueue } : {}),
    ...(on.has('update')
      ? {
          update: (oldObj: U, newObj: U) => {
            if (watch.when?.(oldObj, newObj) ?? true) enqueue(newObj);
          },
        }
      : {}),
    ...(on.has('delete') ? { delete: enqueue } : {}),
  });
  return informer;
}

type WithArtifact = KubeObject<unknown, { artifact?: { revision?: string; digest?: string } }>;

/** artifactChanged: a source's `status.artifact` revision or digest changed (sources patch status on every run). */
export function artifactChanged(oldObj: KubeObject, newObj: KubeObject): boolean {
  const a = (oldObj as WithArtifact).status?.artifact;
  const b = (newObj as WithArtifact).status?.artifact;
  return a?.revision !== b?.revision || a?.digest !== b?.digest;
}

/** resourceVersionChanged: the object was written (not a resync re-delivery). */
export function resourceVersionChanged(oldObj: KubeObject, newObj: KubeObject): boolean {
  return oldObj.metadata.resourceVersion !== newObj.metadata.resourceVersion;
}

type WithReady = KubeObject<unknown, { conditions?: { type: string; status: string }[]; lastAppliedRevision?: string }>;

const readyStatus = (obj: KubeObject): string | undefined =>
  (obj as WithReady).status?.conditions?.find((c) => c.type === 'Ready')?.status;

/**
 * becameReady: the object is Ready now and was not, or is Ready at a new applied revision: what its dependants wait
 * for. A dependency turning not-ready (e.g. Ready=Unknown while it reconciles) is no news to them.
 */
export function becameReady(oldObj: KubeObject, newObj: KubeObject): boolean {
  if (readyStatus(newObj) !== 'True') return false;
  if (readyStatus(oldObj) !== 'True') return true;
  return (oldObj as WithReady).status?.lastAppliedRevision !== (newObj as WithReady).status?.lastAppliedRevision;
}
