/**
 * Number formatting exactly as Go's strconv and encoding/json do it: wherever fluxts must produce the bytes a Go
 * program would (YAML emitters, sops, which hashes and encrypts the textual form, Helm values, template output), a
 * different spelling of the same float is a different result. JavaScript's shortest round-trip digits are Go's
 * (both pick the shortest decimal that reads back to the same float64); only the layout differs.
 */

interface Digits {
  neg: boolean;
  digits: string;
  /** Position of the decimal point relative to the digits, as Go's decimal `dp`. */
  dp: number;
}

function shortestDigits(v: number): Digits {
  const [mant = '0', exp = '0'] = Math.abs(v).toExponential().split('e');
  const digits = mant.replace('.', '');
  return { neg: v < 0 || Object.is(v, -0), digits, dp: Number(exp) + 1 };
}

function special(v: number): string | undefined {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return undefined;
}

function fixed(d: Digits): string {
  if (d.digits === '0') return d.neg ? '-0' : '0';
  let s: string;
  if (d.dp <= 0) s = '0.' + '0'.repeat(-d.dp) + d.digits;
  else if (d.dp >= d.digits.length) s = d.digits + '0'.repeat(d.dp - d.digits.length);
  else s = d.digits.slice(0, d.dp) + '.' + d.digits.slice(d.dp);
  return (d.neg ? '-' : '') + s;
}

function expo(d: Digits, e: 'e' | 'E'): string {
  const mant = d.digits.length > 1 ? `${d.digits[0]}.${d.digits.slice(1)}` : d.digits;
  const x = d.digits === '0' ? 0 : d.dp - 1;
  const abs = Math.abs(x);
  return `${d.neg ? '-' : ''}${mant}${e}${x < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`;
}

/** formatFloatF is Go's `strconv.FormatFloat(v, 'f', -1, 64)`: shortest round-trip digits, never an exponent. */
export function formatFloatF(v: number): string {
  return special(v) ?? fixed(shortestDigits(v));
}

/** formatFloatG is Go's `strconv.FormatFloat(v, 'g'|'G', -1, 64)`: an exponent when it is < -4 or >= 6. */
export function formatFloatG(v: number, e: 'e' | 'E' = 'e'): string {
  const s = special(v);
  if (s) return s;
  const d = shortestDigits(v);
  const x = d.dp - 1;
  if (d.digits !== '0' && (x < -4 || x >= 6)) return expo(d, e);
  return fixed(d);
}

/** formatFloatJSON is how Go's encoding/json writes a float64: fixed, or an exponent below 1e-6 and from 1e21. */
export function formatFloatJSON(v: number): string {
  const abs = Math.abs(v);
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e21)) {
    return expo(shortestDigits(v), 'e').replace(/e-0(\d)$/, 'e-$1');
  }
  return formatFloatF(v);
}

/**
 * formatFloat32G is Go's `strconv.FormatFloat(v, 'g', -1, 32)`: the shortest digits that read back as the same
 * float32 (sigs.k8s.io/yaml spells YAML floats in string-typed fields and map keys this way: `1.10` → `1.1`).
 */
export function formatFloat32G(v: number): string {
  const s = special(v);
  if (s) return s;
  const f = Math.fround(v);
  let d: Digits | undefined;
  for (let p = 1; p <= 9 && d === undefined; p++) {
    const text = Math.abs(f).toPrecision(p);
    if (Math.fround(Number(text)) === Math.abs(f)) {
      const [mant = '0', exp = '0'] = Number(text).toExponential().split('e');
      d = { neg: f < 0 || Object.is(f, -0), digits: mant.replace('.', ''), dp: Number(exp) + 1 };
    }
  }
  d ??= shortestDigits(f);
  const x = d.dp - 1;
  if (d.digits !== '0' && (x < -4 || x >= 6)) return expo(d, 'e');
  return fixed(d);
}
