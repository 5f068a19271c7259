/**
 * Go's `strings` package on JavaScript strings. Go strings are UTF-8 bytes and Sprig indexes them by byte
 * (`trunc`, `substr`, `abbrev`, `wrap`); ASCII text is sliced directly, other text through its UTF-8 bytes. A cut
 * inside a multi-byte character keeps the broken bytes as byte escapes (see gotemplate's utf8Decode), as Go keeps
 * them.
 */
import { isAsciiOnly, utf8Decode, utf8Encode, utf8Length } from '../gotemplate/index.ts';
import { isSpace, RUNE_ERROR } from './unicode.ts';

/** isAscii reports whether every character is ASCII (then bytes and characters coincide). */
export const isAscii = isAsciiOnly;

/** byteLength is len(s) in Go. */
export function byteLength(s: string): number {
  return isAscii(s) ? s.length : utf8Length(s);
}

/** sliceBytes is s[start:end] in Go for 0 <= start <= end <= len(s). */
export function sliceBytes(s: string, start: number, end: number): string {
  if (isAscii(s)) return s.slice(start, end);
  return utf8Decode(utf8Encode(s).subarray(start, end));
}

/** bytesOf returns a Go string's bytes. */
export function bytesOf(s: string): Buffer {
  if (isAscii(s)) return Buffer.from(s, 'latin1');
  const b = utf8Encode(s);
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

/**
 * latin1Runes turns bytes into the string Go builds when it writes each byte as a rune (`WriteRune(rune(s[i]))`):
 * every byte becomes the code point of the same value, so non-ASCII text turns into Latin-1 mojibake.
 */
export function latin1Runes(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('latin1');
}

/** trimSpace is strings.TrimSpace. */
export function trimSpace(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end) {
    const r = s.codePointAt(start) ?? 0;
    if (!isSpace(r)) break;
    start += r > 0xffff ? 2 : 1;
  }
  while (end > start) {
    const lo = s.charCodeAt(end - 1);
    const pair = lo >= 0xdc00 && lo < 0xe000 && end - 2 >= start;
    const r = (pair ? s.codePointAt(end - 2) : lo) ?? 0;
    if (!isSpace(r)) break;
    end -= r > 0xffff ? 2 : 1;
  }
  return s.slice(start, end);
}

/** trim is strings.Trim(s, cutset): leading and trailing runes that occur in cutset removed. */
export function trim(s: string, cutset: string): string {
  if (s === '' || cutset === '') return s;
  const cut = new Set(Array.from(cutset, (c) => normalRune(c)));
  const chars = Array.from(s);
  let a = 0;
  let b = chars.length;
  while (a < b && cut.has(normalRune(chars[a] ?? ''))) a++;
  while (b > a && cut.has(normalRune(chars[b - 1] ?? ''))) b--;
  return chars.slice(a, b).join('');
}

function normalRune(c: string): number {
  const r = c.codePointAt(0) ?? RUNE_ERROR;
  return r >= 0xd800 && r < 0xe000 ? RUNE_ERROR : r;
}

/** replaceAll is strings.Replace(s, old, new, -1); an empty `old` inserts `new` before every rune and at the end. */
export function replaceAll(s: string, old: string, replacement: string): string {
  if (old === '') return replacement + Array.from(s).join(replacement) + (s === '' ? '' : replacement);
  return s.split(old).join(replacement);
}

/** countReplacements is how many times replaceAll inserts `replacement` (to size the result first). */
export function countOccurrences(s: string, old: string): number {
  if (old === '') return Array.from(s).length + 1;
  let n = 0;
  for (let at = s.indexOf(old); at >= 0; at = s.indexOf(old, at + old.length)) n++;
  return n;
}

/**
 * splitN is strings.SplitN(s, sep, n): n < 0 all parts, n == 0 none, n > 0 at most n parts (the last holds the
 * rest); an empty sep splits into runes.
 */
export function splitN(s: string, sep: string, n: number): string[] {
  if (n === 0) return [];
  if (sep === '') {
    const chars = Array.from(s);
    if (n < 0 || n >= chars.length) return chars;
    return [...chars.slice(0, n - 1), chars.slice(n - 1).join('')];
  }
  if (n < 0) return s.split(sep);
  const out: string[] = [];
  let rest = s;
  while (out.length < n - 1) {
    const at = rest.indexOf(sep);
    if (at < 0) break;
    out.push(rest.slice(0, at));
    rest = rest.slice(at + sep.length);
  }
  out.push(rest);
  return out;
}
