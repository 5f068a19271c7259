import { jsonKind } from '../values/json.ts';
import type { Value } from '../values/value.ts';
import type { Target } from '../yaml/decode.ts';

/**
 * Decoding JSON values into Go structs as encoding/json does, for the few Helm types read from YAML files
 * (Chart.yaml, Chart.lock, a manifest's head): fields matched by name (exactly, else case-insensitively), `null`
 * leaving a field as it was (or clearing a slice/map), type mismatches reported as Go reports the first one
 * (`json: cannot unmarshal string into Go struct field Metadata.deprecated of type bool`) while decoding goes on.
 */

/** GoType is a destination type: its Go name (for messages) and shape. */
export type GoType =
  | { kind: 'string' }
  | { kind: 'bool' }
  | { kind: 'any' }
  | { kind: 'slice'; goName: string; elem: GoType; nilable?: boolean }
  | { kind: 'map'; goName: string; elem: GoType }
  | { kind: 'struct'; goName: string; fields: GoField[]; pointer?: boolean; structName?: string };

export interface GoField {
  /** json: the field's JSON name. */
  json: string;
  /** prop: the property of the decoded object. */
  prop: string;
  type: GoType;
}

export const GoString: GoType = { kind: 'string' };
export const GoBool: GoType = { kind: 'bool' };
export const GoAny: GoType = { kind: 'any' };

/** goTypeName renders a destination type as reflect's String(). */
function goTypeName(t: GoType): string {
  switch (t.kind) {
    case 'string':
      return 'string';
    case 'bool':
      return 'bool';
    case 'any':
      return 'interface {}';
    case 'struct':
      return t.goName;
    default:
      return t.goName;
  }
}

/** sigsTarget is the same type as sigs.k8s.io/yaml's conversion sees it (which fields are strings). */
export function sigsTarget(t: GoType): Target {
  switch (t.kind) {
    case 'string':
      return 'string';
    case 'bool':
    case 'any':
      return 'any';
    case 'slice':
      return { list: sigsTarget(t.elem) };
    case 'map':
      return { map: sigsTarget(t.elem) };
    case 'struct': {
      const fields: Record<string, Target> = {};
      for (const f of t.fields) fields[f.json] = sigsTarget(f.type);
      return { struct: fields };
    }
  }
}

/** GoJsonTypeError is the first type mismatch of a decode; decoding completed around it. */
export class GoJsonTypeError extends Error {}

interface Context {
  struct: string | undefined;
  stack: string[];
  first: GoJsonTypeError | undefined;
}

function mismatch(ctx: Context, v: Value, t: GoType): void {
  if (ctx.first !== undefined) return;
  const kind = jsonKind(v);
  const what =
    ctx.struct !== undefined || ctx.stack.length > 0
      ? `Go struct field ${ctx.struct ?? ''}.${ctx.stack.join('.')}`
      : 'Go value';
  ctx.first = new GoJsonTypeError(`json: cannot unmarshal ${kind} into ${what} of type ${goTypeName(t)}`);
}

/** decodeInto decodes `v` into `current` (the existing Go value) and returns the new value. */
function decodeInto(v: Value, t: GoType, current: unknown, ctx: Context): unknown {
  if (v === null) {
    // null leaves strings, bools and structs alone, and clears slices, maps and pointers.
    if (t.kind === 'slice') return t.nilable === true ? null : [];
    if (t.kind === 'map') return undefined;
    if (t.kind === 'struct' && t.pointer === true) return null;
    if (t.kind === 'any') return null;
    return current;
  }
  switch (t.kind) {
    case 'any':
      return v;
    case 'string':
      if (typeof v === 'string') return v;
      mismatch(ctx, v, t);
      return current;
    case 'bool':
      if (typeof v === 'boolean') return v;
      mismatch(ctx, v, t);
      return current;
    case 'slice': {
      if (!Array.isArray(v)) {
        mismatch(ctx, v, t);
        return current;
      }
      const old = Array.isArray(current) ? current : [];
      return v.map((e, i) => decodeInto(e, t.elem, old[i], ctx));
    }
    case 'map': {
      if (!(v instanceof Map)) {
        mismatch(ctx, v, t);
        return current;
      }
      const out: Record<string, unknown> = { ...((current as Record<string, unknown> | undefined) ?? {}) };
      for (const key of sortedKeys(v)) out[key] = decodeInto(v.get(key)!, t.elem, out[key], ctx);
      return out;
    }
    case 'struct': {
      if (!(v instanceof Map)) {
        mismatch(ctx, v, t);
        return current;
      }
      const out: Record<string, unknown> = { ...((current as Record<string, unknown> | null | undefined) ?? blank(t)) };
      for (const key of sortedKeys(v)) {
        const field =
          t.fields.find((f) => f.json === key) ?? t.fields.find((f) => f.json.toLowerCase() === key.toLowerCase());
        if (field === undefined) continue;
        const saved = { struct: ctx.struct, depth: ctx.stack.length };
        ctx.struct = t.structName ?? t.goName.replace(/^.*\./, '');
        ctx.stack.push(field.json);
        out[field.prop] = decodeInto(v.get(key)!, field.type, out[field.prop], ctx);
        ctx.stack.length = saved.depth;
        ctx.struct = saved.struct;
      }
      return out;
    }
  }
}

/** blank is a struct's zero value: '' for strings, false, [] for slices, undefined maps, null pointers. */
export function blank(t: GoType & { kind: 'struct' }): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of t.fields) {
    out[f.prop] =
      f.type.kind === 'string'
        ? ''
        : f.type.kind === 'bool'
          ? false
          : f.type.kind === 'slice'
            ? f.type.nilable === true
              ? null
              : []
            : f.type.kind === 'struct'
              ? f.type.pointer === true
                ? null
                : blank(f.type)
              : undefined;
  }
  return out;
}

/** The JSON step (json.Marshal of a map) hands keys to the decoder in byte order. */
function sortedKeys(m: Map<string, Value>): string[] {
  return [...m.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * decodeGoStruct decodes a JSON value into the struct type `t`, starting from `current` (Go's decode into an
 * existing value). Throws the first GoJsonTypeError after decoding everything else, as json.Unmarshal returns it.
 */
export function decodeGoStruct<T>(v: Value, t: GoType & { kind: 'struct' }, current?: T): T {
  const ctx: Context = { struct: undefined, stack: [], first: undefined };
  // The destination is the struct itself (a top-level mismatch names the struct type, not a pointer).
  const out = decodeInto(v, { ...t, pointer: false }, current ?? blank(t), ctx) as T;
  if (v === null && t.pointer === true) return null as T;
  if (ctx.first !== undefined) throw ctx.first;
  return out;
}
