import type { Bucket, GitRepository, OCIRepository } from '../../api/index.ts';
import type { Artifact, ArtifactStorage } from '../../artifacts/index.ts';
import {
  addObjectController,
  artifactChanged,
  type ControllerSetup,
  type ObjectController,
  storeKey,
} from '../../runtime/index.ts';
import { finalizeSource } from './artifact.ts';
import { reconcileGitRepository } from './gitrepository/reconcile.ts';
import { addHelmChartController } from './helmchart/index.ts';
import { addHelmRepositoryController } from './helmrepository/controller.ts';
import { reconcileBucket } from './bucket/reconcile.ts';
import { bucketType, gitRepositoryType, ociRepositoryType } from './kind.ts';
import { reconcileOCIRepository } from './ocirepository/reconcile.ts';

export { bucketType, gitRepositoryType, helmChartType, helmRepositoryType, ociRepositoryType } from './kind.ts';

/** INCLUDE_INDEX files GitRepositories under the `namespace/name` of every repository they include. */
const INCLUDE_INDEX = 'include';

export interface SourceControllerOptions {
  storage: ArtifactStorage;
  /** Parent directory of temporary checkouts. */
  workDir?: string;
  /** ociMaxLayerBytes caps an OCIRepository layer download (default 512 MiB). */
  ociMaxLayerBytes?: number;
}

/**
 * sourceController is the source-controller: GitRepository, OCIRepository, HelmRepository, HelmChart and
 * Bucket (each kind differs only in how it fetches: artifact.ts holds the rest). A new artifact of a repository
 * requeues every repository that includes it; a new index of a HelmRepository requeues the HelmCharts built from it.
 */
export function sourceController(options: SourceControllerOptions): ControllerSetup {
  return {
    name: 'source-controller',
    setup(manager) {
      // Includes are read from the kind's own informer cache.
      const lookupInclude = (namespace: string, name: string): Artifact | undefined =>
        gitRepositories.informer.get(`${namespace}/${name}`)?.status?.artifact;
      const gitRepositories: ObjectController<GitRepository> = addObjectController<GitRepository>(manager, {
        name: 'gitrepository',
        type: gitRepositoryType,
        ...(options.workDir ? { workDir: options.workDir } : {}),
        indexes: {
          [INCLUDE_INDEX]: (obj) =>
            (obj.spec.include ?? []).map((inc) => `${obj.metadata.namespace ?? ''}/${inc.repository.name}`),
        },
        watches: [{ index: INCLUDE_INDEX, key: storeKey, when: artifactChanged }],
        reconcile: (obj, ctx) => reconcileGitRepository(obj, ctx, { storage: options.storage, lookupInclude }),
        finalize: (obj) => finalizeSource(obj, options.storage),
      });
      addObjectController<OCIRepository>(manager, {
        name: 'ocirepository',
        type: ociRepositoryType,
        ...(options.workDir ? { workDir: options.workDir } : {}),
        reconcile: (obj, ctx) =>
          reconcileOCIRepository(obj, ctx, {
            storage: options.storage,
            ...(options.ociMaxLayerBytes ? { maxLayerBytes: options.ociMaxLayerBytes } : {}),
          }),
        finalize: (obj) => finalizeSource(obj, options.storage),
      });
      addObjectController<Bucket>(manager, {
        name: 'bucket',
        type: bucketType,
        ...(options.workDir ? { workDir: options.workDir } : {}),
        reconcile: (obj, ctx) => reconcileBucket(obj, ctx, { storage: options.storage }),
        finalize: (obj) => finalizeSource(obj, options.storage),
      });
      const helmRepositories = addHelmRepositoryController(manager, {
        storage: options.storage,
        ...(options.workDir ? { workDir: options.workDir } : {}),
      });
      addHelmChartController(manager, {
        storage: options.storage,
        helmRepositories,
        ...(options.workDir ? { workDir: options.workDir } : {}),
      });
    },
  };
}
