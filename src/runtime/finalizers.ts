import { type KubeClient, type KubeObject, typeOf } from '../kube/client/index.ts';

/** fluxFinalizer is the finalizer every Flux controller puts on the objects it reconciles. */
export const fluxFinalizer = 'finalizers.fluxcd.io';

/** hasFinalizer reports whether the object carries the finalizer. */
export function hasFinalizer(obj: KubeObject, finalizer: string = fluxFinalizer): boolean {
  return obj.metadata.finalizers?.includes(finalizer) ?? false;
}

/** isDeleting reports an object whose deletion has been requested (it waits for its finalizers). */
export function isDeleting(obj: KubeObject): boolean {
  return obj.metadata.deletionTimestamp !== undefined && obj.metadata.deletionTimestamp !== null;
}

/**
 * addFinalizer adds the finalizer with a merge patch guarded by resourceVersion, so a concurrent edit of the
 * list makes this fail with a conflict (retried by the queue) instead of silently dropping someone's finalizer.
 * Returns false when the finalizer was already there.
 */
export async function addFinalizer(
  client: KubeClient,
  obj: KubeObject,
  fieldManager: string,
  finalizer = fluxFinalizer,
) {
  if (hasFinalizer(obj, finalizer)) return false;
  await writeFinalizers(client, obj, [...(obj.metadata.finalizers ?? []), finalizer], fieldManager);
  return true;
}

/** removeFinalizer removes the finalizer (same optimistic lock); false when it was not there. */
export async function removeFinalizer(
  client: KubeClient,
  obj: KubeObject,
  fieldManager: string,
  finalizer = fluxFinalizer,
) {
  if (!hasFinalizer(obj, finalizer)) return false;
  const kept = (obj.metadata.finalizers ?? []).filter((f) => f !== finalizer);
  await writeFinalizers(client, obj, kept, fieldManager);
  return true;
}

async function writeFinalizers(client: KubeClient, obj: KubeObject, finalizers: string[], fieldManager: string) {
  const key = {
    name: obj.metadata.name ?? '',
    ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}),
  };
  const patch = {
    metadata: { finalizers: finalizers.length > 0 ? finalizers : null, resourceVersion: obj.metadata.resourceVersion },
  };
  const updated = await client.patch<KubeObject>(typeOf(obj), key, 'merge', patch, { fieldManager });
  obj.metadata.finalizers = updated.metadata.finalizers ?? [];
  obj.metadata.resourceVersion = updated.metadata.resourceVersion;
}
