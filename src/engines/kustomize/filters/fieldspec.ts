import { isMap, isSeq, type YAMLMap } from 'yaml';

import { field, setField } from '../nodes.ts';
import { newMap } from '../yaml/fast-nodes.ts';
import type { Resource } from '../resource.ts';

/** FieldSpec says which field of which kinds a transformer touches (kustomize's `fieldSpecs` entries). */
export interface FieldSpec {
  group?: string;
  version?: string;
  kind?: string;
  /** Slash-separated path; `\/` escapes a slash inside a key; a `[]` suffix marks a list. */
  path: string;
  create?: boolean;
}

/**
 * selects is true when the spec's group/version/kind (empty meaning any) match the resource (its current kind, or
 * `kind` where a transformer selects by an earlier one).
 */
export function selects(fs: Pick<FieldSpec, 'group' | 'version' | 'kind'>, r: Resource, kind = r.kind): boolean {
  if (fs.kind && fs.kind !== kind) return false;
  if (fs.group && fs.group !== r.group) return false;
  if (fs.version && fs.version !== r.version) return false;
  return true;
}

const pathCache = new Map<string, string[]>();

/**
 * splitPath splits a field-spec path at unescaped slashes. A `[]` suffix (a field kustomize expects to be a list)
 * is kept on its segment: the walk strips it, and never creates such a field.
 */
export function splitPath(path: string): string[] {
  let parts = pathCache.get(path);
  if (parts === undefined) {
    parts = path
      .split(/(?<!\\)\//)
      .map((p) => p.replaceAll('\\/', '/'))
      .filter((p) => p !== '');
    pathCache.set(path, parts);
  }
  return parts;
}

/**
 * visitField calls `fn(parent, key)` for every mapping that holds the last path segment, descending into every
 * element of a list met on the way (as kustomize's fieldspec filter does). With `create`, missing intermediate
 * mappings are added (never list elements). `fn` receives the parent so it can set or replace the value.
 */
export function visitField(
  node: YAMLMap,
  parts: readonly string[],
  create: boolean,
  fn: (parent: YAMLMap, key: string) => void,
): void {
  walk(node, parts, 0, create, fn);
}

function walk(
  node: unknown,
  parts: readonly string[],
  i: number,
  create: boolean,
  fn: (parent: YAMLMap, key: string) => void,
): void {
  if (isSeq(node)) {
    for (const it of node.items) walk(it, parts, i, create, fn);
    return;
  }
  if (!isMap(node)) return;
  const part = parts[i] ?? '';
  const list = part.endsWith('[]');
  const key = list ? part.slice(0, -2) : part;
  if (i === parts.length - 1) {
    fn(node, key);
    return;
  }
  let next = field(node, key);
  if ((next === undefined || isNullish(next)) && create && !list) {
    const m = newMap();
    setField(node, key, m);
    next = m;
  }
  if (next !== undefined) walk(next, parts, i + 1, create, fn);
}

function isNullish(n: unknown): boolean {
  if (n === null) return true;
  const v = (n as { value?: unknown }).value;
  return !isMap(n) && !isSeq(n) && (v === null || v === '' || v === undefined);
}

/** ConfigConflictError: two field specs of one table select the same field but disagree on `create`. */
export class ConfigConflictError extends Error {}

/** selectedBy is kustomize's Gvk.IsSelected: each part the selector sets must be equal. */
function selectedBy(
  x: Pick<FieldSpec, 'group' | 'version' | 'kind'>,
  selector: Pick<FieldSpec, 'group' | 'version' | 'kind'>,
): boolean {
  return (
    (!selector.group || x.group === selector.group) &&
    (!selector.version || x.version === selector.version) &&
    (!selector.kind || x.kind === selector.kind)
  );
}

/**
 * mergeSpecs is kustomize's FsSlice.MergeAll: each incoming spec is appended unless an earlier one has the same
 * path and is selected by its group/version/kind (then it is dropped, or refused when `create` differs). The test
 * is one-sided, so a kind-specific spec already present hides a later kind-less one of the same path.
 */
export function mergeSpecs(into: readonly FieldSpec[], incoming: readonly FieldSpec[]): FieldSpec[] {
  const out = [...into];
  for (const x of incoming) {
    const have = out.find((h) => h.path === x.path && selectedBy(h, x));
    if (have === undefined) out.push(x);
    else if ((have.create === true) !== (x.create === true)) throw new ConfigConflictError('conflicting fieldspecs');
  }
  return out;
}

/** applyFieldSpecs runs `fn` on every field the specs select in every resource. */
export function applyFieldSpecs(
  resources: readonly Resource[],
  specs: readonly FieldSpec[],
  fn: (parent: YAMLMap, key: string, r: Resource, fs: FieldSpec) => void,
): void {
  // Index the specs by kind once, so each resource only meets the specs that can select it.
  const byKind = new Map<string, FieldSpec[]>();
  const anyKind: FieldSpec[] = [];
  for (const fs of specs) {
    if (!fs.kind) anyKind.push(fs);
    else byKind.set(fs.kind, [...(byKind.get(fs.kind) ?? []), fs]);
  }
  for (const r of resources) {
    const own = byKind.get(r.kind);
    // Keep the table's order: kind-specific and kind-less specs interleave in the original list.
    const list = own === undefined ? anyKind : anyKind.length === 0 ? own : specs;
    for (const fs of list) {
      if (!selects(fs, r)) continue;
      visitField(r.node, splitPath(fs.path), fs.create === true, (p, k) => fn(p, k, r, fs));
    }
  }
}
