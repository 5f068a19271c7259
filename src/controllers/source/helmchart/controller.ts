// The HelmChart controller: charts are filed under their source (`spec.sourceRef`, same namespace) so that a new
// HelmRepository index, Git revision or Bucket revision requeues exactly the charts built from it.
import type { HelmChart, HelmRepository } from '../../../api/index.ts';
import type { KubeObject } from '../../../kube/index.ts';
import type { ArtifactStorage } from '../../../artifacts/index.ts';
import {
  addObjectController,
  artifactChanged,
  indexBySourceRef,
  sourceRefIndex,
  sourceRefKey,
  type Informer,
  type Manager,
  type ObjectController,
} from '../../../runtime/index.ts';
import { finalizeSource } from '../artifact.ts';
import { bucketType, gitRepositoryType, helmChartType, helmRepositoryType } from '../kind.ts';
import { reconcileHelmChart } from './reconcile.ts';

export interface HelmChartControllerOptions {
  storage: ArtifactStorage;
  /** helmRepositories is the HelmRepository informer (a cache of the sources). */
  helmRepositories: Informer<HelmRepository>;
  workDir?: string;
}

/** addHelmChartController registers the HelmChart controller on the source-controller's manager. */
export function addHelmChartController(
  manager: Manager,
  options: HelmChartControllerOptions,
): ObjectController<HelmChart> {
  return addObjectController<HelmChart>(manager, {
    name: 'helmchart',
    type: helmChartType,
    ...(options.workDir ? { workDir: options.workDir } : {}),
    indexes: { [sourceRefIndex]: indexBySourceRef },
    // A new artifact of the source (index or revision) requeues exactly the charts built from it.
    watches: [
      [helmRepositoryType, 'HelmRepository'] as const,
      [gitRepositoryType, 'GitRepository'] as const,
      [bucketType, 'Bucket'] as const,
    ].map(([type, kind]) => ({
      type,
      index: sourceRefIndex,
      key: (src: KubeObject) => sourceRefKey(kind, src.metadata.namespace ?? '', src.metadata.name ?? ''),
      when: artifactChanged,
    })),
    reconcile: (obj, ctx) =>
      reconcileHelmChart(obj, ctx, {
        storage: options.storage,
        cachedRepository: (namespace, name) => options.helmRepositories.get(`${namespace}/${name}`),
      }),
    finalize: (obj) => finalizeSource(obj, options.storage),
  });
}
