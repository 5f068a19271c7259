// The image-reflector-controller: ImageRepositories scanned into the tag store, ImagePolicies evaluated over it.
// A new scan result (lastScanResult.revision) of a repository requeues the policies that reference it.
import type { ImagePolicy, ImageRepository } from '../../api/index.ts';
import type { KubeObject } from '../../kube/index.ts';
import { addObjectController, done, type ControllerSetup, type ObjectController } from '../../runtime/index.ts';
import { reconcileImagePolicy } from './imagepolicy/reconcile.ts';
import { reconcileImageRepository } from './imagerepository/reconcile.ts';
import { imagePolicyType, imageRepositoryType } from './kind.ts';
import type { TagStore } from './tagstore.ts';

/** REPOSITORY_INDEX files ImagePolicies under the `namespace/name` of their ImageRepository. */
const REPOSITORY_INDEX = 'imageRepository';

export interface ImageReflectorOptions {
  store: TagStore;
  noCrossNamespaceRefs: boolean;
}

type Namespace = KubeObject<never, never>;

const scanChanged = (a: KubeObject, b: KubeObject): boolean =>
  (a as ImageRepository).status?.lastScanResult?.revision !== (b as ImageRepository).status?.lastScanResult?.revision;

/** imageReflectorController registers the ImageRepository and ImagePolicy controllers. */
export function imageReflectorController(options: ImageReflectorOptions): ControllerSetup {
  return {
    name: 'image-reflector-controller',
    setup(manager) {
      const repos: ObjectController<ImageRepository> = addObjectController<ImageRepository>(manager, {
        name: 'imagerepository',
        type: imageRepositoryType,
        reconcile: (obj, ctx) => reconcileImageRepository(obj, ctx, { store: options.store }),
        finalize: async (obj) => {
          await options.store.delete({ namespace: obj.metadata.namespace ?? '', name: obj.metadata.name ?? '' });
          return done();
        },
      });
      addObjectController<ImagePolicy>(manager, {
        name: 'imagepolicy',
        type: imagePolicyType,
        indexes: {
          [REPOSITORY_INDEX]: (obj) => [
            `${obj.spec.imageRepositoryRef.namespace || (obj.metadata.namespace ?? '')}/${obj.spec.imageRepositoryRef.name}`,
          ],
        },
        watches: [
          {
            type: imageRepositoryType,
            index: REPOSITORY_INDEX,
            key: (repo) => `${repo.metadata.namespace ?? ''}/${repo.metadata.name ?? ''}`,
            when: scanChanged,
          },
        ],
        reconcile: (obj, ctx) =>
          reconcileImagePolicy(obj, ctx, {
            store: options.store,
            noCrossNamespaceRefs: options.noCrossNamespaceRefs,
            getRepository: (namespace, name) => repos.informer.get(`${namespace}/${name}`),
            namespaceLabels: async (namespace) => {
              try {
                const ns = await manager.client.get<Namespace>(
                  { apiVersion: 'v1', kind: 'Namespace' },
                  { name: namespace },
                );
                return ns.metadata.labels ?? {};
              } catch {
                return undefined;
              }
            },
          }),
      });
    },
  };
}
