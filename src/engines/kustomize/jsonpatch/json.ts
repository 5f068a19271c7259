/**
 * JSON values of JSON 6902 patches, and their conversions to and from resource nodes: `toJson` types scalars as
 * go-yaml v3 does when kustomize marshals a resource to JSON (timestamps become RFC 3339 strings), `fromJson`
 * builds the nodes kustomize gets back from Go's `map[string]interface{}` (keys sorted, numbers as float64 text).
 */
import { isAlias, isMap, isPair, isScalar, isSeq, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';

import { goFormatG } from '../yaml/emit.ts';
import { scalarValue } from '../yaml/to-value.ts';

/** Json is a JSON value; objects are Maps so that keys such as `__proto__` are plain data. */
export type Json = null | boolean | number | string | Json[] | JsonObject;

/** JsonObject is a JSON object. */
export type JsonObject = Map<string, Json>;

/** toJson converts a resource node to JSON the way kyaml's MarshalJSON does. */
export function toJson(node: unknown): Json {
  if (isAlias(node)) return null;
  if (isMap(node)) {
    const m: JsonObject = new Map();
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      m.set(key, toJson(pair.value));
    }
    return m;
  }
  if (isSeq(node)) return node.items.map((it) => toJson(it));
  if (isScalar(node)) {
    const v = scalarValue(node);
    return typeof v === 'bigint' ? Number(v) : v;
  }
  return null;
}

/** fromJson builds the YAML node kyaml makes from Go's decoded map: keys sorted, numbers as float64. */
export function fromJson(value: Json): YAMLMap<unknown, unknown> | YAMLSeq<unknown> | Scalar<unknown> {
  if (value instanceof Map) {
    const map = new YAMLMap<unknown, unknown>();
    for (const key of [...value.keys()].sort()) {
      map.items.push(new Pair(stringNode(key), fromJson(value.get(key) ?? null)));
    }
    return map;
  }
  if (Array.isArray(value)) {
    const seq = new YAMLSeq<unknown>();
    seq.items = value.map((v) => fromJson(v));
    return seq;
  }
  if (typeof value === 'string') return stringNode(value);
  const s = new Scalar(value === null ? 'null' : typeof value === 'number' ? goFormatG(value) : String(value));
  s.type = Scalar.PLAIN;
  return s;
}

function stringNode(value: string): Scalar<string> {
  const s = new Scalar(value);
  s.type = Scalar.QUOTE_DOUBLE;
  return s;
}

/** jsonEqual is the equality of the `test` operation: same type and value, objects regardless of key order. */
export function jsonEqual(a: Json, b: Json): boolean {
  if (a instanceof Map) {
    if (!(b instanceof Map) || a.size !== b.size) return false;
    for (const [k, v] of a) {
      if (!b.has(k) || !jsonEqual(v, b.get(k) ?? null)) return false;
    }
    return true;
  }
  if (Array.isArray(a))
    return Array.isArray(b) && a.length === b.length && a.every((v, i) => jsonEqual(v, b[i] ?? null));
  return a === b;
}
