/** JsonValue is any value JSON can carry. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

type JsonObject = { [key: string]: JsonValue };

/**
 * mergePatch computes the RFC 7386 JSON merge patch that turns `before` into `after`: changed keys carry their
 * new value, removed keys carry null, objects recurse, arrays are replaced whole. Undefined means "no change".
 */
export function mergePatch(before: unknown, after: unknown): JsonValue | undefined {
  if (deepEqual(before, after)) return undefined;
  if (!isObject(before) || !isObject(after)) return toJson(after);
  const patch: JsonObject = {};
  for (const key of Object.keys(after)) {
    if (after[key] === undefined) continue;
    const sub = mergePatch(before[key], after[key]);
    if (sub !== undefined) patch[key] = sub;
  }
  for (const key of Object.keys(before)) {
    if (before[key] !== undefined && (!(key in after) || after[key] === undefined)) patch[key] = null;
  }
  return Object.keys(patch).length === 0 ? undefined : patch;
}

/** deepEqual compares JSON values structurally, treating an undefined member like a missing one. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => deepEqual(v, b[i]));
  }
  if (!isObject(a) || !isObject(b)) return false;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) if (!deepEqual(a[key], b[key])) return false;
  return true;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function toJson(v: unknown): JsonValue {
  return v === undefined ? null : (JSON.parse(JSON.stringify(v)) as JsonValue);
}
