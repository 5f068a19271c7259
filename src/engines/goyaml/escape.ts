/** The short escapes of YAML double-quoted scalars, as libyaml (and so go-yaml v2 and v3) writes them. */
const NAMED: Readonly<Record<number, string>> = {
  0x00: '0',
  0x07: 'a',
  0x08: 'b',
  0x09: 't',
  0x0a: 'n',
  0x0b: 'v',
  0x0c: 'f',
  0x0d: 'r',
  0x1b: 'e',
  0x22: '"',
  0x5c: '\\',
  0x85: 'N',
  0xa0: '_',
  0x2028: 'L',
  0x2029: 'P',
};

/**
 * yamlEscape returns the escape sequence, backslash included, that libyaml's emitter writes for a code point inside a
 * double-quoted scalar: a short escape where YAML has one, else `\xXX`, `\uXXXX` or `\UXXXXXXXX` in upper-case hex.
 * @example yamlEscape(0x0a) === '\\n'; yamlEscape(0x7f) === '\\x7F'
 */
export function yamlEscape(codePoint: number): string {
  const named = NAMED[codePoint];
  if (named !== undefined) return '\\' + named;
  const hex = codePoint.toString(16).toUpperCase();
  if (codePoint <= 0xff) return '\\x' + hex.padStart(2, '0');
  if (codePoint <= 0xffff) return '\\u' + hex.padStart(4, '0');
  return '\\U' + hex.padStart(8, '0');
}
