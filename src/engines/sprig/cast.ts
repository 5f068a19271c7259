/**
 * spf13/cast v1.7.0's ToInt64, ToInt and ToFloat64 as Sprig uses them (errors swallowed: anything that does not
 * convert is 0). Integers of every width convert (uint64 wraps into int64); floats truncate toward zero; strings
 * parse with Go's base prefixes after a trailing `.0…` is dropped (`"0x1F"`, `"010"` is octal 8, `"5.00"` is 5);
 * bools are 1 or 0.
 */
import { GoInt, type GoValue, parseFloat as goParseFloat, parseInt64 } from '../gotemplate/index.ts';

const MIN_INT64 = -(1n << 63n);
const TWO_63 = 2 ** 63;

/**
 * floatToInt64 is Go's int64(f) as compiled for amd64 (CVTTSD2SQ): truncation toward zero, and the "integer
 * indefinite" value -2^63 for NaN and for anything outside the int64 range. (Go leaves this
 * implementation-defined; arm64 saturates instead. The differential tests run on amd64, as Helm's releases mostly do.)
 */
export function floatToInt64(f: number): bigint {
  if (Number.isNaN(f) || f >= TWO_63 || f < -TWO_63) return MIN_INT64;
  return BigInt(Math.trunc(f));
}

/** trimZeroDecimal drops a trailing `.0…0` (at least one zero): `"5.00"` → `"5"`, `"5."` and `"5.50"` stay. */
function trimZeroDecimal(s: string): string {
  let foundZero = false;
  for (let i = s.length; i > 0; i--) {
    const c = s[i - 1];
    if (c === '.') {
      if (foundZero) return s.slice(0, i - 1);
    } else if (c === '0') foundZero = true;
    else return s;
  }
  return s;
}

/** toInt64 is cast.ToInt64 (and, ints being 64-bit, cast.ToInt). */
export function toInt64(v: GoValue): bigint {
  switch (typeof v) {
    case 'number':
      return floatToInt64(v);
    case 'boolean':
      return v ? 1n : 0n;
    case 'string':
      return parseInt64(trimZeroDecimal(v)) ?? 0n;
  }
  if (v instanceof GoInt) return BigInt.asIntN(64, v.value);
  return 0n;
}

/** toFloat64 is cast.ToFloat64. */
export function toFloat64(v: GoValue): number {
  switch (typeof v) {
    case 'number':
      return v;
    case 'boolean':
      return v ? 1 : 0;
    case 'string':
      return goParseFloat(v) ?? 0;
  }
  if (v instanceof GoInt) return Number(v.value);
  return 0;
}
