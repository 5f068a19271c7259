import { type Document, isAlias, isMap, isScalar, isSeq, type Node, parseDocument, type Scalar } from 'yaml';

/** JsonValue is a resource as JSON carries it. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** YamlToJsonError is a resource text that sigs.k8s.io/yaml's YAMLToJSON would reject. */
export class YamlToJsonError extends Error {}

const V2_MAP = new Map<string, boolean | null | number>();
for (const s of ['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']) V2_MAP.set(s, true);
for (const s of ['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']) V2_MAP.set(s, false);
for (const s of ['', '~', 'null', 'Null', 'NULL']) V2_MAP.set(s, null);
for (const s of ['.nan', '.NaN', '.NAN']) V2_MAP.set(s, NaN);
for (const s of ['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF']) V2_MAP.set(s, Infinity);
for (const s of ['-.inf', '-.Inf', '-.INF']) V2_MAP.set(s, -Infinity);

const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const UINT64_MAX = (1n << 64n) - 1n;

/** goParseInt is strconv.ParseInt/ParseUint with base 0 (0x, 0o, 0b and leading-0 octal prefixes). */
function goParseInt(text: string, unsigned: boolean): bigint | undefined {
  let s = text;
  let neg = false;
  if (s.startsWith('+') || s.startsWith('-')) {
    if (unsigned) return undefined;
    neg = s.startsWith('-');
    s = s.slice(1);
  }
  let digits = /^[0-9]+$/;
  let prefix = '';
  if (/^0[xX]/.test(s)) [digits, prefix, s] = [/^[0-9a-fA-F]+$/, '0x', s.slice(2)];
  else if (/^0[oO]/.test(s)) [digits, prefix, s] = [/^[0-7]+$/, '0o', s.slice(2)];
  else if (/^0[bB]/.test(s)) [digits, prefix, s] = [/^[01]+$/, '0b', s.slice(2)];
  else if (s.length > 1 && s.startsWith('0')) [digits, prefix, s] = [/^[0-7]+$/, '0o', s.slice(1)];
  if (!digits.test(s)) return undefined;
  const v = (neg ? -1n : 1n) * BigInt(prefix + s);
  if (unsigned) return v <= UINT64_MAX ? v : undefined;
  return v >= INT64_MIN && v <= INT64_MAX ? v : undefined;
}

/** isTimestamp is go-yaml v2's parseTimestamp: four digits, a dash, then one of its accepted layouts. */
function isTimestamp(s: string): boolean {
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:([Tt ])(\d{1,2}):(\d{1,2}):(\d{1,2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?)?$/.exec(
    s,
  );
  if (!m) return false;
  const [, , mo, d, sep, h, mi, se, , zone] = m;
  if (Number(mo) < 1 || Number(mo) > 12 || Number(d) < 1 || Number(d) > 31) return false;
  if (sep === undefined) return true;
  if (Number(h) > 23 || Number(mi) > 59 || Number(se) > 59) return false;
  return (sep === ' ') === (zone === undefined);
}

/**
 * resolvePlainV2 types a plain scalar as go-yaml v2 does for an `interface{}` target (its resolve.go): YAML 1.1
 * booleans (`yes`, `on`, `y`…), nulls, Go integers with `_` separators, floats; timestamps stay strings.
 */
export function resolvePlainV2(s: string): boolean | null | number | string {
  const c = s.charAt(0);
  const mapped = V2_MAP.get(s);
  if (mapped !== undefined) return mapped;
  if (c === '.') {
    return /^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(s) ? goFloat(s) : s;
  }
  if (!/[-+0-9]/.test(c) || s === '') return s;
  if (isTimestamp(s)) return s;
  const plain = s.replaceAll('_', '');
  const i = goParseInt(plain, false) ?? goParseInt(plain, true);
  if (i !== undefined) return Number(i);
  if (YAML_STYLE_FLOAT.test(plain)) return goFloat(plain);
  if (/^-0b[01]+$/.test(plain)) return Number(-BigInt('0b' + plain.slice(3)));
  return s;
}

/** goFloat is strconv.ParseFloat: out-of-range values are an error, so the scalar stays a string. */
function goFloat(s: string): number | string {
  const v = Number(s);
  return Number.isFinite(v) ? v : s;
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
