/**
 * Go string semantics for the envsubst engine. Flux's envsubst works on Go strings, that is on UTF-8 bytes: lengths,
 * offsets and slices count bytes, while a few steps decode runes. We mirror that with "byte strings": JavaScript
 * strings whose code units are the bytes (latin1), so `length` and `slice` behave like Go's.
 */

/** RUNE_ERROR is U+FFFD, what Go's decoder returns for an invalid byte. */
export const RUNE_ERROR = 0xfffd;

/** toBytes encodes text as UTF-8 and returns it as a byte string. */
export function toBytes(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

/** fromBytes decodes a byte string as UTF-8 (invalid sequences become U+FFFD). */
export function fromBytes(bytes: string): string {
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/** encodeRune returns the UTF-8 bytes of one code point as a byte string. */
export function encodeRune(r: number): string {
  return toBytes(String.fromCodePoint(r));
}

const byteAt = (s: string, i: number): number => s.charCodeAt(i);
const isCont = (b: number): boolean => (b & 0xc0) === 0x80;

/**
 * decodeRune is Go's utf8.DecodeRuneInString at offset `at`: the code point and its width in bytes, or
 * [RUNE_ERROR, 1] for an invalid, overlong or surrogate sequence, and [RUNE_ERROR, 0] at the end.
 */
export function decodeRune(s: string, at: number): [number, number] {
  if (at >= s.length) return [RUNE_ERROR, 0];
  const b0 = byteAt(s, at);
  if (b0 < 0x80) return [b0, 1];
  const need = b0 >= 0xf0 && b0 <= 0xf4 ? 4 : b0 >= 0xe0 ? (b0 <= 0xef ? 3 : 0) : b0 >= 0xc2 ? 2 : 0;
  if (need === 0 || at + need > s.length) return [RUNE_ERROR, 1];
  const b1 = byteAt(s, at + 1);
  // Second-byte ranges exclude overlong forms, surrogates and code points above U+10FFFF (Go's acceptRanges).
  let lo = 0x80;
  let hi = 0xbf;
  if (b0 === 0xe0) lo = 0xa0;
  else if (b0 === 0xed) hi = 0x9f;
  else if (b0 === 0xf0) lo = 0x90;
  else if (b0 === 0xf4) hi = 0x8f;
  if (b1 < lo || b1 > hi) return [RUNE_ERROR, 1];
  if (need === 2) return [((b0 & 0x1f) << 6) | (b1 & 0x3f), 2];
  const b2 = byteAt(s, at + 2);
  if (!isCont(b2)) return [RUNE_ERROR, 1];
  if (need === 3) return [((b0 & 0x0f) << 12) | ((b1 & 0x3f) << 6) | (b2 & 0x3f), 3];
  const b3 = byteAt(s, at + 3);
  if (!isCont(b3)) return [RUNE_ERROR, 1];
  return [((b0 & 0x07) << 18) | ((b1 & 0x3f) << 12) | ((b2 & 0x3f) << 6) | (b3 & 0x3f), 4];
}

/** runes splits a byte string into code points the way Go's `[]rune(s)` does. */
export function runes(s: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length;) {
    const [r, w] = decodeRune(s, i);
    out.push(r);
    i += w;
  }
  return out;
}

/** fromRunes is Go's `string(runes)`. */
export function fromRunes(rs: readonly number[]): string {
  return rs.map(encodeRune).join('');
}

/**
 * goReplace is Go's strings.Replace(s, old, new, n) on byte strings (n < 0: all). An empty `old` matches at the
 * start and after every rune, as in Go.
 */
export function goReplace(s: string, old: string, rep: string, n: number): string {
  if (old === rep || n === 0) return s;
  let out = '';
  let count = 0;
  let i = 0;
  if (old === '') {
    while (n < 0 || count < n) {
      out += rep;
      count++;
      if (i >= s.length) return out;
      const [, w] = decodeRune(s, i);
      out += s.slice(i, i + w);
      i += w;
    }
    return out + s.slice(i);
  }
  while (n < 0 || count < n) {
    const j = s.indexOf(old, i);
    if (j < 0) break;
    out += s.slice(i, j) + rep;
    i = j + old.length;
    count++;
  }
  return out + s.slice(i);
}

/** mapRunes applies a code point mapping to every rune of a byte string (Go's unicode case functions). */
export function mapRunes(s: string, fn: (r: number) => number): string {
  return fromRunes(runes(s).map(fn));
}

/**
 * toLowerRune and toUpperRune approximate Go's unicode.ToLower/ToUpper (simple case mapping) with JavaScript's
 * full mapping: a mapping to several code points (German ß → SS) is not a simple mapping, so the rune is kept;
 * the one lowercase exception (İ → i̇) keeps its first code point, as Go does.
 */
export function toLowerRune(r: number): number {
  const m = String.fromCodePoint(r).toLowerCase();
  return m.codePointAt(0) ?? r;
}

export function toUpperRune(r: number): number {
  const m = String.fromCodePoint(r).toUpperCase();
  const first = m.codePointAt(0) ?? r;
  return m.length === String.fromCodePoint(first).length ? first : r;
}
