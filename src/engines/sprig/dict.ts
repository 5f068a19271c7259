/**
 * Sprig's dictionary functions. Dictionaries are Go maps, shared by reference: `set`, `unset` and the merges
 * change the map they are given (charts rely on it: `$_ := set $d "k" "v"`).
 */
import {
  ANY,
  BOOL,
  GoNil,
  goFunc,
  goVariadicFunc,
  isGoMap,
  kindOf,
  MAP_ANY,
  mapGet,
  mapSet,
  SLICE_ANY,
  SLICE_STRING,
  STRING,
  taggedType,
  typeName,
  typeOf,
  withGoType,
  type FuncMap,
  type GoMap,
  type GoValue,
} from '../gotemplate/index.ts';
import { stringList, strval } from './convert.ts';
import { SprigError } from './errors.ts';
import { isEmpty } from './reflect.ts';

/** MAX_DEPTH bounds merge and copy recursion: Go would overflow its stack on a map that contains itself. */
const MAX_DEPTH = 1000;

const NIL_MAP = new GoNil(MAP_ANY);

/** entries reads a map[string]interface{} argument; a nil map arrives as null or a typed nil. */
function entries(d: GoMap | null | GoNil): GoMap {
  return d === null || d instanceof GoNil ? {} : d;
}

export function dictFunctions(): FuncMap {
  const map = { type: MAP_ANY };
  return {
    dict: goVariadicFunc(
      [],
      ANY,
      (...v) => {
        const d: GoMap = {};
        for (let i = 0; i < v.length; i += 2)
          mapSet(d, strval(v[i] ?? null), i + 1 < v.length ? (v[i + 1] ?? null) : '');
        return d;
      },
      map,
    ),
    get: goFunc([MAP_ANY, STRING], (d, key) => mapGet(entries(d), key) ?? ''),
    set: goFunc(
      [MAP_ANY, STRING, ANY],
      (d, key, value) => {
        if (d === null || d instanceof GoNil) throw new SprigError('assignment to entry in nil map');
        mapSet(d, key, value);
        return d;
      },
      map,
    ),
    unset: goFunc(
      [MAP_ANY, STRING],
      (d, key) => {
        if (d === null || d instanceof GoNil) return NIL_MAP;
        delete d[key];
        return d;
      },
      map,
    ),
    hasKey: goFunc([MAP_ANY, STRING], (d, key) => Object.hasOwn(entries(d), key), { type: BOOL }),
    pluck: goVariadicFunc(
      [STRING],
      MAP_ANY,
      (key, ...dicts) => {
        const out: GoValue[] = [];
        for (const d of dicts) {
          const v = mapGet(entries(d), key);
          if (v !== undefined) out.push(v);
        }
        return out;
      },
      { type: SLICE_ANY },
    ),
    keys: goVariadicFunc([], MAP_ANY, (...dicts) => stringList(dicts.flatMap((d) => Object.keys(entries(d)))), {
      type: SLICE_STRING,
    }),
    pick: goVariadicFunc(
      [MAP_ANY],
      STRING,
      (d, ...keys) => {
        const src = entries(d);
        const out: GoMap = {};
        for (const k of keys) {
          const v = mapGet(src, k);
          if (v !== undefined) mapSet(out, k, v);
        }
        return out;
      },
      map,
    ),
    omit: goVariadicFunc(
      [MAP_ANY],
      STRING,
      (d, ...keys) => {
        const drop = new Set(keys);
        const out: GoMap = {};
        for (const [k, v] of Object.entries(entries(d))) if (!drop.has(k)) mapSet(out, k, v);
        return out;
      },
      map,
    ),
    values: goFunc([MAP_ANY], (d) => Object.values(entries(d)), { type: SLICE_ANY }),
    merge: goVariadicFunc([MAP_ANY], MAP_ANY, (dst, ...srcs) => mergeAll(dst, srcs, false)),
    mustMerge: goVariadicFunc([MAP_ANY], MAP_ANY, (dst, ...srcs) => mergeAll(dst, srcs, false), { error: true }),
    mergeOverwrite: goVariadicFunc([MAP_ANY], MAP_ANY, (dst, ...srcs) => mergeAll(dst, srcs, true)),
    mustMergeOverwrite: goVariadicFunc([MAP_ANY], MAP_ANY, (dst, ...srcs) => mergeAll(dst, srcs, true), {
      error: true,
    }),
    deepCopy: goFunc([ANY], (v) => copyOf(v)),
    mustDeepCopy: goFunc([ANY], (v) => copyOf(v), { error: true }),
    dig: goVariadicFunc([], ANY, (...ps) => dig(ps), { error: true }),
  };
}

/** mergeAll is Sprig's merge/mergeOverwrite: each src merged into dst in turn (a nil dst becomes a new map). */
function mergeAll(dst: GoMap | null | GoNil, srcs: readonly (GoMap | null | GoNil)[], overwrite: boolean): GoMap {
  const target = dst === null || dst instanceof GoNil ? {} : dst;
  for (const src of srcs) if (src !== null && !(src instanceof GoNil)) mergeMap(target, src, overwrite, 0);
  return target;
}

/**
 * mergeMap is mergo's deepMerge for two map[string]interface{} values (mergo v1.0.1 with Sprig's options): per key,
 * a nil source value is skipped (or, with overwrite, stored); a source map merges into a destination map in place;
 * otherwise the source value is stored when the destination lacks the key or holds an empty value, or always with
 * overwrite. A non-empty destination list or map is never replaced without overwrite. Values are stored by
 * reference, as in Go.
 */
function mergeMap(dst: GoMap, src: GoMap, overwrite: boolean, depth: number): void {
  if (depth > MAX_DEPTH)
    throw new SprigError(`merge: maps nested more than ${MAX_DEPTH} deep (a map that contains itself?)`);
  for (const key of Object.keys(src)) {
    const s = src[key] ?? null;
    const had = Object.hasOwn(dst, key);
    const d = had ? (dst[key] ?? null) : null;
    if (s === null) {
      if (overwrite) mapSet(dst, key, null);
      continue;
    }
    const kind = kindOf(s);
    if (kind === 'map' && isGoMap(s) && d !== null && isGoMap(d)) {
      mergeMap(d, s, overwrite, depth + 1);
    } else if (kind === 'slice') {
      // mergo stores a slice before the common rule below: the source when overwriting or while the destination
      // map is empty, else what the destination holds (a new empty slice of the source's type for nothing or nil).
      mapSet(dst, key, overwrite || Object.keys(dst).length === 0 ? s : (d ?? emptyLike(s)));
    }
    if (had && !isEmpty(d) && (kind === 'slice' || (kind === 'map' && kindOf(d) === 'map'))) continue;
    if (overwrite || !had || isEmpty(d)) mapSet(dst, key, s);
  }
}

function emptyLike(s: GoValue): GoValue {
  const t = typeOf(s);
  if (t === undefined || t === SLICE_ANY) return [];
  return s instanceof Uint8Array ? withGoType(new Uint8Array(0), t) : withGoType([], t);
}

/** copyOf is Sprig's deepCopy: copystructure panics on nil (reflect on the zero Value). */
function copyOf(v: GoValue): GoValue {
  if (v === null) throw new SprigError('reflect: call of reflect.Value.Type on zero Value');
  return deepCopy(v);
}

/**
 * deepCopy is copystructure.Copy as Sprig uses it: maps and slices are copied recursively (keeping their Go
 * types); other values are immutable in templates and shared.
 */
export function deepCopy(v: GoValue, depth = 0): GoValue {
  if (depth > MAX_DEPTH)
    throw new SprigError(`deepCopy: values nested more than ${MAX_DEPTH} deep (a map that contains itself?)`);
  if (Array.isArray(v)) {
    const copy = v.map((x) => deepCopy(x, depth + 1));
    const t = taggedType(v);
    return t === undefined ? copy : withGoType(copy, t);
  }
  if (v instanceof Uint8Array) {
    const t = taggedType(v);
    const copy = new Uint8Array(v);
    return t === undefined ? copy : withGoType(copy, t);
  }
  if (isGoMap(v)) {
    const copy: GoMap = {};
    for (const [k, x] of Object.entries(v)) mapSet(copy, k, deepCopy(x, depth + 1));
    const t = taggedType(v);
    return t === undefined ? copy : withGoType(copy, t);
  }
  return v;
}

/** assertionError is the text of Go's panic for a failed `x.(T)` on an interface{} value. */
function assertionError(v: GoValue, want: string): SprigError {
  return new SprigError(`interface conversion: interface {} is ${v === null ? 'nil' : typeName(v)}, not ${want}`);
}

const isPlainMap = (v: GoValue): v is GoMap => isGoMap(v) && typeOf(v) === MAP_ANY;

/** dig is Sprig's dig: keys..., default, dict; a missing key gives the default. */
function dig(ps: readonly GoValue[]): GoValue {
  if (ps.length < 3) throw new SprigError('dig needs at least three arguments');
  const last = ps[ps.length - 1] ?? null;
  if (!isPlainMap(last)) throw assertionError(last, 'map[string]interface {}');
  const def = ps[ps.length - 2] ?? null;
  const keys = ps.slice(0, -2).map((k) => {
    if (typeof k !== 'string') throw assertionError(k, 'string');
    return k;
  });
  let dict: GoMap = last;
  for (let i = 0; ; i++) {
    const step = mapGet(dict, keys[i] ?? '');
    if (step === undefined) return def;
    if (i === keys.length - 1) return step;
    if (!isPlainMap(step)) throw assertionError(step, 'map[string]interface {}');
    dict = step;
  }
}
