/** Sprig's number functions: casts, int64 and decimal float math, rounding, ranges (Sprig v3.3.0 `numeric.go`). */
import { formatValue } from '../gotemplate/index.ts';
import {
  ANY,
  FLOAT64,
  goFunc,
  goInt,
  goVariadicFunc,
  INT,
  INT64,
  SLICE_INT,
  STRING,
  withGoType,
  type FuncMap,
  type GoInt,
  type GoValue,
} from '../gotemplate/index.ts';
import { toFloat64, toInt64 } from './cast.ts';
import type { SprigContext } from './context.ts';
import * as dec from './decimal.ts';
import { SprigError, SprigLimitError } from './errors.ts';
import { checkListSize, type SprigLimits } from './limits.ts';

const int64 = (n: bigint): GoInt => goInt(n, INT64);
const wrap = (n: bigint): GoInt => int64(BigInt.asIntN(64, n));
const num = (n: GoInt): number => Number(n.value);

export function numericFunctions(ctx: SprigContext): FuncMap {
  const i64 = { type: INT64 };
  const f64 = { type: FLOAT64 };
  const decimalOp = (first: GoValue, rest: readonly GoValue[], op: (a: dec.Decimal, b: dec.Decimal) => dec.Decimal) =>
    dec.toFloat(
      rest.reduce<dec.Decimal>((acc, x) => op(acc, dec.fromFloat(toFloat64(x))), dec.fromFloat(toFloat64(first))),
    );
  return {
    atoi: goFunc([STRING], (s) => goInt(atoi(s)), { type: INT }),
    int64: goFunc([ANY], (v) => int64(toInt64(v)), i64),
    int: goFunc([ANY], (v) => goInt(toInt64(v)), { type: INT }),
    float64: goFunc([ANY], toFloat64, f64),
    seq: goVariadicFunc(
      [],
      INT,
      (...params) =>
        seq(
          params.map((p) => p.value),
          ctx.limits,
        ),
      { type: STRING },
    ),
    toDecimal: goFunc([ANY], (v) => int64(parseOctal(formatValue(v)) ?? 0n), i64),
    until: goFunc([INT], (count) => intList(untilStep(0n, count.value, count.value < 0n ? -1n : 1n, ctx.limits))),
    untilStep: goFunc([INT, INT, INT], (start, stop, step) =>
      intList(untilStep(start.value, stop.value, step.value, ctx.limits)),
    ),
    add1: goFunc([ANY], (i) => wrap(toInt64(i) + 1n), i64),
    add: goVariadicFunc(
      [],
      ANY,
      (...i) => wrap(i.reduce<bigint>((a, b) => BigInt.asIntN(64, a + toInt64(b)), 0n)),
      i64,
    ),
    sub: goFunc([ANY, ANY], (a, b) => wrap(toInt64(a) - toInt64(b)), i64),
    div: goFunc([ANY, ANY], (a, b) => wrap(divide(toInt64(a), toInt64(b))), i64),
    mod: goFunc(
      [ANY, ANY],
      (a, b) => {
        const d = toInt64(b);
        if (d === 0n) throw new SprigError('runtime error: integer divide by zero');
        return wrap(toInt64(a) % d);
      },
      i64,
    ),
    mul: goVariadicFunc(
      [ANY],
      ANY,
      (a, ...v) => wrap(v.reduce<bigint>((x, y) => BigInt.asIntN(64, x * toInt64(y)), toInt64(a))),
      i64,
    ),
    randInt: goFunc(
      [INT, INT],
      (min, max) => {
        const n = BigInt.asIntN(64, max.value - min.value);
        if (n <= 0n) throw new SprigError('invalid argument to Intn');
        return goInt(BigInt.asIntN(64, randomBelow(n, ctx) + min.value));
      },
      { type: INT },
    ),
    add1f: goFunc([ANY], (i) => decimalOp(i, [goInt(1)], dec.add), f64),
    addf: goVariadicFunc([], ANY, (...i) => decimalOp(0, i, dec.add), f64),
    subf: goVariadicFunc([ANY], ANY, (a, ...v) => decimalOp(a, v, dec.sub), f64),
    divf: goVariadicFunc([ANY], ANY, (a, ...v) => decimalOp(a, v, dec.div), f64),
    mulf: goVariadicFunc([ANY], ANY, (a, ...v) => decimalOp(a, v, dec.mul), f64),
    biggest: goVariadicFunc(
      [ANY],
      ANY,
      (a, ...i) => int64(i.reduce<bigint>((m, b) => maxBig(m, toInt64(b)), toInt64(a))),
      i64,
    ),
    max: goVariadicFunc(
      [ANY],
      ANY,
      (a, ...i) => int64(i.reduce<bigint>((m, b) => maxBig(m, toInt64(b)), toInt64(a))),
      i64,
    ),
    min: goVariadicFunc(
      [ANY],
      ANY,
      (a, ...i) => int64(i.reduce<bigint>((m, b) => minBig(m, toInt64(b)), toInt64(a))),
      i64,
    ),
    maxf: goVariadicFunc(
      [ANY],
      ANY,
      (a, ...i) => i.reduce<number>((m, b) => Math.max(m, toFloat64(b)), toFloat64(a)),
      f64,
    ),
    minf: goVariadicFunc(
      [ANY],
      ANY,
      (a, ...i) => i.reduce<number>((m, b) => Math.min(m, toFloat64(b)), toFloat64(a)),
      f64,
    ),
    ceil: goFunc([ANY], (a) => Math.ceil(toFloat64(a)), f64),
    floor: goFunc([ANY], (a) => Math.floor(toFloat64(a)), f64),
    round: goVariadicFunc([ANY, INT], FLOAT64, (a, p, ...opt) => round(toFloat64(a), num(p), opt[0] ?? 0.5), f64),
  };
}

const maxBig = (a: bigint, b: bigint): bigint => (b > a ? b : a);
const minBig = (a: bigint, b: bigint): bigint => (b < a ? b : a);

function divide(a: bigint, b: bigint): bigint {
  if (b === 0n) throw new SprigError('runtime error: integer divide by zero');
  return a / b;
}

/** randomBelow draws an integer in [0, n) from the context's math/rand stand-in. */
function randomBelow(n: bigint, ctx: SprigContext): bigint {
  if (n <= 1n << 47n) return BigInt(ctx.randomInt(Number(n)));
  const bytes = ctx.randomBytes(8);
  return new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0) % n;
}

function intList(items: bigint[]): GoValue {
  return withGoType(
    items.map((i) => goInt(i)),
    SLICE_INT,
  );
}

/**
 * untilStep is Sprig's untilStep over Go ints: counting from start toward stop by step (empty when the step
 * points away from stop or is 0), with int overflow wrapping as Go's does, and the list length limit checked as
 * it grows.
 */
export function untilStep(start: bigint, stop: bigint, step: bigint, limits: SprigLimits): bigint[] {
  const out: bigint[] = [];
  const push = (i: bigint): void => {
    out.push(i);
    if (out.length > limits.maxListLength) checkListSize(limits, 'untilStep', out.length);
  };
  if (stop < start) {
    if (step >= 0n) return out;
    // Predict the length first, so that a billion-element request fails before it allocates.
    checkListSize(limits, 'untilStep', Number((start - stop + (-step - 1n)) / -step));
    for (let i = start; i > stop;) {
      push(i);
      const next = BigInt.asIntN(64, i + step);
      if (next > i) throw wrapsAround();
      i = next;
    }
    return out;
  }
  if (step <= 0n) return out;
  checkListSize(limits, 'untilStep', Number((stop - start + (step - 1n)) / step));
  for (let i = start; i < stop;) {
    push(i);
    const next = BigInt.asIntN(64, i + step);
    // Go's int wraps around and keeps counting from the other end, far past any memory: refuse at once.
    if (next < i) throw wrapsAround();
    i = next;
  }
  return out;
}

function wrapsAround(): SprigLimitError {
  return new SprigLimitError('untilStep: the count wraps around the int range, so the list would have no end');
}

/** seq is Sprig's seq: like GNU seq, 1..n, start..end or start,step..end, as space-separated text. */
function seq(params: bigint[], limits: SprigLimits): string {
  const list = (start: bigint, stop: bigint, step: bigint): string => untilStep(start, stop, step, limits).join(' ');
  const [a = 0n, b = 0n, c = 0n] = params;
  switch (params.length) {
    case 1: {
      const inc = a < 1n ? -1n : 1n;
      return list(1n, BigInt.asIntN(64, a + inc), inc);
    }
    case 2: {
      const step = b < a ? -1n : 1n;
      return list(a, BigInt.asIntN(64, b + step), step);
    }
    case 3: {
      let inc = 1n;
      if (c < a) {
        inc = -1n;
        if (b > 0n) return '';
      }
      return list(a, BigInt.asIntN(64, c + inc), b);
    }
    default:
      return '';
  }
}

/** atoi is strconv.Atoi with the error dropped: 0 on bad syntax, the clamped int64 when out of range. */
function atoi(s: string): bigint {
  const m = /^([+-]?)([0-9]+)$/.exec(s);
  if (m === null) return 0n;
  const n = BigInt(m[2] ?? '0') * (m[1] === '-' ? -1n : 1n);
  if (n > (1n << 63n) - 1n) return (1n << 63n) - 1n;
  if (n < -(1n << 63n)) return -(1n << 63n);
  return n;
}

/** parseOctal is strconv.ParseInt(s, 8, 64): optional sign, octal digits only; undefined on any error. */
function parseOctal(s: string): bigint | undefined {
  const m = /^([+-]?)([0-7]+)$/.exec(s);
  if (m === null) return undefined;
  const n = BigInt(`0o${m[2] ?? '0'}`) * (m[1] === '-' ? -1n : 1n);
  if (n > (1n << 63n) - 1n || n < -(1n << 63n)) return undefined;
  return n;
}

/**
 * round is Sprig's round: scale by 10^places (Go's math.Pow), ceil when the fractional part reaches `roundOn`,
 * else floor, and scale back.
 */
function round(val: number, places: number, roundOn: number): number {
  const pow = goPow(10, places);
  const digit = pow * val;
  const frac = Number.isFinite(digit) ? digit % 1 : NaN; // math.Modf's fractional part keeps the sign
  const rounded = frac >= roundOn ? Math.ceil(digit) : Math.floor(digit);
  return rounded / pow;
}

/** goPow is Go's math.Pow for an integral exponent (repeated squaring on the mantissa), bit for bit. */
export function goPow(x: number, y: number): number {
  if (y === 0 || x === 1) return 1;
  if (y === 1) return x;
  if (Number.isNaN(x) || Number.isNaN(y) || x === 0 || !Number.isFinite(x) || !Number.isFinite(y)) return x ** y;
  let yi = Math.abs(y);
  if (yi >= 2 ** 63) {
    if (x === -1) return 1;
    return Math.abs(x) < 1 === y > 0 ? 0 : Infinity;
  }
  let a1 = 1;
  let ae = 0;
  let [x1, xe] = frexp(x);
  for (; yi !== 0; yi = Math.floor(yi / 2)) {
    if (xe < -(1 << 12) || 1 << 12 < xe) {
      ae += xe;
      break;
    }
    if (yi % 2 === 1) {
      a1 *= x1;
      ae += xe;
    }
    x1 *= x1;
    xe <<= 1;
    if (x1 < 0.5) {
      x1 += x1;
      xe--;
    }
  }
  if (y < 0) {
    a1 = 1 / a1;
    ae = -ae;
  }
  return ldexp(a1, ae);
}

/** frexp is math.Frexp: x = frac × 2^exp with |frac| in [0.5, 1). */
function frexp(x: number): [number, number] {
  if (x === 0 || !Number.isFinite(x)) return [x, 0];
  let exp = Math.max(-1073, Math.floor(Math.log2(Math.abs(x))) + 1);
  let frac = x * 2 ** -exp;
  while (Math.abs(frac) < 0.5) {
    frac *= 2;
    exp--;
  }
  while (Math.abs(frac) >= 1) {
    frac /= 2;
    exp++;
  }
  return [frac, exp];
}

/** ldexp is math.Ldexp: frac × 2^exp with a single rounding. */
function ldexp(frac: number, exp: number): number {
  if (exp > 1023) return frac * 2 ** 1023 * 2 ** (exp - 1023);
  if (exp < -1022) return frac * 2 ** -1022 * 2 ** (exp + 1022);
  return frac * 2 ** exp;
}
