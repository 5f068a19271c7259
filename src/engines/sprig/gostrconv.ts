/**
 * The strconv parsers spf13/cast relies on, as grammars: ParseInt(s, 0, 64) (sign, `0b`/`0o`/`0x` prefixes,
 * a leading `0` for octal, `_` between digits) and ParseFloat(s, 64) (decimal and `p`-exponent hexadecimal forms,
 * `_` between digits, `inf`/`infinity`/`nan`). Both return undefined where Go returns an error, including
 * out-of-range values.
 */

const INT = /^([+-]?)(0[bB](?:_?[01])+|0[oO](?:_?[0-7])+|0[xX](?:_?[0-9a-fA-F])+|0(?:_?[0-7])*|[1-9](?:_?[0-9])*)$/;
const MIN_INT64 = -(1n << 63n);
const MAX_INT64 = (1n << 63n) - 1n;

/** parseInt64 is strconv.ParseInt(s, 0, 64). */
export function parseInt64(s: string): bigint | undefined {
  const m = INT.exec(s);
  if (m === null) return undefined;
  const digits = (m[2] ?? '0').replaceAll('_', '');
  // A leading 0 without a letter is octal in Go; BigInt reads that form as decimal.
  const text = /^0[0-7]+$/.test(digits) ? `0o${digits.slice(1)}` : digits;
  const n = BigInt(text) * (m[1] === '-' ? -1n : 1n);
  return n < MIN_INT64 || n > MAX_INT64 ? undefined : n;
}

const DIGITS = String.raw`\d(?:_?\d)*`;
const HEX = String.raw`[0-9a-fA-F](?:_?[0-9a-fA-F])*`;
const DECIMAL = new RegExp(String.raw`^[+-]?(?:${DIGITS}(?:\.(?:${DIGITS})?)?|\.${DIGITS})(?:[eE][+-]?${DIGITS})?$`);
const HEX_FLOAT = new RegExp(String.raw`^([+-]?)0[xX](_?${HEX})?(?:\.(${HEX})?)?[pP]([+-]?${DIGITS})$`);

/** parseFloat is strconv.ParseFloat(s, 64). */
export function parseFloat(s: string): number | undefined {
  const special = /^([+-]?)(inf|infinity|nan)$/i.exec(s);
  if (special !== null) {
    if (special[2]?.toLowerCase() === 'nan') return special[1] === '' ? NaN : undefined;
    return special[1] === '-' ? -Infinity : Infinity;
  }
  let v: number;
  const hex = HEX_FLOAT.exec(s);
  if (hex !== null) {
    const int = (hex[2] ?? '').replaceAll('_', '');
    const frac = (hex[3] ?? '').replaceAll('_', '');
    if (int === '' && frac === '') return undefined;
    const mant = BigInt('0x' + (int + frac || '0'));
    v = Number(mant) * 2 ** (Number((hex[4] ?? '0').replaceAll('_', '')) - 4 * frac.length);
    if (hex[1] === '-') v = -v;
  } else if (DECIMAL.test(s)) {
    v = Number(s.replaceAll('_', ''));
  } else return undefined;
  return Number.isFinite(v) ? v : undefined;
}
