/**
 * Go's `unicode` package as Sprig's string functions use it: rune classes and the *simple* (one rune to one rune)
 * case mappings. JavaScript's `toUpperCase` applies the full mappings of SpecialCasing.txt (`ß` → `SS`, `İ` →
 * `i̇`), Go never does: a rune whose full mapping has several runes takes its simple mapping from the small
 * tables below, or stays as it is.
 */

const upperRe = /^\p{Lu}$/u;
const lowerRe = /^\p{Ll}$/u;
const titleRe = /^\p{Lt}$/u;
const letterRe = /^\p{L}$/u;
const numberRe = /^\p{N}$/u;
const digitRe = /^\p{Nd}$/u;
const punctRe = /^\p{P}$/u;

const test = (re: RegExp, r: number): boolean => r >= 0 && r <= 0x10ffff && re.test(String.fromCodePoint(r));

/** isSpace is unicode.IsSpace: `\t \n \v \f \r`, space, U+0085, U+00A0 and the Unicode White_Space runes. */
export function isSpace(r: number): boolean {
  if (r < 0x100) return r === 0x20 || (r >= 0x09 && r <= 0x0d) || r === 0x85 || r === 0xa0;
  return (
    r === 0x1680 || (r >= 0x2000 && r <= 0x200a) || r === 0x2028 || r === 0x2029 || r === 0x202f || r === 0x205f ||
    r === 0x3000
  ); // prettier-ignore
}

export const isUpper = (r: number): boolean => (r < 0x80 ? r >= 0x41 && r <= 0x5a : test(upperRe, r));
export const isLower = (r: number): boolean => (r < 0x80 ? r >= 0x61 && r <= 0x7a : test(lowerRe, r));
export const isTitle = (r: number): boolean => r >= 0x80 && test(titleRe, r);
export const isLetter = (r: number): boolean =>
  r < 0x80 ? (r >= 0x41 && r <= 0x5a) || (r >= 0x61 && r <= 0x7a) : test(letterRe, r);
export const isNumber = (r: number): boolean => (r < 0x80 ? r >= 0x30 && r <= 0x39 : test(numberRe, r));
export const isDigit = (r: number): boolean => (r < 0x80 ? r >= 0x30 && r <= 0x39 : test(digitRe, r));
export const isPunct = (r: number): boolean => test(punctRe, r);

/** Simple uppercase mappings of runes whose full uppercase mapping has several runes (Greek with iota). */
const SIMPLE_UPPER = new Map<number, number>([[0x1fb3, 0x1fbc], [0x1fc3, 0x1fcc], [0x1ff3, 0x1ffc]]); // prettier-ignore
for (const base of [0x1f80, 0x1f90, 0x1fa0]) for (let i = 0; i < 8; i++) SIMPLE_UPPER.set(base + i, base + 8 + i);
/** Simple lowercase mappings whose full mapping has several runes. */
const SIMPLE_LOWER = new Map<number, number>([[0x130, 0x69]]);
/** Title case where it differs from upper case: the Latin digraphs; the Greek iota forms keep their title form. */
const TITLE = new Map<number, number>([
  [0x1c4, 0x1c5], [0x1c5, 0x1c5], [0x1c6, 0x1c5], [0x1c7, 0x1c8], [0x1c8, 0x1c8], [0x1c9, 0x1c8],
  [0x1ca, 0x1cb], [0x1cb, 0x1cb], [0x1cc, 0x1cb], [0x1f1, 0x1f2], [0x1f2, 0x1f2], [0x1f3, 0x1f2],
]); // prettier-ignore

function single(s: string): number | undefined {
  const r = s.codePointAt(0);
  return r !== undefined && s.length === (r > 0xffff ? 2 : 1) ? r : undefined;
}

/** toUpper is unicode.ToUpper (simple mapping). */
export function toUpper(r: number): number {
  if (r < 0x80) return r >= 0x61 && r <= 0x7a ? r - 32 : r;
  if (r > 0x10ffff || (r >= 0xd800 && r < 0xe000)) return r;
  return single(String.fromCodePoint(r).toUpperCase()) ?? SIMPLE_UPPER.get(r) ?? r;
}

/** toLower is unicode.ToLower (simple mapping). */
export function toLower(r: number): number {
  if (r < 0x80) return r >= 0x41 && r <= 0x5a ? r + 32 : r;
  if (r > 0x10ffff || (r >= 0xd800 && r < 0xe000)) return r;
  return single(String.fromCodePoint(r).toLowerCase()) ?? SIMPLE_LOWER.get(r) ?? r;
}

/** toTitle is unicode.ToTitle (simple mapping). */
export function toTitle(r: number): number {
  const t = TITLE.get(r);
  if (t !== undefined) return t;
  if (r >= 0x1f88 && r <= 0x1faf && (r & 0xf) >= 8) return r;
  if (r === 0x1fbc || r === 0x1fcc || r === 0x1ffc) return r;
  return toUpper(r);
}

/** RUNE_ERROR is U+FFFD, which Go's UTF-8 decoder also returns for invalid bytes. */
export const RUNE_ERROR = 0xfffd;

/** runes splits a string into code points (a lone surrogate, which stands for invalid UTF-8, becomes U+FFFD). */
export function runes(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) {
    const r = ch.codePointAt(0) ?? RUNE_ERROR;
    out.push(r >= 0xd800 && r < 0xe000 ? RUNE_ERROR : r);
  }
  return out;
}

/** fromRunes joins code points into a string. */
export function fromRunes(rs: readonly number[]): string {
  let out = '';
  for (let i = 0; i < rs.length; i += 4096) out += String.fromCodePoint(...rs.slice(i, i + 4096));
  return out;
}

/** mapRunes is strings.Map with a mapping that never drops runes. */
export function mapRunes(s: string, f: (r: number) => number): string {
  let out = '';
  for (const ch of s) {
    const r = ch.codePointAt(0) ?? RUNE_ERROR;
    out += String.fromCodePoint(f(r >= 0xd800 && r < 0xe000 ? RUNE_ERROR : r));
  }
  return out;
}
