import { type KubeObject, splitApiVersion } from '../client/index.ts';

/** Action is what the apply manager did to one object (fluxcd/pkg ssa `changeset.go`). */
export type Action = 'created' | 'configured' | 'unchanged' | 'deleted' | 'skipped';

/** ObjectRef identifies an object by group, version, kind, namespace and name ('' when absent). */
export interface ObjectRef {
  group: string;
  version: string;
  kind: string;
  namespace: string;
  name: string;
}

/** ChangeSetEntry is the outcome for one object: `subject` is `Kind/namespace/name` (or `Kind/name`). */
export interface ChangeSetEntry extends ObjectRef {
  subject: string;
  action: Action;
}

/** ChangeSet is the ordered outcome of an apply or delete run. */
export type ChangeSet = ChangeSetEntry[];

/** refOf reads the identity of an object. */
export function refOf(obj: KubeObject): ObjectRef {
  const { group, version } = splitApiVersion(obj.apiVersion ?? '');
  return {
    group,
    version,
    kind: obj.kind ?? '',
    namespace: obj.metadata.namespace ?? '',
    name: obj.metadata.name ?? '',
  };
}

/** apiVersionOf renders the apiVersion of a ref (`v1` for the core group). */
export function apiVersionOf(ref: Pick<ObjectRef, 'group' | 'version'>): string {
  return ref.group === '' ? ref.version : `${ref.group}/${ref.version}`;
}

/** subjectOf renders an object as Flux's messages do: `Kind/namespace/name`, or `Kind/name` without namespace. */
export function subjectOf(ref: Pick<ObjectRef, 'kind' | 'namespace' | 'name'>): string {
  return ref.namespace === '' ? `${ref.kind}/${ref.name}` : `${ref.kind}/${ref.namespace}/${ref.name}`;
}

/** entryOf builds the change-set entry of a ref. */
export function entryOf(ref: ObjectRef, action: Action): ChangeSetEntry {
  return { ...ref, subject: subjectOf(ref), action };
}

/** changeSetText renders one `Kind/ns/name action` line per entry, the text Flux logs and sends as an event. */
export function changeSetText(changeSet: readonly ChangeSetEntry[], only?: ReadonlySet<Action>): string {
  return changeSet
    .filter((e) => !only || only.has(e.action))
    .map((e) => `${e.subject} ${e.action}`)
    .join('\n');
}

/** changeSetMap maps subjects to actions, for lookups and tests. */
export function changeSetMap(changeSet: readonly ChangeSetEntry[]): Map<string, Action> {
  return new Map(changeSet.map((e) => [e.subject, e.action]));
}
