// One overview row per Flux object: the state a person scans for (failing and stalled first), the Ready
// condition's reason and message, the revision it last applied or produced, and its age. Pure.
import type { KubeObject } from '../kube/index.ts';
import type { UiKind } from './kinds.ts';

/** State is what the overview sorts and filters by; failing states come first (see STATE_ORDER). */
export type State = 'stalled' | 'failed' | 'progressing' | 'unknown' | 'suspended' | 'ready' | 'static';

/** STATE_ORDER ranks states for sorting: what needs a person's attention first. */
export const STATE_ORDER: readonly State[] = [
  'stalled',
  'failed',
  'progressing',
  'unknown',
  'suspended',
  'ready',
  'static',
];

/** Row is the overview's view of one object. */
export interface Row {
  /** id is `cluster/kind/namespace/name`, the row's stable key. */
  id: string;
  cluster: string;
  kind: string;
  namespace: string;
  name: string;
  state: State;
  suspended: boolean;
  ready: string;
  reason: string;
  message: string;
  revision: string;
  /** source is `Kind/namespace/name` for Kustomizations and HelmReleases. */
  source: string;
  created: string;
  /** since is the last transition time of the Ready condition, when there is one. */
  since: string;
}

/** Condition is the part of metav1.Condition the UI reads. */
export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  observedGeneration?: number;
}

type Json = Record<string, unknown>;
const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** conditionsOf reads status.conditions, skipping malformed entries. */
export function conditionsOf(obj: KubeObject): Condition[] {
  const list = isMap(obj.status) ? obj.status['conditions'] : undefined;
  if (!Array.isArray(list)) return [];
  return list.filter((c): c is Condition => isMap(c) && typeof c['type'] === 'string');
}

/** sourceRefOf is the `Kind/namespace/name` of the source a Kustomization or HelmRelease reads. */
export function sourceRefOf(obj: KubeObject): { kind: string; namespace: string; name: string } | undefined {
  const spec = isMap(obj.spec) ? obj.spec : {};
  const chart = isMap(spec['chart']) && isMap(spec['chart']['spec']) ? spec['chart']['spec'] : undefined;
  const ref = [spec['sourceRef'], spec['chartRef'], chart?.['sourceRef']].find(isMap);
  if (!ref || !str(ref['kind']) || !str(ref['name'])) return undefined;
  return {
    kind: str(ref['kind']),
    namespace: str(ref['namespace']) || (obj.metadata.namespace ?? ''),
    name: str(ref['name']),
  };
}

/** revisionOf is the revision an object last applied (consumers) or produced (sources). */
export function revisionOf(obj: KubeObject): string {
  const status = isMap(obj.status) ? obj.status : {};
  const artifact = isMap(status['artifact']) ? status['artifact'] : {};
  return str(status['lastAppliedRevision']) || str(artifact['revision']) || str(status['lastAttemptedRevision']);
}

/** stateOf decides an object's state from its conditions and spec.suspend. */
export function stateOf(obj: KubeObject, kind: Pick<UiKind, 'reconcilable'>): State {
  const conditions = conditionsOf(obj);
  const get = (type: string): Condition | undefined => conditions.find((c) => c.type === type);
  const ready = get('Ready');
  const suspended = isMap(obj.spec) && obj.spec['suspend'] === true;
  if (get('Stalled')?.status === 'True') return 'stalled';
  // Failing while retrying is still failing: a retry marks Reconciling with ProgressingWithRetry.
  const reconciling = get('Reconciling');
  if (ready?.status === 'False' || reconciling?.reason === 'ProgressingWithRetry') return 'failed';
  if (suspended) return 'suspended';
  if (reconciling?.status === 'True' || ready?.status === 'Unknown') return 'progressing';
  if (ready?.status === 'True') {
    // A Ready condition from an older generation describes an older spec: the change is not handled yet.
    const stale =
      ready.observedGeneration !== undefined &&
      obj.metadata.generation !== undefined &&
      ready.observedGeneration < obj.metadata.generation;
    return stale ? 'progressing' : 'ready';
  }
  return kind.reconcilable || conditions.length > 0 ? 'unknown' : 'static';
}

/** rowOf summarizes one object of a kind in a cluster. */
export function rowOf(cluster: string, kind: UiKind, obj: KubeObject): Row {
  const namespace = obj.metadata.namespace ?? '';
  const name = obj.metadata.name ?? '';
  const ready = conditionsOf(obj).find((c) => c.type === 'Ready');
  const src = kind.source ? sourceRefOf(obj) : undefined;
  return {
    id: `${cluster}/${kind.kind}/${namespace}/${name}`,
    cluster,
    kind: kind.kind,
    namespace,
    name,
    state: stateOf(obj, kind),
    suspended: isMap(obj.spec) && obj.spec['suspend'] === true,
    ready: ready?.status ?? '',
    reason: ready?.reason ?? '',
    message: ready?.message ?? '',
    revision: revisionOf(obj),
    source: src ? `${src.kind}/${src.namespace}/${src.name}` : '',
    created: obj.metadata.creationTimestamp ?? '',
    since: ready?.lastTransitionTime ?? '',
  };
}

/** compareRows sorts failing and stalled objects first, then by kind, namespace and name. */
export function compareRows(a: Row, b: Row): number {
  // Plain code-unit comparisons: Kubernetes names are lower-case ASCII, and localeCompare costs a hundred times
  // more on the snapshot of thousands of rows.
  return (
    STATE_ORDER.indexOf(a.state) - STATE_ORDER.indexOf(b.state) ||
    cmp(a.kind, b.kind) ||
    cmp(a.namespace, b.namespace) ||
    cmp(a.name, b.name) ||
    cmp(a.cluster, b.cluster)
  );
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
