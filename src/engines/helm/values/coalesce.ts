import type { Chart } from '../chart/types.ts';
import { formatFloatG } from '../../../util/go-float.ts';
import { quote as goQuote } from '../../gotemplate/index.ts';
import { deepCopy, isMap, type Value, type ValueMap } from './value.ts';

/**
 * Helm v4.2's value coalescing: user values over chart defaults over subchart defaults, maps merged, everything
 * else replaced; a user `null` deletes a default; `global` pushed down into every subchart; nulls that come from
 * chart defaults dropped (v4.2). "Merge" mode (used while processing dependencies) keeps nulls instead.
 */

/** Warn receives Helm's coalescing warnings (Helm logs them to stderr; they never change the result). */
export type Warn = (message: string) => void;

/** CoalesceError is a value layout Helm refuses (`type mismatch on sub: %!t(string=x)`). */
export class CoalesceError extends Error {}

const GLOBAL = 'global';

function concatPrefix(a: string, b: string): string {
  return a === '' ? b : `${a}.${b}`;
}

/** goV is Go's `%v` of a value, for warnings. */
export function goV(v: Value | undefined): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return formatFloatG(v);
  if (typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(goV).join(' ')}]`;
  const keys = [...v.keys()].sort();
  return `map[${keys.map((k) => `${k}:${goV(v.get(k))}`).join(' ')}]`;
}

/** goT is Go's `%t` of a value (only booleans print plainly). */
function goT(v: Value): string {
  if (typeof v === 'boolean') return String(v);
  if (v === null) return '%!t(<nil>)';
  if (Array.isArray(v)) return `[${v.map(goT).join(' ')}]`;
  if (isMap(v)) {
    const keys = [...v.keys()].sort();
    return `map[${keys.map((k) => `%!t(string=${k}):${goT(v.get(k)!)}`).join(' ')}]`;
  }
  const type = typeof v === 'string' ? 'string' : typeof v === 'bigint' ? 'int64' : 'float64';
  return `%!t(${type}=${goV(v)})`;
}

/** coalesceValues is Helm's CoalesceValues: a copy of `vals` with the chart's (and subcharts') defaults applied. */
export function coalesceValues(chart: Chart, vals: ValueMap | null, warn: Warn = () => {}): ValueMap {
  return coalesce(warn, chart, vals === null ? new Map<string, Value>() : deepCopy(vals), '', false);
}

/** mergeValues is Helm's MergeValues: as coalesceValues, but nulls are kept. */
export function mergeValues(chart: Chart, vals: ValueMap | null, warn: Warn = () => {}): ValueMap {
  return coalesce(warn, chart, vals === null ? new Map<string, Value>() : deepCopy(vals), '', true);
}

function coalesce(warn: Warn, ch: Chart, dest: ValueMap, prefix: string, merge: boolean): ValueMap {
  coalesceChartValues(warn, ch, dest, prefix, merge);
  return coalesceDeps(warn, ch, dest, prefix, merge);
}

function coalesceDeps(warn: Warn, ch: Chart, dest: ValueMap, prefix: string, merge: boolean): ValueMap {
  for (const sub of ch.dependencies) {
    const c = dest.get(sub.name);
    if (c === undefined) dest.set(sub.name, new Map());
    else if (!isMap(c)) throw new CoalesceError(`type mismatch on ${sub.name}: ${goT(c)}`);
    const dvmap = dest.get(sub.name) as ValueMap;
    const subPrefix = concatPrefix(prefix, ch.name);
    coalesceGlobals(warn, dvmap, dest, subPrefix);
    dest.set(sub.name, coalesce(warn, sub, dvmap, subPrefix, merge));
  }
  return dest;
}

/** coalesceGlobals copies the parent's `global` table into a subchart's values, the parent's entries winning. */
function coalesceGlobals(warn: Warn, dest: ValueMap, src: ValueMap, prefix: string): void {
  let dg: ValueMap;
  const destglob = dest.get(GLOBAL);
  if (destglob === undefined) dg = new Map();
  else if (isMap(destglob)) dg = destglob;
  else {
    warn(`warning: skipping globals because destination ${GLOBAL} is not a table.`);
    return;
  }
  let sg: ValueMap;
  const srcglob = src.get(GLOBAL);
  if (srcglob === undefined) sg = new Map();
  else if (isMap(srcglob)) sg = srcglob;
  else {
    warn(`warning: skipping globals because source ${GLOBAL} is not a table.`);
    return;
  }
  for (const [key, val] of sg) {
    if (isMap(val)) {
      const vv: ValueMap = new Map(val);
      const destv = dg.get(key);
      if (destv === undefined) dg.set(key, vv);
      else if (!isMap(destv)) warn(`Conflict: cannot merge map onto non-map for ${goQuote(key)}. Skipping.`);
      else {
        coalesceTablesFullKey(warn, vv, destv, concatPrefix(prefix, key), true);
        dg.set(key, vv);
      }
    } else if (dg.has(key) && isMap(dg.get(key)!)) {
      warn(`key ${key} is table. Skipping`);
    } else {
      dg.set(key, val);
    }
  }
  dest.set(GLOBAL, dg);
}

function coalesceChartValues(warn: Warn, ch: Chart, v: ValueMap, prefix: string, merge: boolean): void {
  const subPrefix = concatPrefix(prefix, ch.name);
  const vc: ValueMap = ch.values === null ? new Map<string, Value>() : deepCopy(ch.values);
  for (const [key, val] of vc) {
    if (v.has(key)) {
      const value = v.get(key)!;
      if (value === null && !merge) {
        v.delete(key);
      } else if (isMap(value)) {
        if (!isMap(val)) {
          if (val !== null) warn(`warning: skipped value for ${subPrefix}.${key}: Not a table.`);
        } else {
          const childMerge = ch.dependencies.some((d) => d.name === key) ? true : merge;
          if (!childMerge) cleanNilValues(val);
          coalesceTablesFullKey(warn, value, val, concatPrefix(subPrefix, key), childMerge);
        }
      }
    } else {
      if (!merge) {
        if (val === null) continue;
        if (isMap(val)) cleanNilValues(val);
      }
      v.set(key, val);
    }
  }
}

/** coalesceTables is Helm's CoalesceTables: dst wins; a dst null removes src's value. */
export function coalesceTables(dst: ValueMap, src: ValueMap, warn: Warn = () => {}): ValueMap {
  return coalesceTablesFullKey(warn, dst, src, '', false);
}

/** mergeTables is Helm's MergeTables: as coalesceTables, nulls kept. */
export function mergeTables(dst: ValueMap, src: ValueMap, warn: Warn = () => {}): ValueMap {
  return coalesceTablesFullKey(warn, dst, src, '', true);
}

function coalesceTablesFullKey(warn: Warn, dst: ValueMap, src: ValueMap, prefix: string, merge: boolean): ValueMap {
  const srcOriginalNonNil = new Set<string>();
  for (const [key, val] of src) if (val !== null) srcOriginalNonNil.add(key);
  for (const [key, val] of dst) if (val === null) src.set(key, null);
  for (const [key, val] of src) {
    const fullkey = concatPrefix(prefix, key);
    const has = dst.has(key);
    const dv = dst.get(key);
    if (has && !merge && dv === null && srcOriginalNonNil.has(key)) {
      dst.delete(key);
    } else if (!has) {
      dst.set(key, val);
    } else if (isMap(val)) {
      if (isMap(dv)) coalesceTablesFullKey(warn, dv, val, fullkey, merge);
      else warn(`warning: cannot overwrite table with non table for ${fullkey} (${goV(val)})`);
    } else if (isMap(dv) && val !== null) {
      warn(`warning: destination for ${fullkey} is a table. Ignoring non-table value (${goV(val)})`);
    }
  }
  return dst;
}

function cleanNilValues(m: ValueMap): void {
  for (const [key, val] of m) {
    if (val === null) m.delete(key);
    else if (isMap(val)) cleanNilValues(val);
  }
}

/** NoTableError and NoValueError are Helm's ErrNoTable / ErrNoValue. */
export class NoTableError extends Error {
  constructor(key: string) {
    super(`${goQuote(key)} is not a table`);
  }
}
export class NoValueError extends Error {
  constructor(key: string) {
    super(`${goQuote(key)} is not a value`);
  }
}

/** table is Values.Table: walks dotted keys through maps; ErrNoTable when a step is missing or not a map. */
export function table(v: ValueMap, name: string): ValueMap {
  let t = v;
  for (const n of name.split('.')) {
    const next = t.get(n);
    if (next === undefined) throw new NoTableError(n);
    if (!isMap(next)) throw new NoTableError(n);
    t = next;
  }
  return t;
}

/** tableOr is Values.Table returning what Go returns on failure too (the table walked so far, or empty). */
export function tableLookup(v: ValueMap, name: string): { table: ValueMap; err?: NoTableError } {
  let t = v;
  for (const n of name.split('.')) {
    if (!t.has(n)) return { table: t, err: new NoTableError(n) };
    const next = t.get(n)!;
    if (!isMap(next)) return { table: new Map(), err: new NoTableError(n) };
    t = next;
  }
  return { table: t };
}

/** pathValue is Values.PathValue: a non-table value at a dotted path, or NoValueError. */
export function pathValue(v: ValueMap, path: string): Value {
  if (path === '') throw new Error('YAML path cannot be empty');
  const parts = path.split('.');
  if (parts.length === 1) {
    const key = parts[0]!;
    if (v.has(key) && !isMap(v.get(key)!)) return v.get(key)!;
    throw new NoValueError(key);
  }
  const key = parts.pop()!;
  let t: ValueMap;
  try {
    t = table(v, parts.join('.'));
  } catch {
    throw new NoValueError(key);
  }
  if (t.has(key) && !isMap(t.get(key)!)) return t.get(key)!;
  throw new NoValueError(key);
}
