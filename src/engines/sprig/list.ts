/**
 * Sprig's list functions. They take any Go slice or array through reflection (`[]string` from `splitList`,
 * `[]int` from `until`, `[]interface{}` from `list`) and return new `[]interface{}` lists; the input is never
 * changed. Wrong input panics with Sprig's messages (`Cannot find first on type map`); a nil input panics with
 * Go's nil-pointer error, as `reflect.TypeOf(nil).Kind()` does.
 */
import {
  ANY,
  BOOL,
  GoNil,
  goFunc,
  goVariadicFunc,
  INT,
  kindOf,
  SLICE_ANY,
  SLICE_STRING,
  sliceOf,
  compareStrings,
  typeOf,
  withGoType,
  type FuncMap,
  type GoValue,
} from '../gotemplate/index.ts';
import { toInt64, floatToInt64 } from './cast.ts';
import type { SprigContext } from './context.ts';
import { listItems, strslice, strval } from './convert.ts';
import { SprigError } from './errors.ts';
import { checkListSize } from './limits.ts';
import { deepEqual, isEmpty } from './reflect.ts';

const NIL_DEREF = 'runtime error: invalid memory address or nil pointer dereference';
const NIL_LIST = new GoNil(SLICE_ANY);

/** items reads a list argument, or throws Sprig's error `Cannot <what> type <kind>` (nil: Go's nil dereference). */
function items(list: GoValue, what: string): readonly GoValue[] {
  if (list === null) throw new SprigError(NIL_DEREF);
  const it = listItems(list);
  if (it === undefined) throw new SprigError(`Cannot ${what} type ${kindOf(list)}`);
  return it;
}

export function listFunctions(ctx: SprigContext): FuncMap {
  const anyList = { type: SLICE_ANY };
  const grow = (fn: string, n: number): void => checkListSize(ctx.limits, fn, n);
  const push = (list: GoValue, v: GoValue): GoValue[] => {
    const it = items(list, 'push on');
    grow('append', it.length + 1);
    return [...it, v];
  };
  const prepend = (list: GoValue, v: GoValue): GoValue[] => [v, ...items(list, 'prepend on')];
  const first = (list: GoValue): GoValue => items(list, 'find first on')[0] ?? null;
  const last = (list: GoValue): GoValue => {
    const it = items(list, 'find last on');
    return it[it.length - 1] ?? null;
  };
  const rest = (list: GoValue): GoValue => {
    const it = items(list, 'find rest on');
    return it.length === 0 ? NIL_LIST : it.slice(1);
  };
  const initial = (list: GoValue): GoValue => {
    const it = items(list, 'find initial on');
    return it.length === 0 ? NIL_LIST : it.slice(0, -1);
  };
  const reverse = (list: GoValue): GoValue[] => [...items(list, 'find reverse on')].reverse();
  const compact = (list: GoValue): GoValue[] => items(list, 'compact on').filter((x) => !isEmpty(x));
  const uniq = (list: GoValue): GoValue[] => {
    const out: GoValue[] = [];
    for (const x of items(list, 'find uniq on')) if (!out.some((y) => deepEqual(x, y))) out.push(x);
    return out;
  };
  const without = (list: GoValue, omit: readonly GoValue[]): GoValue[] =>
    items(list, 'find without on').filter((x) => !omit.some((o) => deepEqual(x, o)));
  const has = (needle: GoValue, haystack: GoValue): boolean => {
    if (haystack === null) return false;
    return items(haystack, 'find has on').some((x) => deepEqual(needle, x));
  };
  return {
    list: goVariadicFunc([], ANY, (...v) => v, anyList),
    tuple: goVariadicFunc([], ANY, (...v) => v, anyList),
    append: goFunc([ANY, ANY], push, anyList),
    push: goFunc([ANY, ANY], push, anyList),
    mustAppend: goFunc([ANY, ANY], push, { type: SLICE_ANY, error: true }),
    mustPush: goFunc([ANY, ANY], push, { type: SLICE_ANY, error: true }),
    prepend: goFunc([ANY, ANY], prepend, anyList),
    mustPrepend: goFunc([ANY, ANY], prepend, { type: SLICE_ANY, error: true }),
    first: goFunc([ANY], first),
    mustFirst: goFunc([ANY], first, { error: true }),
    last: goFunc([ANY], last),
    mustLast: goFunc([ANY], last, { error: true }),
    rest: goFunc([ANY], rest, anyList),
    mustRest: goFunc([ANY], rest, { type: SLICE_ANY, error: true }),
    initial: goFunc([ANY], initial, anyList),
    mustInitial: goFunc([ANY], initial, { type: SLICE_ANY, error: true }),
    reverse: goFunc([ANY], reverse, anyList),
    mustReverse: goFunc([ANY], reverse, { type: SLICE_ANY, error: true }),
    uniq: goFunc([ANY], uniq, anyList),
    mustUniq: goFunc([ANY], uniq, { type: SLICE_ANY, error: true }),
    without: goVariadicFunc([ANY], ANY, (list, ...omit) => without(list, omit), anyList),
    mustWithout: goVariadicFunc([ANY], ANY, (list, ...omit) => without(list, omit), { type: SLICE_ANY, error: true }),
    has: goFunc([ANY, ANY], has, { type: BOOL }),
    mustHas: goFunc([ANY, ANY], has, { type: BOOL, error: true }),
    compact: goFunc([ANY], compact, anyList),
    mustCompact: goFunc([ANY], compact, { type: SLICE_ANY, error: true }),
    slice: goVariadicFunc([ANY], ANY, (list, ...indices) => slice(list, indices)),
    mustSlice: goVariadicFunc([ANY], ANY, (list, ...indices) => slice(list, indices), { error: true }),
    concat: goVariadicFunc([], ANY, (...lists) => {
      const out: GoValue[] = [];
      for (const list of lists) {
        if (list === null) throw new SprigError(NIL_DEREF);
        const it = listItems(list);
        if (it === undefined) throw new SprigError(`Cannot concat type ${kindOf(list)} as list`);
        grow('concat', out.length + it.length);
        out.push(...it);
      }
      return out.length === 0 ? NIL_LIST : out;
    }),
    chunk: goFunc([INT, ANY], (size, list) => chunk(Number(size.value), list)),
    mustChunk: goFunc([INT, ANY], (size, list) => chunk(Number(size.value), list), { error: true }),
    sortAlpha: goFunc(
      [ANY],
      (list) => {
        const it = list === null ? undefined : listItems(list);
        if (it === undefined) return withGoType([strval(list)], SLICE_STRING);
        return withGoType([...strslice(list)].sort(compareStrings), SLICE_STRING);
      },
      { type: SLICE_STRING },
    ),
  };
}

/** slice is Sprig's slice: list[start:end] keeping the list's type; an empty list gives nil. */
function slice(list: GoValue, indices: readonly GoValue[]): GoValue {
  if (list === null) throw new SprigError(NIL_DEREF);
  const it = listItems(list);
  if (it === undefined) throw new SprigError(`list should be type of slice or array but ${kindOf(list)}`);
  if (it.length === 0) return null;
  const start = indices.length > 0 ? Number(toInt64(indices[0] ?? null)) : 0;
  const end = indices.length < 2 ? it.length : Number(toInt64(indices[1] ?? null));
  if (start < 0 || end < start || end > it.length)
    throw new SprigError('reflect.Value.Slice: slice index out of bounds');
  const t = typeOf(list);
  if (list instanceof Uint8Array) return list.subarray(start, end);
  const out = it.slice(start, end);
  return t === undefined || t === SLICE_ANY ? out : withGoType(out, t);
}

/** chunk is Sprig's chunk, float arithmetic and Go's makeslice panic included. */
function chunk(size: number, list: GoValue): GoValue {
  const it = items(list, 'chunk');
  const l = it.length;
  const cs = Number(floatToInt64(Math.floor((l - 1) / size) + 1));
  if (cs < 0 || cs > 1 << 40) throw new SprigError('runtime error: makeslice: len out of range');
  const out: GoValue[][] = [];
  for (let i = 0; i < cs; i++) {
    let clen = size;
    if (i === cs - 1) {
      clen = Math.floor(l % size);
      if (clen === 0) clen = size;
    }
    if (clen < 0) throw new SprigError('runtime error: makeslice: len out of range');
    const c: GoValue[] = [];
    for (let j = 0; j < clen; j++) {
      const ix = i * size + j;
      if (ix < 0 || ix >= l) throw new SprigError('reflect: slice index out of range');
      c.push(it[ix] ?? null);
    }
    out.push(c);
  }
  return withGoType(out, sliceOf(SLICE_ANY));
}
