/**
 * The slice of shopspring/decimal v1.4.0 behind Sprig's float math (`addf`, `subf`, `mulf`, `divf`, `add1f`): a
 * float64 becomes the decimal of its shortest round-trip digits, operations are exact except division (16 digits
 * after the point, rounded half away from zero), and the result goes back to the nearest float64.
 */
import { SprigError } from './errors.ts';

/** Decimal is value × 10^exp. */
export interface Decimal {
  readonly value: bigint;
  readonly exp: number;
}

const DIVISION_PRECISION = 16;

/** fromFloat is NewFromFloat: the shortest digits that round-trip, panicking on NaN and infinities. */
export function fromFloat(f: number): Decimal {
  if (Number.isNaN(f)) throw new SprigError('Cannot create a Decimal from NaN');
  if (!Number.isFinite(f)) throw new SprigError(`Cannot create a Decimal from ${f > 0 ? '+Inf' : '-Inf'}`);
  if (f === 0) return { value: 0n, exp: 0 };
  // toExponential() gives the shortest round-trip digits, as Go's strconv does.
  const [mant = '', e = '0'] = f.toExponential().split('e');
  const digits = mant.replace('.', '').replace('-', '');
  const value = BigInt(digits) * (f < 0 ? -1n : 1n);
  return { value, exp: Number(e) - (digits.length - 1) };
}

/** toFloat is Decimal.Float64: the nearest float64 (JavaScript parses decimal text with correct rounding). */
export function toFloat(d: Decimal): number {
  return Number(`${d.value}e${d.exp}`);
}

const pow10 = (n: number): bigint => 10n ** BigInt(n);

/** rescalePair brings two decimals to the smaller exponent. */
function rescalePair(a: Decimal, b: Decimal): [bigint, bigint, number] {
  if (a.exp === b.exp) return [a.value, b.value, a.exp];
  if (a.exp < b.exp) return [a.value, b.value * pow10(b.exp - a.exp), a.exp];
  return [a.value * pow10(a.exp - b.exp), b.value, b.exp];
}

export function add(a: Decimal, b: Decimal): Decimal {
  const [x, y, exp] = rescalePair(a, b);
  return { value: x + y, exp };
}

export function sub(a: Decimal, b: Decimal): Decimal {
  const [x, y, exp] = rescalePair(a, b);
  return { value: x - y, exp };
}

export function mul(a: Decimal, b: Decimal): Decimal {
  const exp = a.exp + b.exp;
  if (exp > 2147483647 || exp < -2147483648) throw new SprigError(`exponent ${exp} overflows an int32!`);
  return { value: a.value * b.value, exp };
}

/** div is Decimal.Div: DivRound to 16 decimal places, half away from zero. */
export function div(a: Decimal, b: Decimal): Decimal {
  if (b.value === 0n) throw new SprigError('decimal division by 0');
  const precision = DIVISION_PRECISION;
  const scale = -precision;
  const e = a.exp - b.exp - scale;
  let aa: bigint;
  let bb: bigint;
  let restExp: number;
  if (e < 0) {
    aa = a.value;
    bb = b.value * pow10(-e);
    restExp = a.exp;
  } else {
    aa = a.value * pow10(e);
    bb = b.value;
    restExp = scale + b.exp;
  }
  const q = aa / bb; // BigInt division truncates toward zero, like big.Int.QuoRem
  const r = aa - q * bb;
  // Round: compare 2|r| (at exponent restExp + precision) with |b|.
  const twiceR: Decimal = { value: 2n * (r < 0n ? -r : r), exp: restExp + precision };
  const absB: Decimal = { value: b.value < 0n ? -b.value : b.value, exp: b.exp };
  const [x, y] = rescalePair(twiceR, absB);
  if (x < y) return { value: q, exp: scale };
  const negative = a.value < 0n !== b.value < 0n && a.value !== 0n;
  return add({ value: q, exp: scale }, { value: negative ? -1n : 1n, exp: -precision });
}
