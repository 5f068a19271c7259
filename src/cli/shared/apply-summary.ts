// What one apply of a Kustomization changed, for `fluxts dev`: the kustomize-controller reports its change set in
// Progressing events ("Deployment/ns/web created", one line per changed object; unchanged objects are not listed)
// and the applied objects in status.inventory. Together they give created/configured/deleted per object and the
// count of unchanged ones, so a commit shows what it did instead of the whole inventory again.
import type { KubeClient, KubeObject } from '../../kube/index.ts';

/** ChangeAction is a change-set action the controller reports in its events. */
export type ChangeAction = 'created' | 'configured' | 'deleted';

/** ApplySummary is one apply: the changed objects (`Kind/namespace/name`, action) and how many stayed unchanged. */
export interface ApplySummary {
  changed: { subject: string; action: ChangeAction }[];
  unchanged: number;
  /** applied is the number of objects in the inventory after the apply. */
  applied: number;
}

const CHANGE_LINE = /^(\S+) (created|configured|deleted)$/u;

/**
 * summarizeApply combines the inventory ids (`<namespace>_<name>_<group>_<kind>`) with the change-set lines of the
 * apply's events; a subject named twice keeps its last action.
 *
 * @example summarizeApply(['default_web_apps_Deployment'], ['Deployment/default/web configured']).unchanged // 0
 */
export function summarizeApply(inventoryIds: readonly string[], eventMessages: readonly string[]): ApplySummary {
  const actions = new Map<string, ChangeAction>();
  for (const message of eventMessages) {
    for (const line of message.split('\n')) {
      const match = CHANGE_LINE.exec(line.trim());
      if (match) actions.set(match[1]!, match[2] as ChangeAction);
    }
  }
  const inInventory = new Set(inventoryIds.map(subjectOfInventoryId));
  return {
    changed: [...actions].map(([subject, action]) => ({ subject, action })),
    unchanged: [...inInventory].filter((subject) => !actions.has(subject)).length,
    applied: inInventory.size,
  };
}

/** formatApplySummary renders a summary as `fluxts dev` prints it: a count line, then one line per change. */
export function formatApplySummary(summary: ApplySummary): string[] {
  const counts = (['created', 'configured', 'deleted'] as const)
    .map((action) => [action, summary.changed.filter((c) => c.action === action).length] as const)
    .filter(([, n]) => n > 0)
    .map(([action, n]) => `${n} ${action}`);
  counts.push(`${summary.unchanged} unchanged`);
  return [
    `applied ${summary.applied} objects: ${counts.join(', ')}`,
    ...summary.changed.map((c) => `  ${c.subject} ${c.action}`),
  ];
}

/** subjectOfInventoryId turns `<namespace>_<name>_<group>_<kind>` into `Kind/namespace/name` (or `Kind/name`). */
export function subjectOfInventoryId(id: string): string {
  const [namespace = '', name = '', , kind = ''] = id.split('_');
  return namespace ? `${kind}/${namespace}/${name}` : `${kind}/${name}`;
}

interface EventObject extends KubeObject {
  reason?: string;
  message?: string;
  lastTimestamp?: string;
  eventTime?: string;
}

/**
 * changeEventMessages lists the messages of the Progressing events of a Kustomization recorded at or after `since`
 * (event times have whole seconds, so the second of `since` counts), oldest first.
 */
export async function changeEventMessages(
  client: KubeClient,
  ks: { namespace: string; name: string },
  since: Date,
): Promise<string[]> {
  const list = await client.list<EventObject>(
    { apiVersion: 'v1', kind: 'Event' },
    {
      namespace: ks.namespace,
      fieldSelector: `involvedObject.kind=Kustomization,involvedObject.name=${ks.name},reason=Progressing`,
    },
  );
  const from = Math.floor(since.getTime() / 1000) * 1000;
  return list.items
    .map((e) => ({ at: Date.parse(e.lastTimestamp ?? e.eventTime ?? ''), message: e.message ?? '' }))
    .filter((e) => e.at >= from)
    .sort((a, b) => a.at - b.at)
    .map((e) => e.message);
}
