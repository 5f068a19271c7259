// Structural defaulting as the apiserver does it: a property with a `default` that is absent gets the default; the
// walk descends only into values that are present (a default on a child of an absent object does not create it).
import type { JsonValue, OpenAPISchema } from './openapi.ts';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * applyDefaults returns a deep copy of `value` with every schema default filled in where the property is absent,
 * then descends into the defaulted value as the apiserver does. The input is not modified.
 *
 * @example applyDefaults(schema, { interval: '1m' }) // → { interval: '1m', timeout: '60s', … }
 */
export function applyDefaults<T>(schema: OpenAPISchema, value: T): T {
  return walk(schema, structuredClone(value)) as T;
}

function walk(schema: OpenAPISchema, value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = schema.items;
    return items === undefined ? value : value.map((item) => walk(items, item));
  }
  if (!isPlainObject(value)) return value;
  if (schema.properties !== undefined) {
    for (const [name, child] of Object.entries(schema.properties)) {
      if (value[name] === undefined && child.default !== undefined) value[name] = structuredClone(child.default);
      if (value[name] !== undefined) value[name] = walk(child, value[name]);
    }
  }
  const extra = schema.additionalProperties;
  if (typeof extra === 'object') {
    for (const key of Object.keys(value)) {
      if (schema.properties?.[key] === undefined) value[key] = walk(extra, value[key]);
    }
  }
  return value;
}

/** defaultValue is the default of a schema node, or undefined. */
export function defaultValue(schema: OpenAPISchema): JsonValue | undefined {
  return schema.default === undefined ? undefined : structuredClone(schema.default);
}
