// The image-automation-controller: ImageUpdateAutomations requeued when their GitRepository's spec changes and when
// an ImagePolicy of their namespace resolves to another image (any automation of the namespace may carry its
// markers), both through indexes of the informer caches, never a list call per reconcile.
import type { GitRepository, ImagePolicy, ImageUpdateAutomation } from '../../api/index.ts';
import type { KubeObject } from '../../kube/index.ts';
import {
  addObjectController,
  indexBySourceRef,
  sourceRefIndex,
  sourceRefKey,
  type ControllerSetup,
  type Informer,
} from '../../runtime/index.ts';
import { gitRepositoryType } from '../source/index.ts';
import { reconcileImageUpdateAutomation } from './automation/reconcile.ts';
import { imagePolicyType, imageUpdateAutomationType } from './kind.ts';

/** NAMESPACE_INDEX files automations (and, on the policy cache, policies) under their namespace. */
const NAMESPACE_INDEX = 'imageupdateautomation.namespace';

export interface ImageAutomationOptions {
  noCrossNamespaceRefs: boolean;
  /** pushRetryBaseDelayMs shortens the push retry's first delay (tests). */
  pushRetryBaseDelayMs?: number;
}

const byNamespace = (obj: KubeObject): string[] => [obj.metadata.namespace ?? ''];

const latestRefChanged = (a: KubeObject, b: KubeObject): boolean => {
  const x = (a as ImagePolicy).status?.latestRef;
  const y = (b as ImagePolicy).status?.latestRef;
  return x?.name !== y?.name || x?.tag !== y?.tag || (x?.digest ?? '') !== (y?.digest ?? '');
};

// Flux's sourceConfigChangePredicate: the automation reads the GitRepository's spec (URL, ref, secrets), not its
// artifact, so only a new generation matters.
const generationChanged = (a: KubeObject, b: KubeObject): boolean => a.metadata.generation !== b.metadata.generation;

/** imageAutomationController registers the ImageUpdateAutomation controller. */
export function imageAutomationController(options: ImageAutomationOptions): ControllerSetup {
  return {
    name: 'image-automation-controller',
    setup(manager) {
      const policies = manager.informerFor<ImagePolicy>(imagePolicyType);
      policies.addIndex(NAMESPACE_INDEX, byNamespace);
      const automations = addObjectController<ImageUpdateAutomation>(manager, {
        name: 'imageupdateautomation',
        type: imageUpdateAutomationType,
        indexes: { [sourceRefIndex]: indexBySourceRef, [NAMESPACE_INDEX]: byNamespace },
        watches: [
          {
            type: gitRepositoryType,
            index: sourceRefIndex,
            key: (src) => sourceRefKey('GitRepository', src.metadata.namespace ?? '', src.metadata.name ?? ''),
            when: generationChanged,
          },
          {
            type: imagePolicyType,
            index: NAMESPACE_INDEX,
            key: (policy) => policy.metadata.namespace ?? '',
            when: latestRefChanged,
          },
        ],
        reconcile: (obj, ctx) =>
          reconcileImageUpdateAutomation(obj, ctx, {
            noCrossNamespaceRefs: options.noCrossNamespaceRefs,
            policiesIn: (namespace) => policies.byIndex(NAMESPACE_INDEX, namespace),
            getGitRepository: (namespace, name) => gitRepositories().get(`${namespace}/${name}`),
            ...(options.pushRetryBaseDelayMs !== undefined
              ? { pushRetryBaseDelayMs: options.pushRetryBaseDelayMs }
              : {}),
          }),
      });
      const gitRepositories = (): Informer<GitRepository> =>
        automations.watched[0] as unknown as Informer<GitRepository>;
    },
  };
}
