/**
 * RFC 6902 operations with the semantics of the library kustomize uses (evanphx/json-patch v4), quirks included:
 * negative array indices count from the end, `replace` of a missing object key adds it, `copy` from a missing
 * key copies null, a path whose first character is not `/` drops its first segment, and an intermediate null
 * makes the path missing.
 */
import { Json6902Error } from './errors.ts';
import { cloneJson, jsonEqual, type Json, type JsonObject } from './json.ts';
import type { Json6902Operation } from './parse.ts';

type Container = { kind: 'object'; obj: JsonObject } | { kind: 'array'; parent: Json[] };

/** OpError is a failure inside one operation; apply() adds which operation it was. */
class OpError extends Error {}

const decodeToken = (t: string): string => t.replaceAll('~1', '/').replaceAll('~0', '~');

/** goAtoi is Go's strconv.Atoi: optional sign and decimal digits only. */
function goAtoi(s: string): number | undefined {
  return /^[-+]?[0-9]+$/.test(s) ? Number(s) : undefined;
}

function getChild(c: Container, key: string): Json | undefined {
  if (c.kind === 'object') return c.obj.get(key);
  const idx = arrayIndex(c.parent, key, c.parent.length);
  return c.parent[idx];
}

/** arrayIndex resolves an index for get/set/remove: negatives count from the end; `limit` excludes. */
function arrayIndex(arr: Json[], key: string, limit: number): number {
  const idx = goAtoi(key);
  if (idx === undefined) throw new OpError(`invalid array index "${key}"`);
  if (idx >= limit || idx < -arr.length) throw new OpError(`Unable to access invalid index: ${idx}`);
  return idx < 0 ? idx + arr.length : idx;
}

/** findContainer is evanphx's findObject: the container of the last token, or undefined when missing. */
function findContainer(root: Container, path: string): [Container, string] | undefined {
  const split = path.split('/');
  if (split.length < 2) return undefined;
  let doc = root;
  for (const part of split.slice(1, -1)) {
    let next: Json | undefined;
    try {
      next = getChild(doc, decodeToken(part));
    } catch {
      return undefined;
    }
    if (next === undefined || next === null) return undefined;
    if (Array.isArray(next)) doc = { kind: 'array', parent: next };
    else if (next instanceof Map) doc = { kind: 'object', obj: next };
    else return undefined;
  }
  return [doc, decodeToken(split[split.length - 1] ?? '')];
}

function add(c: Container, key: string, value: Json): void {
  if (c.kind === 'object') {
    c.obj.set(key, value);
    return;
  }
  const arr = c.parent;
  if (key === '-') {
    arr.push(value);
    return;
  }
  const idx = goAtoi(key);
  if (idx === undefined) throw new OpError(`value was not a proper array index: '${key}'`);
  const size = arr.length + 1;
  if (idx >= size || idx < -size) throw new OpError(`Unable to access invalid index: ${idx}`);
  arr.splice(idx < 0 ? idx + size : idx, 0, value);
}

function remove(c: Container, key: string): void {
  if (c.kind === 'object') {
    if (!c.obj.has(key)) throw new OpError(`Unable to remove nonexistent key: ${key}`);
    c.obj.delete(key);
    return;
  }
  c.parent.splice(arrayIndex(c.parent, key, c.parent.length), 1);
}

function field(op: Json6902Operation, name: string): string | undefined {
  const v = op.get(name);
  return typeof v === 'string' ? v : undefined;
}

function locate(root: Container, op: Json6902Operation, name: 'path' | 'from'): [Container, string] {
  const path = field(op, name);
  if (path === undefined) throw new OpError(`missing "${name}"`);
  const found = findContainer(root, path);
  if (found === undefined) throw new OpError(`doc is missing path: "${path}"`);
  return found;
}

/** applyOp applies one operation to `doc` (the resource as JSON) and returns the new document. */
function applyOp(doc: JsonObject, op: Json6902Operation): JsonObject {
  const root: Container = { kind: 'object', obj: doc };
  const value = op.has('value') ? (op.get('value') ?? null) : null;
  switch (op.get('op')) {
    case 'add': {
      const [c, key] = locate(root, op, 'path');
      add(c, key, cloneJson(value));
      return doc;
    }
    case 'remove': {
      const [c, key] = locate(root, op, 'path');
      remove(c, key);
      return doc;
    }
    case 'replace': {
      if (field(op, 'path') === '') {
        if (!(value instanceof Map)) throw new OpError('the resource can only be replaced by an object');
        return cloneJson(value) as JsonObject;
      }
      const [c, key] = locate(root, op, 'path');
      if (c.kind === 'array') c.parent[arrayIndex(c.parent, key, c.parent.length)] = cloneJson(value);
      else c.obj.set(key, cloneJson(value));
      return doc;
    }
    case 'move': {
      const [from, fromKey] = locate(root, op, 'from');
      const moved = getChild(from, fromKey) ?? null;
      remove(from, fromKey);
      const [c, key] = locate(root, op, 'path');
      add(c, key, moved);
      return doc;
    }
    case 'copy': {
      const [from, fromKey] = locate(root, op, 'from');
      const copied = cloneJson(getChild(from, fromKey) ?? null);
      const [c, key] = locate(root, op, 'path');
      add(c, key, copied);
      return doc;
    }
    case 'test': {
      const actual = field(op, 'path') === '' ? doc : getChild(...locate(root, op, 'path'));
      const expected = op.has('value') ? (op.get('value') ?? null) : undefined;
      // A missing or null value only equals a missing or null expectation.
      const ok =
        actual === undefined || actual === null
          ? expected === undefined || expected === null
          : expected !== undefined && jsonEqual(actual, expected);
      if (!ok) throw new OpError('test failed');
      return doc;
    }
    default:
      throw new OpError(`Unexpected kind: ${field(op, 'op') ?? 'unknown'}`);
  }
}

/**
 * applyOperations applies JSON 6902 operations in order to a resource in JSON form and returns the result; the
 * input is not modified. An error names the operation (its index, op and path) that failed.
 *
 * @example
 * applyOperations(toJson(resource) as JsonObject, parseJson6902('[{"op":"remove","path":"/spec/replicas"}]'));
 */
export function applyOperations(doc: JsonObject, ops: readonly Json6902Operation[], source = 'patch'): JsonObject {
  return applyInPlace(cloneJson(doc) as JsonObject, ops, source);
}

/** applyInPlace is {@link applyOperations} on a document the caller owns (it is modified). */
export function applyInPlace(doc: JsonObject, ops: readonly Json6902Operation[], source: string): JsonObject {
  let current = doc;
  ops.forEach((op, i) => {
    try {
      current = applyOp(current, op);
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
