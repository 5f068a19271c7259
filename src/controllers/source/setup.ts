import type { GitRepository, OCIRepository } from '../../api/index.ts';
import type { ArtifactStorage } from '../../artifacts/index.ts';
import { type ControllerSetup, done, objectReconciler, storeKey } from '../../runtime/index.ts';
import { GIT_REPOSITORY_KIND, reconcileGitRepository } from './gitrepository/reconcile.ts';
import { OCI_REPOSITORY_KIND, reconcileOCIRepository } from './ocirepository/reconcile.ts';

/** gitRepositoryType addresses the GitRepository kind. */
export const gitRepositoryType = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: GIT_REPOSITORY_KIND };

/** ociRepositoryType addresses the OCIRepository kind. */
export const ociRepositoryType = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: OCI_REPOSITORY_KIND };

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
 * sourceController is the source-controller: GitRepository and OCIRepository (the other source kinds follow). A change of a
 * repository's artifact requeues every repository that includes it.
 */
export function sourceController(options: SourceControllerOptions): ControllerSetup {
  return {
    name: 'source-controller',
    setup(manager) {
      const informer = manager.informerFor<GitRepository>(gitRepositoryType);
      informer.addIndex(INCLUDE_INDEX, (obj) =>
        (obj.spec.include ?? []).map((inc) => `${obj.metadata.namespace ?? ''}/${inc.repository.name}`),
      );
      const lookupInclude = (namespace: string, name: string) => informer.get(`${namespace}/${name}`)?.status?.artifact;
      const controller = manager.addController<GitRepository>({
        name: 'gitrepository',
        type: gitRepositoryType,
        reconcile: objectReconciler<GitRepository>({
          manager,
          type: gitRepositoryType,
          informer,
          reconcile: (obj, ctx) =>
            reconcileGitRepository(obj, ctx, {
              storage: options.storage,
              lookupInclude,
              ...(options.workDir ? { workDir: options.workDir } : {}),
            }),
          finalize: async (obj) => {
            await options.storage.removeAll({
              kind: GIT_REPOSITORY_KIND,
              namespace: obj.metadata.namespace ?? '',
              name: obj.metadata.name ?? '',
            });
            return done();
          },
        }),
      });
      controller.watches(informer, (included) => informer.byIndex(INCLUDE_INDEX, storeKey(included)).map(storeKey));

      const ociInformer = manager.informerFor<OCIRepository>(ociRepositoryType);
      manager.addController<OCIRepository>({
        name: 'ocirepository',
        type: ociRepositoryType,
        reconcile: objectReconciler<OCIRepository>({
          manager,
          type: ociRepositoryType,
          informer: ociInformer,
          reconcile: (obj, ctx) =>
            reconcileOCIRepository(obj, ctx, {
              storage: options.storage,
              ...(options.workDir ? { workDir: options.workDir } : {}),
              ...(options.ociMaxLayerBytes ? { maxLayerBytes: options.ociMaxLayerBytes } : {}),
            }),
          finalize: async (obj) => {
            await options.storage.removeAll({
              kind: OCI_REPOSITORY_KIND,
              namespace: obj.metadata.namespace ?? '',
              name: obj.metadata.name ?? '',
            });
            return done();
          },
        }),
      });
    },
  };
}
