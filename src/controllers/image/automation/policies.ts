// The ImagePolicies an ImageUpdateAutomation uses: those of its namespace that match `policySelector` and have
// resolved a `latestRef`, and what it records of them (`status.observedPolicies`, name → latestRef), whose change
// makes the next run a full one.
import type { ImagePolicy, ImageRef } from '../../../api/index.ts';
import type { PolicyRef } from '../../../engines/setters/index.ts';
import { compileLabelSelector, type LabelSelector } from '../../common/index.ts';

/** SelectedPolicies: the setters' input and the status record of the same policies. */
export interface SelectedPolicies {
  policies: PolicyRef[];
  observed: Record<string, ImageRef>;
}

/**
 * selectPolicies filters the namespace's policies by the selector (throws InvalidLabelSelectorError) and keeps
 * those with a latestRef, sorted by name so the record is stable.
 */
export function selectPolicies(all: readonly ImagePolicy[], selector: LabelSelector | undefined): SelectedPolicies {
  const matches = compileLabelSelector(selector);
  const ready = all
    .filter((p) => p.status?.latestRef?.tag && matches(p.metadata.labels))
    .sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
  const observed: Record<string, ImageRef> = {};
  const policies: PolicyRef[] = [];
  for (const p of ready) {
    const ref = p.status!.latestRef!;
    const latest: ImageRef = { name: ref.name, tag: ref.tag, ...(ref.digest ? { digest: ref.digest } : {}) };
    observed[p.metadata.name ?? ''] = latest;
    policies.push({ namespace: p.metadata.namespace ?? '', name: p.metadata.name ?? '', latestRef: latest });
  }
  return { policies, observed };
}

/** observedPoliciesChanged: a policy came, went, or resolved to another reference since the last run. */
export function observedPoliciesChanged(
  previous: Readonly<Record<string, ImageRef>> | undefined,
  current: Readonly<Record<string, ImageRef>>,
): boolean {
  const prev = previous ?? {};
  const names = Object.keys(current);
  if (names.length !== Object.keys(prev).length) return true;
  return names.some((n) => {
    const a = prev[n];
    const b = current[n]!;
    return !a || a.name !== b.name || a.tag !== b.tag || (a.digest ?? '') !== (b.digest ?? '');
  });
}
