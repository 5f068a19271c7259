import type { Kustomization } from '../../api/index.ts';
import type { KubeObject } from '../../kube/index.ts';
import {
  type ControllerSetup,
  indexBySourceRef,
  type Informer,
  objectReconciler,
  sourceRefIndex,
  sourceRefKey,
  storeKey,
} from '../../runtime/index.ts';
import { sopsDecryptor, type Decryptor } from './decrypt.ts';
import { finalizeKustomization } from './finalize.ts';
import { kustomizationType } from './kind.ts';
import type { KustomizeControllerOptions } from './options.ts';
import { reconcileKustomization } from './reconcile.ts';
import { SOURCE_KINDS } from './source.ts';

/** DEPENDS_ON_INDEX files Kustomizations under the `namespace/name` of each dependency. */
const DEPENDS_ON_INDEX = 'spec.dependsOn';
/** CONFIG_INDEX files Kustomizations under the `Kind/namespace/name` of the Secrets and ConfigMaps they read. */
const CONFIG_INDEX = 'configRefs';

/** STATUS_FIELD_MANAGER owns the status patches, as in Flux. */
const STATUS_FIELD_MANAGER = 'gotk-kustomize-controller';

type Source = KubeObject<unknown, { artifact?: { revision?: string; digest?: string } }>;

function configRefs(ks: Kustomization): string[] {
  const ns = ks.metadata.namespace ?? '';
  const refs = (ks.spec.postBuild?.substituteFrom ?? []).map((r) => `${r.kind}/${ns}/${r.name}`);
  if (ks.spec.decryption?.secretRef) refs.push(`Secret/${ns}/${ks.spec.decryption.secretRef.name}`);
  if (ks.spec.kubeConfig?.secretRef) refs.push(`Secret/${ns}/${ks.spec.kubeConfig.secretRef.name}`);
  if (ks.spec.kubeConfig?.configMapRef) refs.push(`ConfigMap/${ns}/${ks.spec.kubeConfig.configMapRef.name}`);
  return refs;
}

const readyOf = (ks: Kustomization): string =>
  `${ks.status?.conditions?.find((c) => c.type === 'Ready')?.status ?? ''}/${ks.status?.lastAppliedRevision ?? ''}`;

/** KustomizeSetupOptions are the controller's flags plus an optional decryption hook (SOPS by default). */
export interface KustomizeSetupOptions extends KustomizeControllerOptions {
  decryptor?: Decryptor;
}

/**
 * kustomizeController is the kustomize-controller: Kustomizations built from any source kind's artifact and
 * applied with server-side apply. A new artifact revision requeues the Kustomizations of that source; a dependency
 * turning Ready (or applying a new revision) requeues its dependants; a watched Secret or ConfigMap
 * (`--watch-configs-label-selector`) requeues the Kustomizations that read it.
 *
 * @example
 *   await startManager(options, [kustomizeController({ noCrossNamespaceRefs: true })]);
 */
export function kustomizeController(options: KustomizeSetupOptions = {}): ControllerSetup {
  return {
    name: 'kustomize-controller',
    setup(manager) {
      const informer = manager.informerFor<Kustomization>(kustomizationType);
      informer.addIndex(sourceRefIndex, indexBySourceRef);
      informer.addIndex(DEPENDS_ON_INDEX, (ks) =>
        (ks.spec.dependsOn ?? []).map((d) => `${d.namespace || ks.metadata.namespace || ''}/${d.name}`),
      );
      informer.addIndex(CONFIG_INDEX, configRefs);
      const decrypt = options.decryptor ?? sopsDecryptor(manager.client);
      const sourceInformers = new Map<string, Informer<Source>>();
      const cachedSource = (kind: string, namespace: string, name: string): KubeObject | null | undefined => {
        const inf = sourceInformers.get(kind);
        if (!inf?.hasSynced) return undefined;
        return inf.get(`${namespace}/${name}`) ?? null;
      };
      const controller = manager.addController<Kustomization>({
        name: 'kustomization',
        type: kustomizationType,
        reconcile: objectReconciler<Kustomization>({
          manager,
          type: kustomizationType,
          informer,
          fieldManager: STATUS_FIELD_MANAGER,
          reconcile: (obj, ctx) => reconcileKustomization(obj, ctx, { options, decrypt, cachedSource }),
          finalize: (obj, ctx) => finalizeKustomization(obj, ctx, options),
        }),
      });
      const enqueue = (keys: string[]): void => {
        for (const key of keys) controller.queue.add(key);
      };

      for (const [kind, apiVersion] of Object.entries(SOURCE_KINDS)) {
        if (kind === 'ExternalArtifact' && !manager.options.featureGates['ExternalArtifact']) continue;
        const sources = manager.informerFor<Source>({ apiVersion, kind });
        sourceInformers.set(kind, sources);
        const consumers = (src: Source): string[] =>
          informer
            .byIndex(sourceRefIndex, sourceRefKey(kind, src.metadata.namespace ?? '', src.metadata.name ?? ''))
            .map(storeKey);
        // Only a new artifact matters: sources patch their status on every run.
        sources.addHandlers({
          add: (src) => enqueue(consumers(src)),
          update: (old, src) => {
            const a = old.status?.artifact;
            const b = src.status?.artifact;
            if (a?.revision !== b?.revision || a?.digest !== b?.digest) enqueue(consumers(src));
          },
          delete: (src) => enqueue(consumers(src)),
        });
      }

      informer.addHandlers({
        update: (old, ks) => {
          if (readyOf(old) === readyOf(ks)) return;
          enqueue(informer.byIndex(DEPENDS_ON_INDEX, storeKey(ks)).map(storeKey));
        },
      });

      if (!manager.options.featureGates['DisableConfigWatchers']) {
        const selector = manager.options.watchConfigsLabelSelector;
        for (const kind of ['Secret', 'ConfigMap']) {
          const configs = manager.informerFor<KubeObject>(
            { apiVersion: 'v1', kind },
            selector ? { labelSelector: selector } : {},
          );
          const referrers = (obj: KubeObject): string[] =>
            informer
              .byIndex(CONFIG_INDEX, `${kind}/${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`)
              .map(storeKey);
          configs.addHandlers({
            update: (old, obj) => {
              if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) enqueue(referrers(obj));
            },
            delete: (obj) => enqueue(referrers(obj)),
          });
        }
      }
    },
  };
}
