/**
 * Reflection over the Go value model as Sprig needs it: `empty` (Sprig's emptiness, also mergo's), Go's
 * `reflect.DeepEqual`, and the `typeOf`/`kindOf` family of template functions.
 */
import {
  ANY,
  BOOL,
  GoChan,
  GoComplex,
  GoFunc,
  GoInt,
  GoNil,
  GoStruct,
  goFunc,
  isGoMap,
  kindOf,
  STRING,
  typeName,
  typeOf,
  type FuncMap,
  type GoValue,
} from '../gotemplate/index.ts';

/**
 * isEmpty is Sprig's `empty`: nil, zero numbers, false, and empty strings, slices, arrays and maps are empty;
 * nil pointers, funcs and channels too; structs never are.
 */
export function isEmpty(v: GoValue | undefined): boolean {
  switch (typeof v) {
    case 'undefined':
      return true;
    case 'string':
      return v.length === 0;
    case 'number':
      return v === 0;
    case 'boolean':
      return !v;
  }
  if (v === null) return true;
  if (Array.isArray(v) || v instanceof Uint8Array) return v.length === 0;
  if (v instanceof GoInt) return v.value === 0n;
  if (v instanceof GoNil) return true;
  if (v instanceof GoComplex) return v.re === 0 && v.im === 0;
  if (v instanceof GoStruct || v instanceof GoFunc || v instanceof GoChan) return false;
  if (isGoMap(v)) {
    for (const k in v) if (Object.hasOwn(v, k)) return false;
    return true;
  }
  return false;
}

/**
 * deepEqual is reflect.DeepEqual: identical dynamic types and deeply equal contents. A nil slice or map is not
 * equal to an empty one, NaN is not equal to itself, funcs are equal only when both nil; cycles are handled.
 */
export function deepEqual(a: GoValue, b: GoValue, seen = new Map<object, Set<object>>()): boolean {
  if (a === null || b === null) return a === b;
  if (typeOf(a) !== typeOf(b)) return false;
  if (typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (a === b) return !(a instanceof GoFunc) || false;
  if (a instanceof GoInt && b instanceof GoInt) return a.value === b.value;
  if (a instanceof GoComplex && b instanceof GoComplex) return a.re === b.re && a.im === b.im;
  if (a instanceof GoNil || b instanceof GoNil) return a instanceof GoNil && b instanceof GoNil;
  if (a instanceof GoFunc || a instanceof GoChan) return false;
  // Cycles: a pair already being compared is assumed equal, as reflect.DeepEqual does.
  let pairs = seen.get(a);
  if (pairs?.has(b)) return true;
  if (pairs === undefined) seen.set(a, (pairs = new Set()));
  pairs.add(b);
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    return a.length === b.length && a.every((x, i) => x === b[i]);
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => deepEqual(x, b[i] ?? null, seen));
  }
  if (a instanceof GoStruct && b instanceof GoStruct) {
    if (a.native !== b.native && !nativeEqual(a.native, b.native)) return false;
    const keys = Object.keys(a.fields);
    return (
      keys.length === Object.keys(b.fields).length &&
      keys.every((k) => deepEqual(a.fields[k] ?? null, b.fields[k] ?? null, seen))
    );
  }
  if (isGoMap(a) && isGoMap(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k] ?? null, b[k] ?? null, seen));
  }
  return false;
}

/** nativeEqual compares the JavaScript state behind two structs (times, versions) by their own equals or value. */
function nativeEqual(a: unknown, b: unknown): boolean {
  if (typeof a === 'object' && a !== null && 'equals' in a && typeof a.equals === 'function') {
    return (a.equals as (o: unknown) => boolean)(b);
  }
  return a === b;
}

export function reflectFunctions(): FuncMap {
  const bool = { type: BOOL };
  return {
    typeOf: goFunc([ANY], (v) => typeName(v), { type: STRING }),
    typeIs: goFunc([STRING, ANY], (target, v) => target === typeName(v), bool),
    typeIsLike: goFunc([STRING, ANY], (target, v) => target === typeName(v) || `*${target}` === typeName(v), bool),
    kindOf: goFunc([ANY], (v) => kindOf(v), { type: STRING }),
    kindIs: goFunc([STRING, ANY], (target, v) => target === kindOf(v), bool),
    deepEqual: goFunc([ANY, ANY], (a, b) => deepEqual(a, b), bool),
  };
}
