// The object page's data: conditions, status fields, events (newest first), the spec as YAML, the artifact,
// history, the inventory with health, and the graph around the object. Flux objects hold references to Secrets,
// never their data, so nothing here reads a Secret.
import { stringify } from 'yaml';

import type { KubeClient, KubeObject } from '../kube/index.ts';
import { errorMessage } from '../util/errors.ts';
import type { FluxCache } from './cache.ts';
import { graphOf, type Graph } from './graph.ts';
import { helmReleaseView, type HelmReleaseView } from './helmrelease.ts';
import { inventoryHealth, type InventoryItem } from './inventory.ts';
import type { UiKind } from './kinds.ts';
import { type Condition, conditionsOf, type Row, rowOf } from './summary.ts';

/** EventItem is one core Event about the object. */
export interface EventItem {
  type: string;
  reason: string;
  message: string;
  time: string;
  count: number;
  revision: string;
}

/** Artifact is status.artifact. */
export interface ArtifactView {
  revision: string;
  digest: string;
  size?: number;
  url: string;
  lastUpdateTime: string;
}

/** HistoryEntry is one entry of status.history (Kustomization) or a HelmRelease snapshot, as given. */
export type HistoryEntry = Record<string, unknown>;

/** ObjectDetails is the whole object page. */
export interface ObjectDetails {
  row: Row;
  capabilities: Pick<UiKind, 'reconcilable' | 'suspendable' | 'source' | 'inventory' | 'history' | 'diff'>;
  conditions: Condition[];
  status: Record<string, unknown>;
  yaml: string;
  artifact?: ArtifactView;
  history: HistoryEntry[];
  events: EventItem[];
  eventsError?: string;
  inventory: InventoryItem[];
  graph: Graph;
  /** helm is the HelmRelease summary (chart, source, release, Helm conditions, typed history snapshots). */
  helm?: HelmReleaseView;
}

type Json = Record<string, unknown>;
const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** STATUS_FIELDS are the scalar status fields the page lists (the rest has its own section). */
const STATUS_FIELDS = [
  'observedGeneration',
  'lastAppliedRevision',
  'lastAttemptedRevision',
  'lastHandledReconcileAt',
  'lastAppliedOriginalRevision',
  'lastAttemptedConfigDigest',
  'lastAttemptedReleaseAction',
  'failures',
  'installFailures',
  'upgradeFailures',
  'observedChartName',
  'url',
];

/** specYaml renders what a person wrote: apiVersion, kind, name, labels, annotations and spec. */
export function specYaml(obj: KubeObject): string {
  const { labels, annotations } = obj.metadata;
  const metadata: Json = { name: obj.metadata.name, namespace: obj.metadata.namespace };
  if (labels && Object.keys(labels).length) metadata['labels'] = labels;
  const shown = Object.fromEntries(
    Object.entries(annotations ?? {}).filter(([k]) => k !== 'kubectl.kubernetes.io/last-applied-configuration'),
  );
  if (Object.keys(shown).length) metadata['annotations'] = shown;
  return stringify({ apiVersion: obj.apiVersion, kind: obj.kind, metadata, spec: obj.spec ?? {} });
}

/** eventsOf lists the core Events whose involvedObject is the object, newest first. */
export async function eventsOf(client: KubeClient, obj: KubeObject): Promise<EventItem[]> {
  const ns = obj.metadata.namespace ?? '';
  const list = await client.list<KubeObject>(
    { apiVersion: 'v1', kind: 'Event' },
    {
      ...(ns ? { namespace: ns } : {}),
      fieldSelector: `involvedObject.kind=${obj.kind ?? ''},involvedObject.name=${obj.metadata.name ?? ''}`,
    },
  );
  const items = list.items.map((e) => {
    const series = isMap(e['series']) ? e['series'] : {};
    const annotations = e.metadata.annotations ?? {};
    return {
      type: str(e['type']),
      reason: str(e['reason']),
      message: str(e['message']),
      time:
        str(series['lastObservedTime']) ||
        str(e['lastTimestamp']) ||
        str(e['eventTime']) ||
        (e.metadata.creationTimestamp ?? ''),
      count: typeof e['count'] === 'number' ? e['count'] : 1,
      revision:
        annotations['source.toolkit.fluxcd.io/revision'] ?? annotations['kustomize.toolkit.fluxcd.io/revision'] ?? '',
    };
  });
  return items.sort((a, b) => b.time.localeCompare(a.time));
}

/** objectDetails gathers the object page of a cached object. */
export async function objectDetails(
  cache: FluxCache,
  client: KubeClient,
  cluster: string,
  kind: UiKind,
  obj: KubeObject,
): Promise<ObjectDetails> {
  const status = isMap(obj.status) ? obj.status : {};
  const a = isMap(status['artifact']) ? status['artifact'] : undefined;
  const [events, inventory] = await Promise.all([
    eventsOf(client, obj).then(
      (items) => ({ items, error: undefined }),
      (err: unknown) => ({ items: [] as EventItem[], error: errorMessage(err) }),
    ),
    kind.inventory ? inventoryHealth(client, obj) : Promise.resolve([]),
  ]);
  const graph = graphOf({
    cluster,
    object: obj,
    lookup: (k, ns, name) => cache.get(cluster, k, ns, name),
    all: (k) => cache.list(cluster, k),
    inventory,
  });
  const details: ObjectDetails = {
    row: rowOf(cluster, kind, obj),
    capabilities: {
      reconcilable: kind.reconcilable,
      suspendable: kind.suspendable,
      ...(kind.source ? { source: kind.source } : {}),
      ...(kind.inventory ? { inventory: true } : {}),
      ...(kind.history ? { history: kind.history } : {}),
      ...(kind.diff ? { diff: true } : {}),
    },
    conditions: conditionsOf(obj),
    status: Object.fromEntries(STATUS_FIELDS.filter((f) => status[f] !== undefined).map((f) => [f, status[f]])),
    yaml: specYaml(obj),
    history: Array.isArray(status['history']) ? (status['history'] as HistoryEntry[]) : [],
    events: events.items,
    inventory,
    graph,
  };
  if (events.error) details.eventsError = events.error;
  if (kind.history === 'helmrelease') details.helm = helmReleaseView(obj);
  if (a) {
    details.artifact = {
      revision: str(a['revision']),
      digest: str(a['digest']),
      url: str(a['url']),
      lastUpdateTime: str(a['lastUpdateTime']),
      ...(typeof a['size'] === 'number' ? { size: a['size'] } : {}),
    };
  }
  return details;
}
