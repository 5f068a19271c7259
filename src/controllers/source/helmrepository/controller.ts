// The HelmRepository controller: default-type objects go through the one reconcile shape (reconcile.ts), `oci`
// ones are migrated to static holders before the shape would add its finalizer (static-oci.ts).
import type { HelmRepository } from '../../../api/index.ts';
import type { ArtifactStorage } from '../../../artifacts/index.ts';
import { objectReconciler, retry, type Informer, type Manager } from '../../../runtime/index.ts';
import { errorMessage } from '../../../util/errors.ts';
import { finalizeSource } from '../artifact.ts';
import { helmRepositoryType } from '../kind.ts';
import { reconcileHelmRepository } from './reconcile.ts';
import { isStaticType, migrateToStatic } from './static-oci.ts';

export interface HelmRepositoryControllerOptions {
  storage: ArtifactStorage;
  workDir?: string;
  maxIndexBytes?: number;
}

/** addHelmRepositoryController registers the controller; returns its informer (HelmCharts read it as a cache). */
export function addHelmRepositoryController(
  manager: Manager,
  options: HelmRepositoryControllerOptions,
): Informer<HelmRepository> {
  const informer = manager.informerFor<HelmRepository>(helmRepositoryType);
  const shaped = objectReconciler<HelmRepository>({
    manager,
    informer,
    type: helmRepositoryType,
    ...(options.workDir ? { workDir: options.workDir } : {}),
    reconcile: (obj, ctx) =>
      reconcileHelmRepository(obj, ctx, {
        storage: options.storage,
        ...(options.maxIndexBytes ? { maxIndexBytes: options.maxIndexBytes } : {}),
      }),
    finalize: (obj) => finalizeSource(obj, options.storage),
  });
  manager.addController<HelmRepository>({
    name: 'helmrepository',
    type: helmRepositoryType,
    reconcile: async (request) => {
      const cached = informer.get(request.key);
      if (cached && isStaticType(cached)) {
        try {
          return await migrateToStatic(structuredClone(cached), manager, options.storage);
        } catch (err) {
          request.log.error({ error: errorMessage(err) }, 'migration of an OCI HelmRepository to static failed');
          return retry(err instanceof Error ? err : new Error(String(err)));
        }
      }
      return shaped(request);
    },
  });
  return informer;
}
