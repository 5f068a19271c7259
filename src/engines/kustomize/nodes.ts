import { type Document, isAlias, isMap, isPair, isScalar, isSeq, type Scalar, YAMLMap, YAMLSeq } from 'yaml';

import { newMap, newPair, newScalar } from './yaml/fast-nodes.ts';

/** Helpers over `yaml` nodes: the shared representation of resources (see README). */

/** keyIs compares a mapping key (a scalar node, or a plain value) with a string. */
function keyIs(k: unknown, key: string): boolean {
  if (k === key) return true;
  if (k === null || typeof k !== 'object') return k !== undefined && k !== null && plainString(k) === key;
  const v = (k as { value?: unknown }).value;
  return v === key || (typeof v === 'number' && String(v) === key);
}

/** field returns the value node of `key` in a mapping, or undefined. */
export function field(map: unknown, key: string): unknown {
  if (!isMap(map)) return undefined;
  const list = map.items;
  for (let i = 0; i < list.length; i++) {
    const it = list[i] as { key: unknown; value: unknown };
    if (keyIs(it.key, key)) return it.value;
  }
  return undefined;
}

/** getIn follows a path of mapping keys. */
export function getIn(node: unknown, path: readonly string[]): unknown {
  let cur = node;
  for (const k of path) {
    cur = field(cur, k);
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** str is the string value of a scalar node (numbers and booleans as written), else undefined. */
export function str(node: unknown): string | undefined {
  if (!isScalar(node)) return undefined;
  const v = node.value;
  if (v === null || v === undefined) return undefined;
  return plainString(v);
}

/** plainString renders any scalar value as text. */
export function plainString(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v === null || v === undefined) return '';
  return JSON.stringify(v);
}

/** strIn is `str(getIn(node, path))`. */
export function strIn(node: unknown, path: readonly string[]): string | undefined {
  return str(getIn(node, path));
}

/** scalar makes a string scalar node (quoted on output only where needed). */
export function scalar(value: string): Scalar {
  return newScalar(value);
}

/** setField sets `key` in a mapping, replacing an existing value in place so that key order is kept. */
export function setField(map: YAMLMap, key: string, value: unknown): void {
  const list = map.items;
  for (let i = 0; i < list.length; i++) {
    const it = list[i] as { key: unknown; value: unknown };
    if (keyIs(it.key, key)) {
      it.value = value;
      return;
    }
  }
  list.push(newPair(newScalar(key), value));
}

/** deleteField removes `key` from a mapping. */
export function deleteField(map: YAMLMap, key: string): void {
  map.items = map.items.filter((it) => !keyIs(it.key, key));
}

/** ensureMap returns the mapping at `key`, creating it (or replacing a null) when missing. */
export function ensureMap(map: YAMLMap, key: string): YAMLMap {
  const v = field(map, key);
  if (isMap(v)) return v;
  const m = newMap();
  setField(map, key, m);
  return m;
}

/** setIn sets a string at a path of mapping keys, creating intermediate mappings. */
export function setIn(map: YAMLMap, path: readonly string[], value: unknown): void {
  let cur = map;
  for (let i = 0; i < path.length - 1; i++) cur = ensureMap(cur, path[i] ?? '');
  setField(cur, path[path.length - 1] ?? '', value);
}

/** entries lists a mapping's string keys with their value nodes. */
export function entries(map: unknown): [string, unknown][] {
  if (!isMap(map)) return [];
  const out: [string, unknown][] = [];
  for (const it of map.items) if (isPair(it) && isScalar(it.key)) out.push([String(it.key.value), it.value]);
  return out;
}

/** items lists a sequence's nodes (empty for anything else). */
export function items(node: unknown): unknown[] {
  return isSeq(node) ? node.items : [];
}

/** stringMap reads a mapping of strings (labels, annotations, selectors). */
export function stringMap(node: unknown): Map<string, string> {
  const m = new Map<string, string>();
  for (const [k, v] of entries(node)) m.set(k, str(v) ?? '');
  return m;
}

/**
 * toJS turns a node into plain data for reading kustomization fields; with the document, aliases read as the
 * node they name (`objref: *ref`).
 */
export function toJS(node: unknown, doc?: Document): unknown {
  if (isAlias(node) && doc) return toJS(node.resolve(doc), doc);
  if (isMap(node)) {
    const o: Record<string, unknown> = {};
    for (const [k, v] of entries(node)) o[k] = toJS(v, doc);
    return o;
  }
  if (isSeq(node)) return node.items.map((it) => toJS(it, doc));
  if (isScalar(node)) return node.value ?? null;
  return node ?? null;
}

export { isMap, isScalar, isSeq, YAMLMap, YAMLSeq };
