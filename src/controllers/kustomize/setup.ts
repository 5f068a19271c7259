import type { Kustomization } from '../../api/index.ts';
import { type ControllerSetup, indexBySourceRef } from '../../runtime/index.ts';
import { addConsumerController, configRefKey } from '../common/index.ts';
import { sopsDecryptor, type Decryptor } from './build/index.ts';
import { finalizeKustomization } from './finalize.ts';
import { kustomizationType } from './kind.ts';
import type { KustomizeControllerOptions } from './options.ts';
import { reconcileKustomization, retryIntervalOf } from './reconcile.ts';
import { sourceKinds } from './source.ts';

/** STATUS_FIELD_MANAGER owns the status patches, as in Flux. */
const STATUS_FIELD_MANAGER = 'gotk-kustomize-controller';

/** configRefs are the Secrets and ConfigMaps a Kustomization reads, as CONFIG_INDEX values. */
function configRefs(ks: Kustomization): string[] {
  const ns = ks.metadata.namespace ?? '';
  const refs = (ks.spec.postBuild?.substituteFrom ?? []).map((r) => configRefKey(r.kind, ns, r.name));
  if (ks.spec.decryption?.secretRef) refs.push(configRefKey('Secret', ns, ks.spec.decryption.secretRef.name));
  if (ks.spec.kubeConfig?.secretRef) refs.push(configRefKey('Secret', ns, ks.spec.kubeConfig.secretRef.name));
  if (ks.spec.kubeConfig?.configMapRef) {
    refs.push(configRefKey('ConfigMap', ns, ks.spec.kubeConfig.configMapRef.name));
  }
  return refs;
}

/** KustomizeSetupOptions are the controller's flags plus an optional decryption hook (SOPS by default). */
export interface KustomizeSetupOptions extends KustomizeControllerOptions {
  decryptor?: Decryptor;
}

/**
 * kustomizeController is the kustomize-controller: Kustomizations built from any source kind's artifact and
 * applied with server-side apply. A new artifact revision requeues the Kustomizations of that source; a dependency
 * becoming Ready (or Ready at a new revision) requeues its dependants; a watched Secret or ConfigMap
 * (`--watch-configs-label-selector`) requeues the Kustomizations that read it.
 *
 * @example
 *   await startManager(options, [kustomizeController({ noCrossNamespaceRefs: true })]);
 */
export function kustomizeController(options: KustomizeSetupOptions = {}): ControllerSetup {
  return {
    name: 'kustomize-controller',
    setup(manager) {
      const gates = manager.options.featureGates;
      const decrypt = options.decryptor ?? sopsDecryptor(manager.client);
      addConsumerController<Kustomization>(manager, {
        name: 'kustomization',
        type: kustomizationType,
        fieldManager: STATUS_FIELD_MANAGER,
        ...(options.workDir ? { workDir: options.workDir } : {}),
        sourceKinds: sourceKinds(gates['ExternalArtifact'] ?? false),
        sourceKeys: indexBySourceRef,
        dependsOn: (ks) => ks.spec.dependsOn,
        configRefs,
        reconcile: (obj, ctx, cachedSource) => reconcileKustomization(obj, ctx, { options, decrypt, cachedSource }),
        finalize: (obj, ctx) => finalizeKustomization(obj, ctx, options),
        retryAfter: retryIntervalOf,
      });
    },
  };
}
