/**
 * goQuote is Go's `strconv.Quote` (what `%q` prints for a string), as far as Helm's messages about user input need
 * it: `\"`, `\\`, the short escapes, `\xNN` for other controls, `\uNNNN`/`\UNNNNNNNN` for runes Go does not
 * consider printable, everything else as it is.
 */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const r = ch.codePointAt(0)!;
    if (r === 0x22) out += '\\"';
    else if (r === 0x5c) out += '\\\\';
    else if (r === 0x20 || (r > 0x20 && r !== 0x7f && PRINTABLE.test(ch))) out += ch;
    else if (SHORT[r] !== undefined) out += SHORT[r];
    else if (r < 0x20 || r === 0x7f) out += `\\x${r.toString(16).padStart(2, '0')}`;
    else if (r < 0x10000) out += `\\u${r.toString(16).padStart(4, '0')}`;
    else out += `\\U${r.toString(16).padStart(8, '0')}`;
  }
  return out + '"';
}

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;
const SHORT: Readonly<Record<number, string>> = {
  0x07: '\\a',
  0x08: '\\b',
  0x0c: '\\f',
  0x0a: '\\n',
  0x0d: '\\r',
  0x09: '\\t',
  0x0b: '\\v',
};
