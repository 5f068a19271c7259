import type { GitRepository } from '../../api/index.ts';
import type { ArtifactStorage } from '../../artifacts/index.ts';
import { type ControllerSetup, done, objectReconciler, storeKey } from '../../runtime/index.ts';
import { GIT_REPOSITORY_KIND, reconcileGitRepository } from './gitrepository/reconcile.ts';

/** gitRepositoryType addresses the GitRepository kind. */
export const gitRepositoryType = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: GIT_REPOSITORY_KIND };

/** INCLUDE_INDEX files GitRepositories under the `namespace/name` of every repository they include. */
const INCLUDE_INDEX = 'include';

export interface SourceControllerOptions {
  storage: ArtifactStorage;
  /** Parent directory of temporary checkouts. */
  workDir?: string;
}

/**
 * sourceController is the source-controller: GitRepository now (the other source kinds follow). A change of a
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
    },
  };
}
