/**
 * Value is chart data as Helm holds it after its YAML→JSON bridge: JSON's shapes, where a JavaScript `number` is
 * Go's float64 (every number read from YAML or JSON) and a `bigint` is Go's int64 (integers typed with `--set`).
 * Maps are `Map`s, so any key (even `__proto__`) is plain data; key order carries no meaning, as in Go.
 */
export type Value = null | boolean | string | number | bigint | Value[] | ValueMap;
export type ValueMap = Map<string, Value>;

/** isMap is true for a Value that is a map (Go's map[string]interface{}). */
export function isMap(v: unknown): v is ValueMap {
  return v instanceof Map;
}

/** deepCopy copies maps and lists recursively; scalars are immutable. */
export function deepCopy<V extends Value>(v: V): V {
  return copyValue(v) as V;
}

function copyValue(v: Value): Value {
  if (v instanceof Map) {
    const out: ValueMap = new Map();
    for (const [k, e] of v) out.set(k, copyValue(e));
    return out;
  }
  if (Array.isArray(v)) return v.map(copyValue);
  return v;
}

/** mapOf builds a ValueMap from a plain object (tests and literals). */
export function mapOf(obj: Record<string, Value>): ValueMap {
  return new Map(Object.entries(obj));
}

/** fromJs converts plain JavaScript data (objects, arrays, numbers) into Values; numbers become float64. */
export function fromJs(v: unknown): Value {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number' || typeof v === 'bigint') return v;
  if (Array.isArray(v)) return v.map(fromJs);
  if (v instanceof Map) {
    const out: ValueMap = new Map();
    for (const [k, e] of v as Map<string, unknown>) out.set(String(k), fromJs(e));
    return out;
  }
  if (typeof v === 'object') {
    const out: ValueMap = new Map();
    for (const [k, e] of Object.entries(v as Record<string, unknown>)) out.set(k, fromJs(e));
    return out;
  }
  throw new TypeError(`cannot represent ${typeof v} as a chart value`);
}

/** toJs converts Values into plain JavaScript data (maps become objects; int64 stays bigint). */
export function toJs(v: Value): unknown {
  if (v instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, e] of v) out[k] = toJs(e);
    return out;
  }
  if (Array.isArray(v)) return v.map(toJs);
  return v;
}

/** goTypeName is the Go dynamic type of a Value as `%T` prints it (used in Helm's error messages). */
export function goTypeName(v: Value | undefined): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return 'float64';
  if (typeof v === 'bigint') return 'int64';
  if (Array.isArray(v)) return '[]interface {}';
  return 'map[string]interface {}';
}
