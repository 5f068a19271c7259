// Per-object control annotations and labels of kustomize-controller (flux-api.md §4.8, fluxcd/pkg ssa/utils/meta.go).
import { Annotation, Label } from '../../api/index.ts';
import type { KubeObject } from '../client/index.ts';

/** Selector is a set of key/value pairs matched against an object's labels OR annotations, values case-insensitively. */
export type Selector = Readonly<Record<string, string>>;

/** anyInMetadata reports whether any pair of the selector is set (non-empty, case-insensitive) as label or annotation. */
export function anyInMetadata(obj: KubeObject | undefined, selector: Selector | undefined): boolean {
  if (!obj || !selector) return false;
  const labels = obj.metadata.labels ?? {};
  const annotations = obj.metadata.annotations ?? {};
  for (const [key, want] of Object.entries(selector)) {
    const w = want.toLowerCase();
    const l = labels[key];
    const a = annotations[key];
    if ((l && l.toLowerCase() === w) || (a && a.toLowerCase() === w)) return true;
  }
  return false;
}

/** EXCLUDE_FROM_APPLY: never applied (kept as `skipped`): `reconcile: disabled` or `ssa: Ignore`. */
export const EXCLUDE_FROM_APPLY: Selector = { [Annotation.Reconcile]: 'disabled', [Annotation.SSA]: 'Ignore' };
/** IF_NOT_PRESENT: only created, never patched once it exists. */
export const IF_NOT_PRESENT: Selector = { [Annotation.SSA]: 'IfNotPresent' };
/** MERGE: fields of other managers are kept (no managedFields takeover). */
export const MERGE: Selector = { [Annotation.SSA]: 'Merge' };
/** FORCE: recreated when an immutable field changes. */
export const FORCE: Selector = { [Annotation.Force]: 'enabled' };
/** EXCLUDE_FROM_PRUNE: never deleted by garbage collection. */
export const EXCLUDE_FROM_PRUNE: Selector = {
  [Annotation.Prune]: 'disabled',
  [Annotation.Reconcile]: 'disabled',
  [Annotation.SSA]: 'Ignore',
};

/** ownerLabels are the labels kustomize-controller stamps on every object it applies; prune requires both. */
export function ownerLabels(name: string, namespace: string): Record<string, string> {
  return { [Label.KustomizeName]: name, [Label.KustomizeNamespace]: namespace };
}
