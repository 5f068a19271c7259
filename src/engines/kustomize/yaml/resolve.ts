/**
 * Scalar resolution as kustomize meets it (engines/goyaml has the rules): go-yaml v3 types plain scalars when a
 * resource is decoded for output (`resolvePlain`), and go-yaml v2 decides whether an emitted string must be quoted
 * (`plainWouldRetype`). The two differ (v2 still reads `yes`/`on`/`y` as booleans), which is why kustomize prints
 * `"yes"` quoted although it read it as a string.
 */
import { goParseInt, needsQuotes, parseTimestamp, resolvePlain as resolve, type Typed } from '../../goyaml/index.ts';

export { goParseInt, parseTimestamp, type Typed };

/** UnsupportedScalarError is raised for plain scalars that JSON cannot carry (`.inf`, `.nan`). */
export class UnsupportedScalarError extends Error {}

/**
 * resolvePlain types an unquoted scalar the way go-yaml v3 does when kustomize decodes a resource: YAML 1.2 core
 * booleans and nulls, Go-style integers (with `_` separators and legacy `0777` octals), floats, and timestamps
 * (which JSON turns into RFC 3339 strings).
 */
export function resolvePlain(s: string): Typed {
  const r = resolve(s, 3);
  if (r.tag === 'float' && typeof r.value === 'number' && !Number.isFinite(r.value)) {
    throw new UnsupportedScalarError(`json: unsupported value: ${s}`);
  }
  return r.value;
}

/**
 * plainWouldRetype is true when go-yaml v2 would read the string back as something other than a string if it
 * were written plain, so the emitter must double-quote it.
 */
export function plainWouldRetype(s: string): boolean {
  return needsQuotes(s, 2);
}
