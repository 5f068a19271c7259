// Drift detection as fluxcd/pkg ssa `manager_diff.go` does it: a server-side dry-run result against the live object.
import { removePointer } from './json-pointer.ts';
import type { KubeObject } from '../client/index.ts';

type Json = Record<string, unknown>;
const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** jsonEqual compares JSON values structurally (object key order does not matter, array order does). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => jsonEqual(v, b[i]));
  }
  if (isMap(a)) {
    if (!isMap(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

/** A missing map equals an empty one, as Go's semantic equality treats nil and empty maps. */
const orEmpty = (m: Record<string, string> | undefined): Record<string, string> => m ?? {};

function withoutMetadataAndStatus(obj: KubeObject): Json {
  const { metadata: _m, status: _s, ...rest } = obj;
  return rest;
}

/**
 * hasDrifted reports whether applying would change the live object: true when it does not exist yet (the dry-run
 * has no resourceVersion), when labels or annotations differ, or when anything outside metadata and status differs.
 * Managed fields, resourceVersion, generation and timestamps are not compared, nor the values at `ignore` (parsed
 * JSON pointers of `spec.ignore` rules): a change only there leaves the object unchanged.
 */
export function hasDrifted(
  existing: KubeObject | undefined,
  dryRun: KubeObject,
  ignore: readonly (readonly string[])[] = [],
): boolean {
  if (!existing || !dryRun.metadata.resourceVersion) return true;
  // The whole-document pointer ignores everything: an existing object never drifts.
  if (ignore.some((tokens) => tokens.length === 0)) return false;
  if (ignore.length > 0) {
    existing = structuredClone(existing);
    dryRun = structuredClone(dryRun);
    for (const tokens of ignore) {
      removePointer(existing, tokens);
      removePointer(dryRun, tokens);
    }
  }
  if (!jsonEqual(orEmpty(dryRun.metadata.labels), orEmpty(existing.metadata.labels))) return true;
  if (!jsonEqual(orEmpty(dryRun.metadata.annotations), orEmpty(existing.metadata.annotations))) return true;
  return !jsonEqual(withoutMetadataAndStatus(dryRun), withoutMetadataAndStatus(existing));
}

/** DiffResult is the live and the would-be object of a drifted object, managedFields dropped, Secret values masked. */
export interface DiffResult {
  live: KubeObject;
  merged: KubeObject;
}

/**
 * diffObjects prepares a drifted pair for display: managedFields removed and, for Secrets, every data value
 * replaced by a mask that only tells whether the value changed (fluxcd/pkg ssa `SanitizeUnstructuredData`).
 */
export function diffObjects(live: KubeObject, merged: KubeObject): DiffResult {
  const a = structuredClone(live);
  const b = structuredClone(merged);
  delete a.metadata['managedFields'];
  delete b.metadata['managedFields'];
  if (a.kind === 'Secret') maskSecretData(a, b);
  return { live: a, merged: b };
}

function maskSecretData(live: KubeObject, merged: KubeObject): void {
  const before = isMap(live['data']) ? live['data'] : {};
  const after = isMap(merged['data']) ? merged['data'] : {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const changed = before[key] !== after[key];
    if (key in before) before[key] = changed ? '*** (before)' : '***';
    if (key in after) after[key] = changed ? '*** (after)' : '***';
  }
  delete live['stringData'];
  delete merged['stringData'];
}
