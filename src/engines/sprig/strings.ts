/** Sprig's string functions (Sprig v3.3.0 `strings.go` and the string entries of its function map). */
import { quote as goQuote } from '../gotemplate/index.ts';
import { formatValue } from '../gotemplate/index.ts';
import {
  BOOL,
  INT,
  MAP_STRING,
  SLICE_STRING,
  STRING,
  ANY,
  goFunc,
  goVariadicFunc,
  withGoType,
  type FuncMap,
  type GoMap,
} from '../gotemplate/index.ts';
import type { SprigContext } from './context.ts';
import { stringList, strslice, strval } from './convert.ts';
import { SprigError } from './errors.ts';
import { abbreviateFull, deleteWhiteSpace, initials, swapCase, uncapitalize, wrapCustom } from './goutils.ts';
import { byteLength, countOccurrences, replaceAll, sliceBytes, splitN, trim, trimSpace } from './gostrings.ts';
import { checkStringSize } from './limits.ts';
import { isLetter, isDigit, isSpace, mapRunes, runes, fromRunes, toLower, toTitle, toUpper } from './unicode.ts';
import { toDelimitedLower, toPascalCase } from './xstrings.ts';

const str = { type: STRING };
const MAX_INT = (1n << 63n) - 1n;

export function stringFunctions(ctx: SprigContext): FuncMap {
  const limits = ctx.limits;
  /** repeat is strings.Repeat with Go's panics, and the size limit checked before anything is built. */
  const repeat = (s: string, count: number, fn: string): string => {
    if (count < 0) throw new SprigError('strings: negative Repeat count');
    const len = byteLength(s);
    if (BigInt(len) * BigInt(count) > MAX_INT) throw new SprigError('strings: Repeat output length overflow');
    checkStringSize(limits, fn, len * count);
    return s.repeat(count);
  };
  const indent = (spaces: number, v: string, fn: string): string => {
    if (spaces < 0) throw new SprigError('strings: negative Repeat count');
    const lines = countOccurrences(v, '\n') + 1;
    checkStringSize(limits, fn, byteLength(v) + lines * spaces);
    const pad = ' '.repeat(spaces);
    return pad + v.replaceAll('\n', '\n' + pad);
  };
  return {
    hello: goFunc([], () => 'Hello!', str),
    abbrev: goFunc(
      [INT, STRING],
      (width, s) => (width.value < 4n ? s : abbreviateFull(s, 0, Number(width.value))),
      str,
    ),
    abbrevboth: goFunc(
      [INT, INT, STRING],
      (left, right, s) => {
        const l = Number(left.value);
        const r = Number(right.value);
        return r < 4 || (l > 0 && r < 7) ? s : abbreviateFull(s, l, r);
      },
      str,
    ),
    trunc: goFunc([INT, STRING], (c, s) => trunc(Number(c.value), s), str),
    trim: goFunc([STRING], trimSpace, str),
    upper: goFunc([STRING], (s) => mapRunes(s, toUpper), str),
    lower: goFunc([STRING], (s) => mapRunes(s, toLower), str),
    title: goFunc([STRING], title, str),
    untitle: goFunc([STRING], uncapitalize, str),
    substr: goFunc([INT, INT, STRING], (start, end, s) => substring(Number(start.value), Number(end.value), s), str),
    repeat: goFunc([INT, STRING], (count, s) => repeat(s, Number(count.value), 'repeat'), str),
    trimall: goFunc([STRING, STRING], (cut, s) => trim(s, cut), str),
    trimAll: goFunc([STRING, STRING], (cut, s) => trim(s, cut), str),
    trimSuffix: goFunc(
      [STRING, STRING],
      (x, s) => (x !== '' && s.endsWith(x) ? s.slice(0, s.length - x.length) : s),
      str,
    ),
    trimPrefix: goFunc([STRING, STRING], (p, s) => (s.startsWith(p) ? s.slice(p.length) : s), str),
    nospace: goFunc([STRING], deleteWhiteSpace, str),
    initials: goFunc([STRING], initials, str),
    swapcase: goFunc([STRING], swapCase, str),
    shuffle: goFunc([STRING], (s) => shuffle(s, ctx.randomInt), str),
    snakecase: goFunc([STRING], (s) => toDelimitedLower(s, '_'), str),
    camelcase: goFunc([STRING], toPascalCase, str),
    kebabcase: goFunc([STRING], (s) => toDelimitedLower(s, '-'), str),
    wrap: goFunc([INT, STRING], (l, s) => wrapCustom(s, Number(l.value), '', false, guard('wrap')), str),
    wrapWith: goFunc(
      [INT, STRING, STRING],
      (l, sep, s) => wrapCustom(s, Number(l.value), sep, true, guard('wrapWith')),
      str,
    ),
    contains: goFunc([STRING, STRING], (sub, s) => s.includes(sub), { type: BOOL }),
    hasPrefix: goFunc([STRING, STRING], (p, s) => s.startsWith(p), { type: BOOL }),
    hasSuffix: goFunc([STRING, STRING], (x, s) => s.endsWith(x), { type: BOOL }),
    quote: goVariadicFunc(
      [],
      ANY,
      (...args) => joinChecked(args.filter((a) => a !== null).map((a) => goQuote(strval(a)))),
      str,
    ),
    squote: goVariadicFunc(
      [],
      ANY,
      (...args) => joinChecked(args.filter((a) => a !== null).map((a) => `'${formatValue(a)}'`)),
      str,
    ),
    cat: goVariadicFunc([], ANY, (...args) => joinChecked(args.filter((a) => a !== null).map(formatValue)), str),
    indent: goFunc([INT, STRING], (n, v) => indent(Number(n.value), v, 'indent'), str),
    nindent: goFunc([INT, STRING], (n, v) => '\n' + indent(Number(n.value), v, 'nindent'), str),
    replace: goFunc(
      [STRING, STRING, STRING],
      (old, replacement, src) => {
        const n = countOccurrences(src, old);
        checkStringSize(
          limits,
          'replace',
          byteLength(src) + n * Math.max(0, byteLength(replacement) - byteLength(old)),
        );
        return replaceAll(src, old, replacement);
      },
      str,
    ),
    plural: goFunc([STRING, STRING, INT], (one, many, count) => (count.value === 1n ? one : many), str),
    toString: goFunc([ANY], strval, str),
    toStrings: goFunc([ANY], strslice, { type: SLICE_STRING }),
    join: goFunc([STRING, ANY], (sep, v) => joinChecked(strslice(v), sep, 'join'), str),
    split: goFunc([STRING, STRING], (sep, orig) => indexedMap(splitN(orig, sep, -1)), { type: MAP_STRING }),
    splitn: goFunc([STRING, INT, STRING], (sep, n, orig) => indexedMap(splitN(orig, sep, Number(n.value))), {
      type: MAP_STRING,
    }),
    splitList: goFunc([STRING, STRING], (sep, orig) => stringList(splitN(orig, sep, -1)), { type: SLICE_STRING }),
  };

  function guard(fn: string): (bytes: number) => void {
    return (bytes) => checkStringSize(limits, fn, bytes);
  }
  function joinChecked(parts: readonly string[], sep = ' ', fn = 'quote'): string {
    let size = Math.max(0, parts.length - 1) * byteLength(sep);
    for (const p of parts) size += byteLength(p);
    checkStringSize(limits, fn, size);
    return parts.join(sep);
  }
}

/** trunc keeps the first c bytes (c >= 0) or the last -c bytes (c < 0). */
function trunc(c: number, s: string): string {
  const len = byteLength(s);
  if (c < 0 && len + c > 0) return sliceBytes(s, len + c, len);
  if (c >= 0 && len > c) return sliceBytes(s, 0, c);
  return s;
}

/** substring is Sprig's substring, with Go's slice-bounds panics for what it does not guard. */
function substring(start: number, end: number, s: string): string {
  const len = byteLength(s);
  if (start < 0) {
    checkSlice(0, end, len, true);
    return sliceBytes(s, 0, end);
  }
  if (end < 0 || end > len) {
    checkSlice(start, len, len, false);
    return sliceBytes(s, start, len);
  }
  checkSlice(start, end, len, true);
  return sliceBytes(s, start, end);
}

/**
 * checkSlice raises Go's runtime panic for s[low:high] out of range. `explicitHigh` is false for s[low:], whose
 * message names the low bound only.
 */
function checkSlice(low: number, high: number, len: number, explicitHigh: boolean): void {
  if (explicitHigh && (high < 0 || high > len)) {
    throw new SprigError(
      high < 0
        ? `runtime error: slice bounds out of range [:${high}]`
        : `runtime error: slice bounds out of range [:${high}] with length ${len}`,
    );
  }
  if (low < 0) throw new SprigError(`runtime error: slice bounds out of range [${low}:]`);
  if (low > high) throw new SprigError(`runtime error: slice bounds out of range [${low}:${high}]`);
}

/** title is strings.Title: title-cases every rune that follows a separator. */
function title(s: string): string {
  let prev = 0x20;
  return mapRunes(s, (r) => {
    const sep = isSeparator(prev);
    prev = r;
    return sep ? toTitle(r) : r;
  });
}

function isSeparator(r: number): boolean {
  if (r <= 0x7f) {
    if ((r >= 0x30 && r <= 0x39) || (r >= 0x61 && r <= 0x7a) || (r >= 0x41 && r <= 0x5a) || r === 0x5f) return false;
    return true;
  }
  if (isLetter(r) || isDigit(r)) return false;
  return isSpace(r);
}

/** shuffle is xstrings.Shuffle: a Fisher–Yates permutation of the runes. */
function shuffle(s: string, randomInt: (n: number) => number): string {
  const rs = runes(s);
  for (let i = rs.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [rs[i], rs[j]] = [rs[j] ?? 0, rs[i] ?? 0];
  }
  return fromRunes(rs);
}

/** indexedMap is Sprig's split result: `_0`, `_1`, … → parts, as a map[string]string. */
function indexedMap(parts: readonly string[]): GoMap {
  const m: GoMap = {};
  parts.forEach((p, i) => (m[`_${i}`] = p));
  return withGoType(m, MAP_STRING);
}
