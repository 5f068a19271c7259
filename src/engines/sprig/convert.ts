/**
 * Conversions Sprig applies to arbitrary values: `strval` (what `toString`, `quote`, `join` and `dict` keys use),
 * `strslice` (`toStrings`, `join`, `sortAlpha`) and reading any Go slice or array as a list.
 */
import { formatValue } from '../gotemplate/index.ts';
import {
  GoNil,
  goInt,
  SLICE_STRING,
  typeOf,
  UINT8,
  utf8Decode,
  withGoType,
  type GoValue,
} from '../gotemplate/index.ts';

/** strval is Sprig's strval: strings as they are, `[]byte` as text, errors and Stringers through their method, else %v. */
export function strval(v: GoValue): string {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return utf8Decode(v);
  return formatValue(v);
}

/** listItems returns the elements of a Go slice or array, or undefined when the value is not one. */
export function listItems(v: GoValue | undefined): readonly GoValue[] | undefined {
  if (Array.isArray(v)) return v;
  if (v instanceof Uint8Array) return Array.from(v, (b) => goInt(b, UINT8));
  if (v instanceof GoNil && (v.type.kind === 'slice' || v.type.kind === 'array')) return [];
  return undefined;
}

/** strslice is Sprig's strslice: a list becomes []string of strval of its non-nil elements; nil is empty; else one. */
export function strslice(v: GoValue): string[] {
  if (Array.isArray(v) && typeOf(v) === SLICE_STRING) return v as string[];
  const items = listItems(v);
  if (items !== undefined) return withGoType(items.filter((x) => x !== null).map(strval), SLICE_STRING);
  if (v === null) return withGoType([], SLICE_STRING);
  return withGoType([strval(v)], SLICE_STRING);
}

/** stringList tags a JS array of strings as Go's []string. */
export function stringList(items: string[]): string[] {
  return withGoType(items, SLICE_STRING);
}
