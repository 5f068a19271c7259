/**
 * Conversion of JSON objects to CEL values. Flux evaluates healthCheckExprs against the object as client-go decodes
 * it (integers are int64, so `status.replicas == 3` compares ints), and readyExpr against `google.protobuf.Struct`
 * variables (every number is a double).
 */
export type NumberMode = 'int64' | 'double';

/** toCel converts a JSON value; in `int64` mode integral numbers become CEL ints (BigInt). */
export function toCel(value: unknown, mode: NumberMode): unknown {
  if (typeof value === 'number') return mode === 'int64' && Number.isInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map((v) => toCel(v, mode));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toCel(v, mode);
    return out;
  }
  return value;
}
