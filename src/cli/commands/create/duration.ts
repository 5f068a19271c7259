// Go durations: flux's flags are time.Duration values, parsed with time.ParseDuration and printed with
// Duration.String (so `--interval=60s` is written as `1m0s`). Nanoseconds are kept in a bigint, as Go's int64.

const UNITS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n, // U+00B5 micro sign
  μs: 1_000n, // U+03BC Greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};
const MAX_INT64 = (1n << 63n) - 1n;

/** DurationError says why a duration did not parse, in Go's words. */
export class DurationError extends Error {}

/** parseGoDuration parses text like `1h30m`, `90s` or `1.5m` into nanoseconds, as Go's time.ParseDuration does. */
export function parseGoDuration(text: string): bigint {
  const quoted = JSON.stringify(text);
  let s = text;
  let neg = false;
  if (s.startsWith('-') || s.startsWith('+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') throw new DurationError(`time: invalid duration ${quoted}`);
  let total = 0n;
  while (s !== '') {
    const m = /^([0-9]*)(?:\.([0-9]*))?/.exec(s);
    const whole = m?.[1] ?? '';
    const frac = m?.[2];
    if (whole === '' && (frac === undefined || frac === ''))
      throw new DurationError(`time: invalid duration ${quoted}`);
    s = s.slice(m?.[0].length ?? 0);
    const unitMatch = /^[^0-9.]+/.exec(s);
    if (!unitMatch) throw new DurationError(`time: missing unit in duration ${quoted}`);
    const unitName = unitMatch[0];
    const unit = UNITS[unitName];
    if (unit === undefined)
      throw new DurationError(`time: unknown unit ${JSON.stringify(unitName)} in duration ${quoted}`);
    s = s.slice(unitName.length);
    let v = BigInt(whole === '' ? '0' : whole) * unit;
    if (frac) {
      // Go truncates the fraction towards zero at nanosecond precision.
      v += (BigInt(frac) * unit) / 10n ** BigInt(frac.length);
    }
    total += v;
    if (total > MAX_INT64 + (neg ? 1n : 0n)) throw new DurationError(`time: invalid duration ${quoted}`);
  }
  return neg ? -total : total;
}

/** formatGoDuration prints nanoseconds like Go's Duration.String: `1m0s`, `1h0m0s`, `1.5s`, `500ms`, `0s`. */
export function formatGoDuration(ns: bigint): string {
  const neg = ns < 0n;
  let u = neg ? -ns : ns;
  let out: string;
  if (u < 1_000_000_000n) {
    if (u === 0n) return '0s';
    if (u < 1_000n) out = `${u}ns`;
    else if (u < 1_000_000n) out = `${fraction(u, 3)}µs`;
    else out = `${fraction(u, 6)}ms`;
  } else {
    const secs = fraction(u % 60_000_000_000n, 9);
    u /= 60_000_000_000n;
    out = `${secs}s`;
    if (u > 0n) {
      out = `${u % 60n}m${out}`;
      u /= 60n;
      if (u > 0n) out = `${u}h${out}`;
    }
  }
  return neg ? `-${out}` : out;
}

/** fraction prints v / 10^prec with the trailing zeros of the fraction (and a bare point) left out. */
function fraction(v: bigint, prec: number): string {
  const scale = 10n ** BigInt(prec);
  const whole = v / scale;
  const frac = (v % scale).toString().padStart(prec, '0').replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : `${whole}`;
}
