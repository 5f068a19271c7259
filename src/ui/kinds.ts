// The Flux kinds the UI shows, as one table: a kind reconciled by a controller that lands later (HelmRelease,
// the image kinds, ArtifactGenerator) needs a row here and nothing else. Kinds whose CRD is not installed in a
// cluster are skipped there (and looked for again later), so the table can list every kind of Flux v2.9.
import type { TypeRef } from '../kube/index.ts';

/** UiKind is one Flux kind as the UI shows and acts on it. */
export interface UiKind extends TypeRef {
  /** category groups the overview (and colours the graph): what kind of thing it is. */
  category: 'source' | 'kustomize' | 'helm' | 'notification' | 'image';
  /** reconcilable: a reconcile request makes sense (static kinds such as Alert and Provider have no status). */
  reconcilable: boolean;
  /** suspendable: spec.suspend exists. */
  suspendable: boolean;
  /** source is where the object names its source (Kustomization spec.sourceRef, HelmRelease chartRef/chart). */
  source?: 'sourceRef' | 'helm';
  /** inventory: status.inventory lists the applied objects. */
  inventory?: boolean;
  /** history: status.history holds the last reconciliations (Kustomization) or release snapshots (HelmRelease). */
  history?: 'kustomization' | 'helmrelease';
  /** diff: the next apply can be previewed (`fluxts diff kustomization`'s engine). */
  diff?: boolean;
  /** dependsOn: spec.dependsOn names objects of the same kind that must be Ready first. */
  dependsOn?: boolean;
}

const SOURCE = 'source.toolkit.fluxcd.io/v1';
const NOTIFICATION_V1 = 'notification.toolkit.fluxcd.io/v1';
const NOTIFICATION_V1BETA3 = 'notification.toolkit.fluxcd.io/v1beta3';
const IMAGE = 'image.toolkit.fluxcd.io/v1';

const source = (kind: string): UiKind => ({
  apiVersion: SOURCE,
  kind,
  category: 'source',
  reconcilable: true,
  suspendable: true,
});

/** UI_KINDS lists every kind the UI watches, in the order the overview groups them. */
export const UI_KINDS: readonly UiKind[] = [
  {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    category: 'kustomize',
    reconcilable: true,
    suspendable: true,
    source: 'sourceRef',
    inventory: true,
    history: 'kustomization',
    diff: true,
    dependsOn: true,
  },
  {
    apiVersion: 'helm.toolkit.fluxcd.io/v2',
    kind: 'HelmRelease',
    category: 'helm',
    reconcilable: true,
    suspendable: true,
    source: 'helm',
    inventory: true,
    history: 'helmrelease',
    dependsOn: true,
  },
  source('GitRepository'),
  source('OCIRepository'),
  source('HelmRepository'),
  source('HelmChart'),
  source('Bucket'),
  { apiVersion: SOURCE, kind: 'ExternalArtifact', category: 'source', reconcilable: false, suspendable: false },
  {
    apiVersion: 'source.extensions.fluxcd.io/v1beta1',
    kind: 'ArtifactGenerator',
    category: 'source',
    reconcilable: true,
    suspendable: false,
  },
  { apiVersion: NOTIFICATION_V1, kind: 'Receiver', category: 'notification', reconcilable: true, suspendable: true },
  { apiVersion: NOTIFICATION_V1BETA3, kind: 'Alert', category: 'notification', reconcilable: false, suspendable: true },
  {
    apiVersion: NOTIFICATION_V1BETA3,
    kind: 'Provider',
    category: 'notification',
    reconcilable: false,
    suspendable: true,
  },
  { apiVersion: IMAGE, kind: 'ImageRepository', category: 'image', reconcilable: true, suspendable: true },
  { apiVersion: IMAGE, kind: 'ImagePolicy', category: 'image', reconcilable: true, suspendable: true },
  { apiVersion: IMAGE, kind: 'ImageUpdateAutomation', category: 'image', reconcilable: true, suspendable: true },
];

const byName = new Map(UI_KINDS.map((k) => [k.kind.toLowerCase(), k]));

/** uiKind finds a kind by name, case-insensitively (URLs carry it lower-cased). */
export function uiKind(name: string): UiKind | undefined {
  return byName.get(name.toLowerCase());
}
