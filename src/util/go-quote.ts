/**
 * goQuote is Go's `strconv.Quote` (also what `%q` prints for a string): double quotes, `\"` and `\\`, the short
 * escapes `\a \b \f \n \r \t \v`, `\xNN` for other control bytes and for bytes that are not valid UTF-8, every
 * printable rune kept as it is (letters, marks, numbers, punctuation, symbols, the ASCII space), and `\uNNNN` /
 * `\UNNNNNNNN` for the other runes; hex digits are lowercase. Text is taken as UTF-8; pass bytes to quote a Go
 * string that is not valid UTF-8.
 */
export function goQuote(input: string | Uint8Array): string {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  let out = '"';
  let i = 0;
  while (i < bytes.length) {
    const [r, width] = decodeRune(bytes, i);
    i += width;
    if (r < 0) {
      out += `\\x${hex((bytes[i - 1] ?? 0) & 0xff, 2)}`;
      continue;
    }
    out += escapeRune(r);
  }
  return out + '"';
}

const SHORT: Readonly<Record<number, string>> = {
  0x07: '\\a', 0x08: '\\b', 0x0c: '\\f', 0x0a: '\\n', 0x0d: '\\r', 0x09: '\\t', 0x0b: '\\v',
}; // prettier-ignore

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

/** isGoPrint is Go's `strconv.IsPrint`: letters, marks, numbers, punctuation, symbols and the ASCII space. */
export function isGoPrint(r: number): boolean {
  if (r === 0x20) return true;
  if (r < 0x20 || r === 0x7f) return false;
  return PRINTABLE.test(String.fromCodePoint(r));
}

function escapeRune(r: number): string {
  if (r === 0x22) return '\\"';
  if (r === 0x5c) return '\\\\';
  if (isGoPrint(r)) return String.fromCodePoint(r);
  const short = SHORT[r];
  if (short !== undefined) return short;
  if (r < 0x20 || r === 0x7f) return `\\x${hex(r, 2)}`;
  if (r < 0x10000) return `\\u${hex(r, 4)}`;
  return `\\U${hex(r, 8)}`;
}

const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');

/**
 * decodeRune decodes one UTF-8 sequence at `i` as Go does: the code point and its width, or [-1, 1] for a byte that
 * does not start a valid, shortest-form, non-surrogate sequence.
 */
function decodeRune(b: Uint8Array, i: number): [number, number] {
  const b0 = b[i] ?? 0;
  if (b0 < 0x80) return [b0, 1];
  const cont = (k: number): number => {
    const c = b[i + k];
    return c !== undefined && (c & 0xc0) === 0x80 ? c & 0x3f : -1;
  };
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    const c1 = cont(1);
    return c1 < 0 ? [-1, 1] : [((b0 & 0x1f) << 6) | c1, 2];
  }
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const c1 = cont(1);
    const c2 = cont(2);
    if (c1 < 0 || c2 < 0) return [-1, 1];
    const r = ((b0 & 0x0f) << 12) | (c1 << 6) | c2;
    if (r < 0x800 || (r >= 0xd800 && r <= 0xdfff)) return [-1, 1];
    return [r, 3];
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const c1 = cont(1);
    const c2 = cont(2);
    const c3 = cont(3);
    if (c1 < 0 || c2 < 0 || c3 < 0) return [-1, 1];
    const r = ((b0 & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3;
    if (r < 0x10000 || r > 0x10ffff) return [-1, 1];
    return [r, 4];
  }
  return [-1, 1];
}
