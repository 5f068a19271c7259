/**
 * RFC 6902 operations with the semantics of the library kustomize uses (evanphx/json-patch v4), quirks included:
 * negative array indices count from the end, `replace` of a missing object key adds it, `copy` from a missing
 * key copies null, a path whose first character is not `/` drops its first segment, and an intermediate null
 * makes the path missing.
 *
 * The operations work on a copy of the YAML tree rather than on JSON, which is several times faster for the
 * common case of a patch applied to many resources; `normalize.ts` then gives the result the types kustomize's
 * JSON round trip gives it.
 */
import { isMap, isSeq, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';

import { asNode, copyCollectionStyle, copyNode, isNullScalar, keyText, type YNode } from '../merge/index.ts';
import { Json6902Error } from './errors.ts';
import { fromJson, jsonEqual, toJson, type Json } from './json.ts';
import type { Json6902Operation } from './parse.ts';

type Container = YAMLMap<unknown, unknown> | YAMLSeq<unknown>;

/** OpError is a failure inside one operation; applyInPlace adds which operation it was. */
class OpError extends Error {}

const decodeToken = (t: string): string => t.replaceAll('~1', '/').replaceAll('~0', '~');

/** goAtoi is Go's strconv.Atoi: optional sign and decimal digits only. */
function goAtoi(s: string): number | undefined {
  return /^[-+]?[0-9]+$/.test(s) ? Number(s) : undefined;
}

/** arrayIndex resolves an index for get/replace/remove: negatives count from the end. */
function arrayIndex(seq: YAMLSeq<unknown>, key: string): number {
  const idx = goAtoi(key);
  if (idx === undefined) throw new OpError(`invalid array index "${key}"`);
  const len = seq.items.length;
  if (idx >= len || idx < -len) throw new OpError(`Unable to access invalid index: ${idx}`);
  return idx < 0 ? idx + len : idx;
}

/** getChild returns a member (undefined when an object lacks it; JSON null as a null scalar). */
function getChild(c: Container, key: string): YNode | undefined {
  if (isMap(c)) {
    const pair = lastPair(c, key);
    return pair === undefined ? undefined : asNode(pair.value ?? null);
  }
  return asNode(c.items[arrayIndex(c, key)] ?? null);
}

/** lastPair finds a member the way Go's map decoding sees duplicates: the last one wins. */
function lastPair(map: YAMLMap<unknown, unknown>, key: string): Pair<unknown, unknown> | undefined {
  for (let i = map.items.length - 1; i >= 0; i--) {
    const p = map.items[i];
    if (p !== undefined && keyText(p.key) === key) return p;
  }
  return undefined;
}

/**
 * Owned tracks the containers this patch application copied: the input is never modified, containers on the
 * path of an operation are copied the first time an operation goes through them, and everything else is shared.
 */
export type Owned = WeakSet<object>;

/** shallowCopy copies one container (its pairs or item list), sharing the children. */
export function shallowCopy<T extends Container>(c: T, owned: Owned): T {
  const copy = isMap(c) ? copyNodeShallowMap(c) : copyNodeShallowSeq(c);
  owned.add(copy);
  return copy as T;
}

function copyNodeShallowMap(m: YAMLMap<unknown, unknown>): YAMLMap<unknown, unknown> {
  const copy = new YAMLMap<unknown, unknown>();
  copy.items = m.items.map((p) => new Pair(p.key, p.value));
  copyCollectionStyle(m, copy);
  return copy;
}

function copyNodeShallowSeq(q: YAMLSeq<unknown>): YAMLSeq<unknown> {
  const copy = new YAMLSeq<unknown>();
  copy.items = q.items.slice();
  copyCollectionStyle(q, copy);
  return copy;
}

/** findContainer is evanphx's findObject: the container of the last token, or undefined when missing. */
function findContainer(root: Container, path: string, owned: Owned): [Container, string] | undefined {
  const split = path.split('/');
  if (split.length < 2) return undefined;
  let doc = root;
  for (const part of split.slice(1, -1)) {
    const key = decodeToken(part);
    let next: YNode | undefined;
    try {
      next = getChild(doc, key);
    } catch {
      return undefined;
    }
    if (next === undefined || isNullScalar(next) || !(isMap(next) || isSeq(next))) return undefined;
    if (!owned.has(next)) {
      next = shallowCopy(next, owned);
      if (isMap(doc)) setMember(doc, key, next);
      else doc.items[arrayIndex(doc, key)] = next;
    }
    doc = next;
  }
  return [doc, decodeToken(split[split.length - 1] ?? '')];
}

function setMember(map: YAMLMap<unknown, unknown>, key: string, value: YNode): void {
  const pair = lastPair(map, key);
  if (pair !== undefined) pair.value = value;
  else map.items.push(new Pair(new Scalar(key), value));
}

function add(c: Container, key: string, value: YNode): void {
  if (isMap(c)) {
    setMember(c, key, value);
    return;
  }
  if (key === '-') {
    c.items.push(value);
    return;
  }
  const idx = goAtoi(key);
  if (idx === undefined) throw new OpError(`value was not a proper array index: '${key}'`);
  const size = c.items.length + 1;
  if (idx >= size || idx < -size) throw new OpError(`Unable to access invalid index: ${idx}`);
  c.items.splice(idx < 0 ? idx + size : idx, 0, value);
}

function remove(c: Container, key: string): void {
  if (isMap(c)) {
    const i = c.items.findLastIndex((p) => keyText(p.key) === key);
    if (i < 0) throw new OpError(`Unable to remove nonexistent key: ${key}`);
    c.items = c.items.filter((p) => keyText(p.key) !== key);
    return;
  }
  c.items.splice(arrayIndex(c, key), 1);
}

function field(op: Json6902Operation, name: string): string | undefined {
  const v = op.get(name);
  return typeof v === 'string' ? v : undefined;
}

function locate(root: Container, op: Json6902Operation, name: 'path' | 'from', owned: Owned): [Container, string] {
  const path = field(op, name);
  if (path === undefined) throw new OpError(`missing "${name}"`);
  const found = findContainer(root, path, owned);
  if (found === undefined) throw new OpError(`doc is missing path: "${path}"`);
  return found;
}

/** applyOp applies one operation to `doc` and returns the document (a new one for `replace` of the root). */
function applyOp(doc: YAMLMap<unknown, unknown>, op: Json6902Operation, owned: Owned): YAMLMap<unknown, unknown> {
  const value: Json = op.get('value') ?? null;
  switch (op.get('op')) {
    case 'add': {
      const [c, key] = locate(doc, op, 'path', owned);
      add(c, key, fromJson(value));
      return doc;
    }
    case 'remove': {
      const [c, key] = locate(doc, op, 'path', owned);
      remove(c, key);
      return doc;
    }
    case 'replace': {
      if (field(op, 'path') === '') {
        if (!(value instanceof Map)) throw new OpError('the resource can only be replaced by an object');
        const root = fromJson(value) as YAMLMap<unknown, unknown>;
        owned.add(root);
        return root;
      }
      const [c, key] = locate(doc, op, 'path', owned);
      if (isSeq(c)) c.items[arrayIndex(c, key)] = fromJson(value);
      else setMember(c, key, fromJson(value));
      return doc;
    }
    case 'move': {
      const [from, fromKey] = locate(doc, op, 'from', owned);
      const moved = getChild(from, fromKey) ?? fromJson(null);
      remove(from, fromKey);
      const [c, key] = locate(doc, op, 'path', owned);
      add(c, key, moved);
      return doc;
    }
    case 'copy': {
      const [from, fromKey] = locate(doc, op, 'from', owned);
      const copied = copyNode(getChild(from, fromKey) ?? fromJson(null), true);
      const [c, key] = locate(doc, op, 'path', owned);
      add(c, key, copied);
      return doc;
    }
    case 'test': {
      const node = field(op, 'path') === '' ? doc : getChild(...locate(doc, op, 'path', owned));
      const actual = node === undefined ? null : toJson(node);
      // A missing or null value only equals a missing or null expectation.
      const ok = actual === null ? !op.has('value') || value === null : op.has('value') && jsonEqual(actual, value);
      if (!ok) throw new OpError('test failed');
      return doc;
    }
    default:
      throw new OpError(`Unexpected kind: ${field(op, 'op') ?? 'unknown'}`);
  }
}

/**
 * applyOperations applies JSON 6902 operations in order and returns the patched resource; `target` is not
 * modified (the containers the operations touch are copied and recorded in `owned`, the rest is shared). An
 * error names the operation (index, op, path) that failed.
 */
export function applyOperations(
  target: YAMLMap<unknown, unknown>,
  ops: readonly Json6902Operation[],
  source: string,
  owned: Owned,
): YAMLMap<unknown, unknown> {
  let current = shallowCopy(target, owned);
  ops.forEach((op, i) => {
    try {
      current = applyOp(current, op, owned);
    } catch (err) {
      if (!(err instanceof OpError)) throw err;
      const kind = field(op, 'op') ?? 'unknown';
      const path = field(op, 'path');
      const from = field(op, 'from');
      const where = `${path === undefined ? '' : ` path "${path}"`}${from === undefined ? '' : ` from "${from}"`}`;
      throw new Json6902Error(`JSON 6902 patch ${source}: operation ${i} (${kind}${where}) failed: ${err.message}`, {
        cause: err,
      });
    }
  });
  return current;
}
