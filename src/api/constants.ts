// Finalizer, annotation and label keys of the Flux APIs (fluxcd/pkg apis/meta annotations.go, labels.go).

/** FINALIZER is the finalizer every reconciled Flux kind carries. */
export const FINALIZER = 'finalizers.fluxcd.io';

/** Annotation holds the annotation keys Flux reads or writes. */
export const Annotation = {
  /** ReconcileRequestedAt: any change of its value asks for an immediate reconcile. */
  ReconcileRequestedAt: 'reconcile.fluxcd.io/requestedAt',
  /** ForceRequestedAt: one-off forced Helm install/upgrade (HelmRelease). */
  ForceRequestedAt: 'reconcile.fluxcd.io/forceAt',
  /** ResetRequestedAt: reset of the HelmRelease failure counters. */
  ResetRequestedAt: 'reconcile.fluxcd.io/resetAt',
  /** EventMetadataPrefix: annotations with this prefix are copied into emitted events. */
  EventMetadataPrefix: 'event.toolkit.fluxcd.io/',
  /** Substitute: `disabled` turns off post-build substitution for an object. */
  Substitute: 'kustomize.toolkit.fluxcd.io/substitute',
  /** Reconcile: `disabled` makes kustomize-controller leave an object alone. */
  Reconcile: 'kustomize.toolkit.fluxcd.io/reconcile',
  /** Prune: `disabled` keeps an object when it leaves the source. */
  Prune: 'kustomize.toolkit.fluxcd.io/prune',
  /** SSA: Override, Merge, IfNotPresent or Ignore: how server-side apply treats the object. */
  SSA: 'kustomize.toolkit.fluxcd.io/ssa',
  /** Force: `enabled` recreates the object on immutable-field changes. */
  Force: 'kustomize.toolkit.fluxcd.io/force',
  /** HelmDriftDetection: `disabled` excludes an object from HelmRelease drift detection. */
  HelmDriftDetection: 'helm.toolkit.fluxcd.io/driftDetection',
} as const;

/** Label holds the label keys Flux reads or writes. */
export const Label = {
  /** Watch: `Enabled` on a Secret/ConfigMap makes its referrers reconcile when it changes. */
  Watch: 'reconcile.fluxcd.io/watch',
  KustomizeName: 'kustomize.toolkit.fluxcd.io/name',
  KustomizeNamespace: 'kustomize.toolkit.fluxcd.io/namespace',
  HelmName: 'helm.toolkit.fluxcd.io/name',
  HelmNamespace: 'helm.toolkit.fluxcd.io/namespace',
} as const;

/** WATCH_ENABLED is the value of Label.Watch that opts a Secret or ConfigMap in. */
export const WATCH_ENABLED = 'Enabled';
