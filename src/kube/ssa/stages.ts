// The apply order of fluxcd/pkg ssa: which stage an object goes to, and the kind order inside a stage.
import type { ObjectRef } from './changeset.ts';

/**
 * KIND_ORDER_FIRST lists the kinds applied first inside a stage, in order (fluxcd/pkg ssa `sort.go`
 * `ReconcileOrder.First`); unlisted kinds come after them, then KIND_ORDER_LAST.
 */
export const KIND_ORDER_FIRST: readonly string[] = [
  'CustomResourceDefinition',
  'Namespace',
  'ClusterRole',
  'ClusterClass',
  'RuntimeClass',
  'PriorityClass',
  'StorageClass',
  'VolumeSnapshotClass',
  'IngressClass',
  'GatewayClass',
  'ClusterRoleBinding',
  'ResourceQuota',
  'ServiceAccount',
  'Role',
  'RoleBinding',
  'ConfigMap',
  'Secret',
  'Service',
  'LimitRange',
  'Deployment',
  'StatefulSet',
  'CronJob',
  'PodDisruptionBudget',
];

/** KIND_ORDER_LAST lists the kinds applied last: webhooks, so they cannot block the objects they guard. */
export const KIND_ORDER_LAST: readonly string[] = ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'];

const rank = new Map<string, number>([
  ...KIND_ORDER_FIRST.map((k, i): [string, number] => [k, i - KIND_ORDER_FIRST.length]),
  ...KIND_ORDER_LAST.map((k, i): [string, number] => [k, i + 1]),
]);

type SortKey = Pick<ObjectRef, 'group' | 'kind' | 'namespace' | 'name'>;

/** compareRefs orders objects as Flux applies them: kind rank, then group, kind, namespace, name (byte order). */
export function compareRefs(a: SortKey, b: SortKey): number {
  if (a.group !== b.group || a.kind !== b.kind) {
    const ra = rank.get(a.kind) ?? 0;
    const rb = rank.get(b.kind) ?? 0;
    if (ra !== rb) return ra - rb;
    if (a.group !== b.group) return a.group < b.group ? -1 : 1;
    return a.kind < b.kind ? -1 : 1;
  }
  if (a.namespace !== b.namespace) return a.namespace < b.namespace ? -1 : 1;
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return 0;
}

/** StageOptions configures the optional custom stage (`--custom-apply-stage-kinds`, `group/Kind` strings). */
export interface StageOptions {
  customStageKinds?: ReadonlySet<string>;
}

/** ApplyStage is one row of the stage table: which objects it takes and whether the apply waits for them. */
export interface ApplyStage {
  name: 'definitions' | 'classes' | 'custom' | 'rest';
  /** wait: the next stage starts only when this stage's objects are Current (CRDs Established). */
  wait: boolean;
  matches(ref: SortKey & { version: string }, opts: StageOptions): boolean;
}

/** isClusterDefinition: CRDs (apiextensions.k8s.io), core v1 Namespaces and ClusterRoles (fluxcd/pkg ssa/utils/is.go). */
export function isClusterDefinition(ref: SortKey & { version: string }): boolean {
  const kind = ref.kind.toLowerCase();
  if (kind === 'customresourcedefinition') return ref.group === 'apiextensions.k8s.io';
  if (kind === 'namespace') return ref.group === '' && ref.version === 'v1';
  if (kind === 'clusterrole') return ref.group === 'rbac.authorization.k8s.io';
  return false;
}

/** APPLY_STAGES is the stage table, applied top to bottom; an object goes to the first row that matches it. */
export const APPLY_STAGES: readonly ApplyStage[] = [
  { name: 'definitions', wait: true, matches: isClusterDefinition },
  { name: 'classes', wait: true, matches: (ref) => ref.kind.endsWith('Class') },
  {
    name: 'custom',
    wait: false,
    matches: (ref, opts) => opts.customStageKinds?.has(`${ref.group}/${ref.kind}`) ?? false,
  },
  { name: 'rest', wait: false, matches: () => true },
];

/** stageIndex returns the row of APPLY_STAGES an object belongs to. */
export function stageIndex(ref: SortKey & { version: string }, opts: StageOptions = {}): number {
  const i = APPLY_STAGES.findIndex((s) => s.matches(ref, opts));
  return i < 0 ? APPLY_STAGES.length - 1 : i;
}
