/** Status is a kstatus verdict (sigs.k8s.io/cli-utils `status.Status`). */
export type Status = 'InProgress' | 'Failed' | 'Current' | 'Terminating' | 'NotFound' | 'Unknown';

/** Condition is a kstatus condition in a Result: Reconciling or Stalled, with reason and message. */
export interface Condition {
  type: 'Reconciling' | 'Stalled';
  status: 'True';
  reason: string;
  message: string;
}

/** Result is what a status rule computes for one object. */
export interface Result {
  status: Status;
  message: string;
  conditions: Condition[];
}

/** KubeObject is any Kubernetes object as JSON (numbers as JavaScript numbers). */
export type KubeObject = Readonly<Record<string, unknown>>;

/** ObjectRef identifies an object as cli-utils' ObjMetadata does: group, kind, namespace, name. */
export interface ObjectRef {
  group: string;
  kind: string;
  namespace: string;
  name: string;
}

/** ResourceStatus is the status of one object as a status reader reports it during a wait. */
export interface ResourceStatus {
  ref: ObjectRef;
  status: Status;
  message: string;
  /** error is set for Unknown statuses whose rule failed (malformed status fields, CEL evaluation errors). */
  error?: string;
}

export function inProgress(reason: string, message: string): Result {
  return { status: 'InProgress', message, conditions: [{ type: 'Reconciling', status: 'True', reason, message }] };
}

export function failed(reason: string, message: string): Result {
  return { status: 'Failed', message, conditions: [{ type: 'Stalled', status: 'True', reason, message }] };
}

export function current(message: string): Result {
  return { status: 'Current', message, conditions: [] };
}

/** groupOf returns the API group of an apiVersion (`apps/v1` → `apps`, `v1` → ``). */
export function groupOf(apiVersion: string): string {
  const i = apiVersion.lastIndexOf('/');
  return i < 0 ? '' : apiVersion.slice(0, i);
}

/** refOf identifies an object. */
export function refOf(obj: KubeObject): ObjectRef {
  const meta = obj['metadata'];
  const m = typeof meta === 'object' && meta !== null ? (meta as Record<string, unknown>) : {};
  const s = (v: unknown): string => (typeof v === 'string' ? v : '');
  return {
    group: groupOf(s(obj['apiVersion'])),
    kind: s(obj['kind']),
    namespace: s(m['namespace']),
    name: s(m['name']),
  };
}

/** formatRef renders an object as Flux's messages do: `Kind/namespace/name`, or `Kind/name` when cluster-scoped. */
export function formatRef(ref: ObjectRef): string {
  return ref.namespace === '' ? `${ref.kind}/${ref.name}` : `${ref.kind}/${ref.namespace}/${ref.name}`;
}
