import { type Document, isAlias, isMap, isScalar, isSeq, type Node, parseDocument, type Scalar } from 'yaml';

import { resolvePlain } from '../goyaml/index.ts';

/** JsonValue is a resource as JSON carries it. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** YamlToJsonError is a resource text that sigs.k8s.io/yaml's YAMLToJSON would reject. */
export class YamlToJsonError extends Error {}

/**
 * resolvePlainV2 types a plain scalar as go-yaml v2 does for an `interface{}` target (engines/goyaml): YAML 1.1
 * booleans (`yes`, `on`, `y`…), nulls, Go integers with `_` separators, floats; timestamps stay strings (v2 keeps
 * their text in an interface{}).
 */
export function resolvePlainV2(s: string): boolean | null | number | string {
  const r = resolvePlain(s, 2);
  if (r.tag === 'timestamp' || r.tag === 'merge') return s;
  return typeof r.value === 'bigint' ? Number(r.value) : r.value;
}

function scalarValue(node: Scalar): JsonValue {
  const raw = typeof node.value === 'string' ? node.value : String(node.value);
  if (node.type !== 'PLAIN') return raw;
  const tag = node.tag;
  if (tag === '!!str' || tag === 'tag:yaml.org,2002:str' || tag === '!!binary') return raw;
  if (tag !== undefined && !tag.startsWith('!!') && !tag.startsWith('tag:yaml.org,2002:')) return raw;
  return resolvePlainV2(raw);
}

function keyString(key: JsonValue): string {
  if (typeof key === 'string') return key;
  if (typeof key === 'boolean') return key ? 'true' : 'false';
  if (typeof key === 'number') {
    if (Number.isInteger(key)) return String(key);
    if (Number.isNaN(key)) return '.nan';
    if (key === Infinity) return '.inf';
    if (key === -Infinity) return '-.inf';
    return String(Math.fround(key));
  }
  throw new YamlToJsonError(`unsupported map key: ${JSON.stringify(key)}`);
}

function checkFinite(v: number): number {
  if (!Number.isFinite(v)) {
    throw new YamlToJsonError(`json: unsupported value: ${Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf'}`);
  }
  return v;
}

function toJson(node: unknown, doc: Document, depth: number): JsonValue {
  if (depth > 1000) throw new YamlToJsonError('document nested too deeply');
  if (isAlias(node)) return toJson(node.resolve(doc), doc, depth + 1);
  if (isScalar(node)) {
    const v = scalarValue(node);
    return typeof v === 'number' ? checkFinite(v) : v;
  }
  if (isSeq(node)) return node.items.map((item) => toJson(item, doc, depth + 1));
  if (isMap(node)) {
    const out: JsonObject = {};
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null;
      if (isScalar(keyNode) && keyNode.type === 'PLAIN' && keyNode.value === '<<') {
        mergeInto(out, pair.value, doc, depth);
        continue;
      }
      const key = keyNode === null ? null : isScalar(keyNode) ? scalarValue(keyNode) : toJson(keyNode, doc, depth + 1);
      out[keyString(key)] = toJson(pair.value, doc, depth + 1);
    }
    return out;
  }
  if (node === null || node === undefined) return null;
  throw new YamlToJsonError('unsupported YAML node');
}

/** mergeInto applies a `<<` merge key; in a list of maps, earlier maps take precedence (go-yaml v2). */
function mergeInto(out: JsonObject, value: unknown, doc: Document, depth: number): void {
  const target = isAlias(value) ? value.resolve(doc) : value;
  const maps = isSeq(target) ? [...target.items].reverse() : [target];
  for (const m of maps) {
    const v = toJson(m, doc, depth + 1);
    if (v === null || typeof v !== 'object' || Array.isArray(v))
      throw new YamlToJsonError('map merge requires map or sequence of maps as the value');
    Object.assign(out, v);
  }
}

/**
 * yamlToJson parses one YAML document into JSON values with the typing of sigs.k8s.io/yaml's YAMLToJSON (go-yaml
 * v2): what Flux does to a resource after substitution, so `${REPLICAS}` → `3` becomes a number and `yes` a
 * boolean, exactly as in the cluster.
 */
export function yamlToJson(text: string): JsonValue {
  const doc = parseDocument(text, { version: '1.1', schema: 'failsafe', uniqueKeys: false, strict: false });
  const first = doc.errors[0];
  if (first) {
    // Go's YAML errors read `yaml: line N: …`; the description is the yaml package's own.
    const line = first.linePos?.[0].line ?? 1;
    const what = (first.message.split('\n')[0] ?? first.message).replace(/ at line \d+, column \d+:?$/, '');
    throw new YamlToJsonError(`yaml: line ${line}: ${what}`);
  }
  return toJson(doc.contents, doc, 0);
}
