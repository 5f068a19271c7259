/**
 * The Masterminds/goutils v1.1.1 functions Sprig exposes (`abbrev`, `abbrevboth`, `wrap`, `wrapWith`, `initials`,
 * `swapcase`, `untitle`, `nospace`). Several of them walk bytes, not runes, and write each byte back as a rune,
 * which turns non-ASCII text into Latin-1 mojibake; that is reproduced, since charts render what Go renders.
 */
import { byteLength, bytesOf, isAscii, latin1Runes, sliceBytes } from './gostrings.ts';
import { isLower, isSpace, isTitle, isUpper, mapRunes, toLower, toTitle, toUpper } from './unicode.ts';

/** abbreviateFull is AbbreviateFull for the arguments Sprig lets through (maxWidth >= 4, >= 7 with an offset). */
export function abbreviateFull(str: string, offset: number, maxWidth: number): string {
  if (str === '') return '';
  const len = byteLength(str);
  if (len <= maxWidth) return str;
  let off = Math.min(offset, len);
  if (len - off < maxWidth - 3) off = len - (maxWidth - 3);
  if (off <= 4) return sliceBytes(str, 0, maxWidth - 3) + '...';
  if (off + maxWidth - 3 < len) return '...' + abbreviateFull(sliceBytes(str, off, len), 0, maxWidth - 3);
  return '...' + sliceBytes(str, len - (maxWidth - 3), len);
}

/** deleteWhiteSpace is DeleteWhiteSpace: drops bytes that are white space as runes (incl. 0x85, 0xA0). */
export function deleteWhiteSpace(str: string): string {
  if (str === '') return str;
  if (isAscii(str)) return str.replace(/[\t\n\v\f\r ]/g, '');
  const bytes = bytesOf(str);
  const kept = bytes.filter((b) => !isSpace(b));
  return kept.length === bytes.length ? str : latin1Runes(kept);
}

/** initials is Initials: the first byte of every white-space-separated word, each written as a rune. */
export function initials(str: string): string {
  if (str === '') return str;
  const bytes = bytesOf(str);
  const out: number[] = [];
  let lastWasGap = true;
  for (const b of bytes) {
    if (isSpace(b)) lastWasGap = true;
    else if (lastWasGap) {
      out.push(b);
      lastWasGap = false;
    }
  }
  return latin1Runes(Uint8Array.from(out));
}

/** uncapitalize is Uncapitalize: lower-cases the first rune after white space (and the very first). */
export function uncapitalize(str: string): string {
  let next = true;
  return mapRunes(str, (r) => {
    if (isSpace(r)) {
      next = true;
      return r;
    }
    if (!next) return r;
    next = false;
    return toLower(r);
  });
}

/** swapCase is SwapCase: upper and title to lower; lower to title after white space, else to upper. */
export function swapCase(str: string): string {
  let whitespace = true;
  return mapRunes(str, (r) => {
    if (isUpper(r) || isTitle(r)) {
      whitespace = false;
      return toLower(r);
    }
    if (isLower(r)) {
      const mapped = whitespace ? toTitle(r) : toUpper(r);
      whitespace = false;
      return mapped;
    }
    whitespace = isSpace(r);
    return r;
  });
}

/**
 * wrapCustom is WrapCustom: breaks lines longer than `wrapLength` bytes at the last space that fits (the space is
 * dropped), skipping one leading space per line; a longer word is broken at the limit only with `wrapLongWords`,
 * else kept whole up to the next space.
 */
export function wrapCustom(
  str: string,
  wrapLength: number,
  newLine: string,
  wrapLongWords: boolean,
  guard: (bytes: number) => void = () => undefined,
): string {
  if (str === '') return '';
  const sep = newLine === '' ? '\n' : newLine;
  const width = wrapLength < 1 ? 1 : wrapLength;
  // Work on bytes: positions are byte offsets, and only the ASCII space is ever searched for.
  const b = bytesOf(str);
  const len = b.length;
  const parts: Buffer[] = [];
  const sepBytes = bytesOf(sep);
  let offset = 0;
  let size = 0;
  const line = (from: number, to: number, withSep: boolean): void => {
    parts.push(b.subarray(from, to));
    size += to - from;
    if (withSep) {
      parts.push(sepBytes);
      size += sepBytes.length;
    }
    guard(size + len - to);
  };
  while (len - offset > width) {
    if (b[offset] === 0x20) {
      offset++;
      continue;
    }
    const window = b.subarray(offset, width + offset + 1);
    const space = window.lastIndexOf(0x20);
    if (space >= 0) {
      line(offset, offset + space, true);
      offset += space + 1;
    } else if (wrapLongWords) {
      line(offset, offset + width, true);
      offset += width;
    } else {
      const end = width + offset;
      const next = b.indexOf(0x20, end);
      if (next < 0) {
        line(offset, len, false);
        offset = len;
      } else {
        line(offset, next, true);
        offset = next + 1;
      }
    }
  }
  parts.push(b.subarray(offset, len));
  return Buffer.concat(parts).toString('utf8');
}
