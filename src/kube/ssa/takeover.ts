// Taking over fields from other managers (fluxcd/pkg ssa `patch.go` PatchReplaceFieldsManagers): the entries of
// `kubectl` and `before-first-apply` are folded into our own Apply entry with a JSON patch, so our next apply owns
// (and therefore reverts or removes) whatever they changed.
import type { KubeObject } from '../client/index.ts';

/** FieldManager names a manager to take over: a name prefix (or exact name) and its operation. */
export interface FieldManager {
  name: string;
  operation: 'Apply' | 'Update';
  exact?: boolean;
}

/** ManagedFieldsEntry is metav1.ManagedFieldsEntry as JSON. */
export interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  apiVersion?: string;
  time?: string;
  fieldsType?: string;
  fieldsV1?: Record<string, unknown>;
  subresource?: string;
}

/** defaultTakeoverManagers is kustomize-controller's list: kubectl (apply and every update verb), before-first-apply, itself. */
export function defaultTakeoverManagers(
  fieldManager: string,
  overrideManagers: readonly string[] = [],
): FieldManager[] {
  return [
    { name: 'kubectl', operation: 'Apply' },
    { name: 'kubectl', operation: 'Update' },
    { name: 'before-first-apply', operation: 'Update' },
    { name: fieldManager, operation: 'Update' },
    ...overrideManagers.flatMap((name): FieldManager[] => [
      { name, operation: 'Apply', exact: true },
      { name, operation: 'Update', exact: true },
    ]),
  ];
}

/** LAST_APPLIED is client-side apply's annotation, dropped on takeover. */
export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

function matches(entry: ManagedFieldsEntry, m: FieldManager): boolean {
  if (entry.operation !== m.operation || (entry.subresource ?? '') !== '') return false;
  const name = entry.manager ?? '';
  return m.exact ? name === m.name : name.startsWith(m.name);
}

type Trie = Record<string, unknown>;
const isTrie = (v: unknown): v is Trie => typeof v === 'object' && v !== null && !Array.isArray(v);

/** unionFields merges two FieldsV1 tries (the union of their field sets). */
export function unionFields(a: Trie | undefined, b: Trie | undefined): Trie | undefined {
  if (!a) return b;
  if (!b) return a;
  const out: Trie = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] = isTrie(prev) && isTrie(v) ? unionFields(prev, v) : (prev ?? v);
  }
  return out;
}

/** JsonPatchOp is one RFC 6902 operation. */
export interface JsonPatchOp {
  op: 'remove' | 'replace';
  path: string;
  value?: unknown;
}

const pointer = (key: string): string => key.replaceAll('~', '~0').replaceAll('/', '~1');

/**
 * takeoverPatch returns the JSON patch that removes the last-applied annotation and folds the matching managers'
 * entries into `fieldManager`'s Apply entry, or [] when the live object needs nothing.
 */
export function takeoverPatch(
  live: KubeObject,
  managers: readonly FieldManager[],
  fieldManager: string,
): JsonPatchOp[] {
  const ops: JsonPatchOp[] = [];
  if (live.metadata.annotations && LAST_APPLIED in live.metadata.annotations) {
    ops.push({ op: 'remove', path: `/metadata/annotations/${pointer(LAST_APPLIED)}` });
  }
  const entries = (live.metadata['managedFields'] ?? []) as ManagedFieldsEntry[];
  const ownIndex = entries.findLastIndex(
    (e) => e.manager === fieldManager && e.operation === 'Apply' && (e.subresource ?? '') === '',
  );
  let own: ManagedFieldsEntry | undefined = ownIndex >= 0 ? { ...entries[ownIndex] } : undefined;
  const kept: ManagedFieldsEntry[] = [];
  let edited = false;
  entries.forEach((entry, i) => {
    if (i === ownIndex) return;
    if (!managers.some((m) => matches(entry, m))) {
      kept.push(entry);
      return;
    }
    edited = true;
    if (!own) own = { ...entry, manager: fieldManager, operation: 'Apply' };
    else own = { ...own, fieldsV1: unionFields(own.fieldsV1, entry.fieldsV1) ?? {} };
  });
  if (edited && own) ops.push({ op: 'replace', path: '/metadata/managedFields', value: [...kept, own] });
  return ops;
}
