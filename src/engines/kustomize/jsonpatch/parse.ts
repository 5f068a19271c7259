/**
 * Reading JSON 6902 patch text as kustomize does: text starting with `[` is JSON, anything else is YAML converted
 * to JSON with go-yaml v2's typing (sigs.k8s.io/yaml), so `value: yes` is the boolean true and timestamps stay
 * strings.
 */
import { type Document, isAlias, isMap, isPair, isScalar, isSeq, parseDocument } from 'yaml';

import { goParseInt } from '../yaml/resolve.ts';
import { Json6902Error } from './errors.ts';
import type { Json, JsonObject } from './json.ts';

/** Json6902Operation is one operation as written; fields keep their JSON types so errors can be exact. */
export type Json6902Operation = JsonObject;

const V2_TRUE = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const V2_FALSE = new Set(['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);
const V2_NULL = new Set(['', '~', 'null', 'Null', 'NULL']);
const FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

/** resolveV2 types a plain scalar as go-yaml v2 does when decoding into interface{}. */
function resolveV2(s: string): Json {
  if (V2_TRUE.has(s)) return true;
  if (V2_FALSE.has(s)) return false;
  if (V2_NULL.has(s)) return null;
  const plain = s.replaceAll('_', '');
  const i = goParseInt(plain, false) ?? goParseInt(plain, true);
  if (i !== undefined) return Number(i);
  if (FLOAT.test(plain)) return Number(plain);
  return s;
}

function yamlToJson(node: unknown, doc: Document): Json {
  if (isAlias(node)) return yamlToJson(node.resolve(doc), doc);
  if (isMap(node)) {
    const m: JsonObject = new Map();
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      m.set(isScalar(pair.key) ? String(pair.key.value) : String(pair.key), yamlToJson(pair.value, doc));
    }
    return m;
  }
  if (isSeq(node)) return node.items.map((v) => yamlToJson(v, doc));
  if (isScalar(node)) {
    const v = node.value;
    if (typeof v !== 'string') return null;
    if (node.tag === 'tag:yaml.org,2002:str' || node.type !== 'PLAIN') return v;
    return resolveV2(v);
  }
  return null;
}

function jsonToJson(value: unknown): Json {
  if (Array.isArray(value)) return value.map(jsonToJson);
  if (typeof value === 'object' && value !== null) {
    return new Map(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, jsonToJson(v)]));
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return null;
}

/**
 * parseJson6902 reads the operations of a JSON 6902 patch from JSON or YAML text.
 *
 * @example
 * parseJson6902('- op: replace\n  path: /spec/replicas\n  value: 3\n', 'patch.yaml');
 */
export function parseJson6902(text: string, source = 'patch'): Json6902Operation[] {
  let value: Json;
  if (text.startsWith('[')) {
    try {
      value = jsonToJson(JSON.parse(text));
    } catch (err) {
      throw new Json6902Error(`JSON 6902 patch ${source}: invalid JSON: ${(err as Error).message}`, { cause: err });
    }
  } else {
    const doc = parseDocument(text, { schema: 'failsafe', uniqueKeys: false, strict: false });
    const first = doc.errors[0];
    if (first !== undefined) {
      throw new Json6902Error(`JSON 6902 patch ${source}: invalid YAML: ${first.message.split('\n')[0]}`, {
        cause: first,
      });
    }
    value = yamlToJson(doc.contents, doc);
  }
  if (!Array.isArray(value)) {
    throw new Json6902Error(`JSON 6902 patch ${source}: expected a list of operations`);
  }
  return value.map((op, i) => {
    if (!(op instanceof Map)) throw new Json6902Error(`JSON 6902 patch ${source}: operation ${i} is not an object`);
    return op;
  });
}
