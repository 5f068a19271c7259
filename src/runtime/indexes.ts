import type { KubeObject } from '../kube/client/index.ts';

/** sourceRefIndex is the index name consumers (Kustomization, HelmRelease, …) file themselves under. */
export const sourceRefIndex = 'spec.sourceRef';

/** SourceRef is the `spec.sourceRef` of Flux consumers (namespace defaults to the consumer's own). */
export interface SourceRef {
  apiVersion?: string;
  kind: string;
  name: string;
  namespace?: string;
}

/** sourceRefKey renders the index value of a source: `<Kind>/<namespace>/<name>`. */
export function sourceRefKey(kind: string, namespace: string, name: string): string {
  return `${kind}/${namespace}/${name}`;
}

/**
 * indexBySourceRef files an object under the source its `spec.sourceRef` names, so a source change finds its
 * consumers with one map read: `informer.byIndex(sourceRefIndex, sourceRefKey(kind, ns, name))`.
 */
export function indexBySourceRef(obj: KubeObject): string[] {
  const spec = obj.spec as { sourceRef?: Partial<SourceRef> } | undefined;
  const ref = spec?.sourceRef;
  if (!ref?.kind || !ref.name) return [];
  return [sourceRefKey(ref.kind, ref.namespace || obj.metadata.namespace || '', ref.name)];
}
