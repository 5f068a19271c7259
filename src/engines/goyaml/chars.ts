// Character classes of libyaml's emitter (yamlprivateh.go in go-yaml v2 and v3), per code point.

/** isBreak: a line break as YAML counts them (LF, CR, NEL, LS, PS). */
export const isBreak = (c: number | undefined): boolean =>
  c === 0x0a || c === 0x0d || c === 0x85 || c === 0x2028 || c === 0x2029;

/** isSpace: the space character only (tabs are not spaces to the emitter). */
export const isSpace = (c: number | undefined): boolean => c === 0x20;

/** isTab: the tab character. */
export const isTab = (c: number | undefined): boolean => c === 0x09;

/** isBlankz: space, tab, a break, NUL, or the end of the value. */
export const isBlankz = (c: number | undefined): boolean =>
  c === undefined || c === 0x20 || c === 0x09 || c === 0 || isBreak(c);

/** isPrintable is libyaml's printable test (note: nothing beyond the Basic Multilingual Plane, no NEL or BOM). */
export const isPrintable = (c: number): boolean =>
  c === 0x0a || (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff);

/** codePoints splits a string into code points (surrogate pairs joined), as Go ranges over a string. */
export function codePoints(s: string): number[] {
  return Array.from(s, (ch) => ch.codePointAt(0) ?? 0);
}

/** fromCodePoints joins code points back into a string, in chunks so huge values cannot overflow the stack. */
export function fromCodePoints(cps: readonly number[]): string {
  if (cps.length < 4096) return String.fromCodePoint(...cps);
  let out = '';
  for (let i = 0; i < cps.length; i += 4096) out += String.fromCodePoint(...cps.slice(i, i + 4096));
  return out;
}
