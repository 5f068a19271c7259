// The watches every consumer of sources declares (runtime/watches.ts): a new artifact of its source, a dependency
// becoming Ready, a change of a Secret or ConfigMap it reads.
import type { KubeObject } from '../../kube/index.ts';
import {
  artifactChanged,
  becameReady,
  resourceVersionChanged,
  sourceRefIndex,
  sourceRefKey,
  storeKey,
  type Informer,
  type Watch,
} from '../../runtime/index.ts';

/** DEPENDS_ON_INDEX files consumers under the `namespace/name` of each dependency (common/depends-on.ts). */
export const DEPENDS_ON_INDEX = 'spec.dependsOn';
/** CONFIG_INDEX files consumers under the `Kind/namespace/name` of the Secrets and ConfigMaps they read. */
export const CONFIG_INDEX = 'configRefs';

/** configRefKey is a CONFIG_INDEX value. */
export function configRefKey(kind: 'Secret' | 'ConfigMap', namespace: string, name: string): string {
  return `${kind}/${namespace}/${name}`;
}

/**
 * sourceWatches requeue the consumers filed under sourceRefIndex (runtime/indexes.ts) when a source of one of the
 * kinds gets a new artifact, appears or goes away. Sources patch their status on every run; only the artifact
 * matters.
 */
export function sourceWatches(kinds: Readonly<Record<string, string>>): Watch[] {
  return Object.entries(kinds).map(([kind, apiVersion]) => ({
    type: { apiVersion, kind },
    index: sourceRefIndex,
    key: (src: KubeObject) => sourceRefKey(kind, src.metadata.namespace ?? '', src.metadata.name ?? ''),
    when: artifactChanged,
  }));
}

/** dependantsWatch requeues the objects of the controller's own kind that depend on one that became Ready. */
export function dependantsWatch(): Watch {
  return { index: DEPENDS_ON_INDEX, key: storeKey, on: ['update'], when: becameReady };
}

/**
 * configWatches requeue the consumers filed under CONFIG_INDEX when a Secret or ConfigMap they read changes or
 * goes away; only those matching `labelSelector` (`--watch-configs-label-selector`) are watched.
 */
export function configWatches(labelSelector: string | undefined): Watch[] {
  return (['Secret', 'ConfigMap'] as const).map((kind) => ({
    type: { apiVersion: 'v1', kind },
    ...(labelSelector ? { labelSelector } : {}),
    index: CONFIG_INDEX,
    key: (obj: KubeObject) => configRefKey(kind, obj.metadata.namespace ?? '', obj.metadata.name ?? ''),
    on: ['update', 'delete'] as const,
    when: resourceVersionChanged,
  }));
}

/**
 * consumerWatches are the watches of a consumer of sources, in this order: one per source kind (sourceWatches),
 * the dependants watch, and, unless `DisableConfigWatchers`, the Secret and ConfigMap watches.
 */
export function consumerWatches(
  kinds: Readonly<Record<string, string>>,
  options: { featureGates: Readonly<Record<string, boolean>>; watchConfigsLabelSelector?: string | undefined },
): Watch[] {
  const watches: Watch[] = [...sourceWatches(kinds), dependantsWatch()];
  if (!options.featureGates['DisableConfigWatchers']) watches.push(...configWatches(options.watchConfigsLabelSelector));
  return watches;
}

/**
 * SourceCache reads sources from the informers of a consumer's source watches once they have synced (`undefined`
 * before, or for a kind not watched; `null` for an object the cache lacks), as SourceLookup.cached expects.
 */
export interface SourceCache {
  cached: (kind: string, namespace: string, name: string) => KubeObject | null | undefined;
  /** bind takes the watched informers addObjectController returned (consumerWatches order). */
  bind: (watched: readonly Informer<KubeObject>[]) => void;
}

/** sourceCache makes the SourceCache of the given source kinds. */
export function sourceCache(kinds: Readonly<Record<string, string>>): SourceCache {
  const informers = new Map<string, Informer<KubeObject>>();
  return {
    cached: (kind, namespace, name) => {
      const informer = informers.get(kind);
      if (!informer?.hasSynced) return undefined;
      return informer.get(`${namespace}/${name}`) ?? null;
    },
    bind: (watched) => {
      Object.keys(kinds).forEach((kind, i) => informers.set(kind, watched[i]!));
    },
  };
}
