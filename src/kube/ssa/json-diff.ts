// A JSON Patch (RFC 6902) between two JSON documents, as helm-controller's drift detection computes it (fluxcd/pkg
// ssa/jsondiff over github.com/wI2L/jsondiff with its Rationalize option): objects compared key by key, arrays index
// by index (extra elements removed from the end, missing ones added), anything else replaced; a subtree whose
// operations would take more JSON than replacing it whole is replaced whole. The operations, applied in order to
// `from`, give `to`, so they double as the patch that corrects a drifted object.
import { jsonEqual } from './diff.ts';

/** PatchOp is one RFC 6902 operation (only add, remove and replace are produced). */
export type PatchOp =
  | { op: 'add'; path: string; value: unknown }
  | { op: 'replace'; path: string; value: unknown }
  | { op: 'remove'; path: string };

type Json = Record<string, unknown>;
const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** escapeToken escapes a JSON pointer reference token (RFC 6901: `~` → `~0`, `/` → `~1`). */
export function escapeToken(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}

function diffInto(from: unknown, to: unknown, path: string, out: PatchOp[], rationalize: boolean): void {
  if (jsonEqual(from, to)) return;
  const container = (isMap(from) && isMap(to)) || (Array.isArray(from) && Array.isArray(to));
  if (!container) {
    out.push({ op: 'replace', path, value: structuredClone(to) });
    return;
  }
  const ops: PatchOp[] = [];
  if (isMap(from) && isMap(to)) {
    // Sorted keys keep the patch deterministic whatever order the server wrote the fields in.
    for (const key of Object.keys(from).sort()) {
      if (!Object.hasOwn(to, key)) ops.push({ op: 'remove', path: `${path}/${escapeToken(key)}` });
    }
    for (const key of Object.keys(to).sort()) {
      const p = `${path}/${escapeToken(key)}`;
      if (!Object.hasOwn(from, key)) ops.push({ op: 'add', path: p, value: structuredClone(to[key]) });
      else diffInto(from[key], to[key], p, ops, rationalize);
    }
  } else {
    const a = from as unknown[];
    const b = to as unknown[];
    const common = Math.min(a.length, b.length);
    for (let i = 0; i < common; i++) diffInto(a[i], b[i], `${path}/${i}`, ops, rationalize);
    // Removals from the end, so each index is still valid when its operation runs.
    for (let i = a.length - 1; i >= b.length; i--) ops.push({ op: 'remove', path: `${path}/${i}` });
    for (let i = a.length; i < b.length; i++) ops.push({ op: 'add', path: `${path}/-`, value: structuredClone(b[i]) });
  }
  if (rationalize && path !== '' && ops.length > 1) {
    const whole: PatchOp = { op: 'replace', path, value: structuredClone(to) };
    if (JSON.stringify(whole).length < JSON.stringify(ops).length) {
      out.push(whole);
      return;
    }
  }
  out.push(...ops);
}

/**
 * jsonPatchDiff returns the operations that turn `from` into `to`; `rationalize` replaces a subtree whole when
 * that is shorter, as jsondiff.Rationalize does (the root is never replaced whole).
 */
export function jsonPatchDiff(from: unknown, to: unknown, opts: { rationalize?: boolean } = {}): PatchOp[] {
  const out: PatchOp[] = [];
  diffInto(from, to, '', out, opts.rationalize ?? true);
  return out;
}
