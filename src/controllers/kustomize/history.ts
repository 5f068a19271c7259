// status.history (fluxcd/pkg apis/meta `History.Upsert`): the last five distinct (digest, outcome) pairs of the
// built manifests, most recent first, each with its first/last time, last duration and count.
import { createHash } from 'node:crypto';

import { stringify } from 'yaml';

import type { Kustomization } from '../../api/index.ts';
import type { KubeObject } from '../../kube/index.ts';
import { conditions, formatDuration } from '../../runtime/index.ts';

type Snapshot = NonNullable<NonNullable<Kustomization['status']>['history']>[number];

/** HISTORY_LIMIT is how many snapshots Flux keeps. */
export const HISTORY_LIMIT = 5;

/** manifestsDigest is `sha256:` of the built objects rendered as one multi-document YAML stream. */
export function manifestsDigest(objects: readonly KubeObject[]): string {
  const text = objects.map((o) => stringify(o)).join('---\n');
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

/**
 * upsertHistory records one reconciliation: an entry with the same digest and outcome is updated (count, last
 * time, duration, revisions) and moved to the front; otherwise a new entry is added; the list keeps five.
 */
export function upsertHistory(
  history: Snapshot[] | undefined,
  entry: { digest: string; status: string; durationMs: number; metadata: Record<string, string> },
  now: Date = new Date(),
): Snapshot[] {
  const at = conditions.nowSeconds(now);
  const list = [...(history ?? [])];
  const i = list.findIndex((s) => s.digest === entry.digest && s.lastReconciledStatus === entry.status);
  const previous = i >= 0 ? list.splice(i, 1)[0] : undefined;
  const snapshot: Snapshot = {
    digest: entry.digest,
    firstReconciled: previous?.firstReconciled ?? at,
    lastReconciled: at,
    lastReconciledDuration: formatDuration(entry.durationMs),
    lastReconciledStatus: entry.status,
    totalReconciliations: (previous?.totalReconciliations ?? 0) + 1,
    metadata: entry.metadata,
  };
  return [snapshot, ...list].slice(0, HISTORY_LIMIT);
}
