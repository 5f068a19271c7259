// How a consumer of sources (Kustomization, HelmRelease) is wired on the manager, written once: its indexes (source,
// dependsOn, the Secrets and ConfigMaps it reads), the watches that requeue it (consumerWatches), and a reconcile
// that reads its source from those watches' informers instead of asking the API server.
import type { Dependency } from './depends-on.ts';
import { dependencyKeys } from './depends-on.ts';
import {
  addObjectController,
  sourceRefIndex,
  type FluxObject,
  type Manager,
  type ObjectControllerSpec,
  type Result,
  type StepContext,
} from '../../runtime/index.ts';
import { CONFIG_INDEX, consumerWatches, DEPENDS_ON_INDEX, sourceCache, type SourceCache } from './watches.ts';

/** ConsumerControllerSpec is an ObjectControllerSpec whose indexes and watches are derived from the fields below. */
export interface ConsumerControllerSpec<T extends FluxObject> extends Omit<
  ObjectControllerSpec<T>,
  'indexes' | 'watches' | 'reconcile'
> {
  /** sourceKinds are the source kinds it accepts (kind → plural), ExternalArtifact only when its gate is on. */
  sourceKinds: Readonly<Record<string, string>>;
  /** sourceKeys file an object under its source (sourceRefKey values). */
  sourceKeys: (obj: T) => string[];
  /** dependsOn is the object's spec.dependsOn. */
  dependsOn: (obj: T) => readonly Dependency[] | undefined;
  /** configRefs are the Secrets and ConfigMaps the object reads (configRefKey values). */
  configRefs: (obj: T) => string[];
  reconcile: (obj: T, ctx: StepContext, cachedSource: SourceCache['cached']) => Promise<Result>;
}

/**
 * addConsumerController registers a consumer of sources: addObjectController with the source, dependsOn and
 * config indexes and consumerWatches, its sources read from the watched informers once they have synced.
 *
 * @example addConsumerController<HelmRelease>(manager, { name: 'helmrelease', sourceKinds, sourceKeys, … });
 */
export function addConsumerController<T extends FluxObject>(manager: Manager, spec: ConsumerControllerSpec<T>): void {
  const { sourceKinds, sourceKeys, dependsOn, configRefs, reconcile, ...rest } = spec;
  const sources = sourceCache(sourceKinds);
  const { watched } = addObjectController<T>(manager, {
    ...rest,
    indexes: {
      [sourceRefIndex]: sourceKeys,
      [DEPENDS_ON_INDEX]: (obj) => dependencyKeys(obj, dependsOn(obj)),
      [CONFIG_INDEX]: configRefs,
    },
    watches: consumerWatches(sourceKinds, manager.options),
    reconcile: (obj, ctx) => reconcile(obj, ctx, sources.cached),
  });
  sources.bind(watched);
}
