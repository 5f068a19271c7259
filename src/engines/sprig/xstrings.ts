/**
 * huandu/xstrings v1.5.0's case conversions as Sprig exposes them: `snakecase` (ToSnakeCase), `kebabcase`
 * (ToKebabCase) and `camelcase` (ToPascalCase). Words are split at case changes, digits, punctuation and connectors
 * (`-`, `_`, white space) with the library's exact rules, including how digit runs attach to words (`http2xx` →
 * `http_2xx`, `Bld4Floor3rd` → `bld4_floor_3rd`).
 */
import { isLetter, isNumber, isPunct, isSpace, isUpper, RUNE_ERROR, runes, toLower, toUpper } from './unicode.ts';

const isConnector = (r: number): boolean => r === 0x2d || r === 0x5f || isSpace(r);

/** isAlphabet: a letter that is not a CJK ideograph. */
function isAlphabet(r: number): boolean {
  if (!isLetter(r)) return false;
  if (r < 0x3400) return true;
  if (r >= 0x4e00 && r <= 0x9fcc) return false;
  if (r >= 0x3400 && r <= 0x4d85) return false;
  if (r >= 0x20000 && r <= 0x2b81d) return false;
  return true;
}

/** toPascalCase is ToPascalCase (Sprig's `camelcase`): connectors removed, the rune after each upper-cased. */
export function toPascalCase(str: string): string {
  const rs = runes(str);
  if (rs.length === 0) return '';
  const out: number[] = [];
  let i = 0;
  let r0 = 0;
  let firstUpper = false;
  while (i < rs.length) {
    r0 = rs[i++] ?? 0;
    if (!isConnector(r0)) {
      firstUpper = isUpper(r0);
      r0 = toUpper(r0);
      break;
    }
    out.push(r0);
  }
  if (i >= rs.length) {
    // The last rune read is written once more, even a connector (`_` gives `__`), as the library does.
    out.push(r0);
    return String.fromCodePoint(...out);
  }
  while (i < rs.length) {
    const r1 = r0;
    r0 = rs[i++] ?? 0;
    if (isConnector(r0) && isConnector(r1)) {
      out.push(r1);
      continue;
    }
    if (isConnector(r1)) {
      firstUpper = isUpper(r0);
      r0 = toUpper(r0);
    } else {
      if (firstUpper) {
        if (isUpper(r0)) r0 = toLower(r0);
        else firstUpper = false;
      }
      out.push(r1);
    }
  }
  out.push(r0);
  return String.fromCodePoint(...out);
}

const INVALID = 0;
const NUMBER = 1;
const UPPER = 2;
const ALPHABET = 3;
const CONNECTOR = 4;
const PUNCT = 5;
const OTHER = 6;
type WordType =
  typeof INVALID | typeof NUMBER | typeof UPPER | typeof ALPHABET | typeof CONNECTOR | typeof PUNCT | typeof OTHER;

interface Word {
  type: WordType;
  word: number[];
  /** rest is the index in the rune array where the remaining text starts. */
  rest: number;
}

/**
 * nextValidRune is the first rune at or after `i` that is not U+FFFD (Go's decoder cannot tell U+FFFD from an
 * invalid byte, and the library skips both), with how many runes were consumed; `prev` when there is none.
 */
function nextValidRune(rs: readonly number[], i: number, prev: number): [number, number] {
  for (let j = i; j < rs.length; j++) {
    const r = rs[j] ?? RUNE_ERROR;
    if (r !== RUNE_ERROR) return [r, j - i + 1];
  }
  return [prev, rs.length - i];
}

/** nextWord is the library's word scanner over runes starting at `start`. */
function nextWord(rs: readonly number[], start: number): Word {
  if (start >= rs.length) return { type: INVALID, word: [], rest: start };
  let offset = 0;
  let pos = start;
  let [r, size] = nextValidRune(rs, pos, RUNE_ERROR);
  offset += size;
  if (r === RUNE_ERROR) return { type: INVALID, word: rs.slice(start, start + offset), rest: start + offset };
  let type: WordType;
  const run = (stop: (c: number) => boolean): void => {
    pos += size;
    while (pos < rs.length) {
      [r, size] = nextValidRune(rs, pos, r);
      if (stop(r)) break;
      offset += size;
      pos += size;
    }
  };
  if (isConnector(r)) {
    type = CONNECTOR;
    run((c) => !isConnector(c));
  } else if (isPunct(r)) {
    type = PUNCT;
    run((c) => !isPunct(c));
  } else if (isUpper(r)) {
    type = UPPER;
    pos += size;
    if (pos < rs.length) {
      [r, size] = nextValidRune(rs, pos, r);
      if (isUpper(r)) {
        let prevSize = size;
        offset += size;
        pos += size;
        while (pos < rs.length) {
          [r, size] = nextValidRune(rs, pos, r);
          if (!isUpper(r)) break;
          prevSize = size;
          offset += size;
          pos += size;
        }
        // An upper-case run followed by a letter gives its last capital to the next word (`HTTPServer`).
        if (pos < rs.length && isAlphabet(r)) {
          offset -= prevSize;
          pos = start + offset;
        }
      } else if (isAlphabet(r)) {
        offset += size;
        pos += size;
        while (pos < rs.length) {
          [r, size] = nextValidRune(rs, pos, r);
          if (!isAlphabet(r) || isUpper(r)) break;
          offset += size;
          pos += size;
        }
      }
    }
  } else if (isAlphabet(r)) {
    type = ALPHABET;
    run((c) => !isAlphabet(c) || isUpper(c));
  } else if (isNumber(r)) {
    type = NUMBER;
    run((c) => !isNumber(c));
  } else {
    type = OTHER;
    pos += size;
    while (pos < rs.length) {
      [r, size] = nextValidRune(rs, pos, r);
      if (size === 0 || isConnector(r) || isAlphabet(r) || isNumber(r) || isPunct(r)) break;
      offset += size;
      pos += size;
    }
  }
  return { type, word: rs.slice(start, start + offset), rest: start + offset };
}

function lowerWord(out: number[], type: WordType, word: readonly number[], connector: number): void {
  if (type !== UPPER && type !== CONNECTOR) {
    out.push(...word);
    return;
  }
  for (const r of word) {
    if (isConnector(r)) out.push(connector);
    else if (isUpper(r)) out.push(toLower(r));
    else out.push(r);
  }
}

/** toDelimitedLower is camelCaseToLowerCase: ToSnakeCase with `_`, ToKebabCase with `-`. */
export function toDelimitedLower(str: string, connectorChar: '_' | '-'): string {
  const rs = runes(str);
  if (rs.length === 0) return '';
  const connector = connectorChar.charCodeAt(0);
  const out: number[] = [];
  let w = nextWord(rs, 0);
  while (w.rest < rs.length) {
    if (w.type !== CONNECTOR) lowerWord(out, w.type, w.word, connector);
    const prev = w.type;
    const last = w.word;
    w = nextWord(rs, w.rest);
    if (prev === NUMBER) {
      while (w.type === ALPHABET || w.type === NUMBER) {
        lowerWord(out, w.type, w.word, connector);
        w = nextWord(rs, w.rest);
      }
      if (w.type !== INVALID && w.type !== PUNCT && w.type !== CONNECTOR) out.push(connector);
    } else if (prev === CONNECTOR) {
      lowerWord(out, prev, last, connector);
    } else if (prev === PUNCT) {
      // nothing between punctuation and the next word
    } else if (w.type !== NUMBER) {
      if (w.type !== CONNECTOR && w.type !== PUNCT) out.push(connector);
    } else if (w.rest < rs.length) {
      const digits = w.word;
      w = nextWord(rs, w.rest);
      if (w.type !== ALPHABET) {
        lowerWord(out, NUMBER, digits, connector);
        if (w.type !== CONNECTOR && w.type !== PUNCT) out.push(connector);
      } else {
        out.push(connector);
        lowerWord(out, NUMBER, digits, connector);
        while (w.type === ALPHABET || w.type === NUMBER) {
          lowerWord(out, w.type, w.word, connector);
          w = nextWord(rs, w.rest);
        }
        if (w.type !== INVALID && w.type !== CONNECTOR && w.type !== PUNCT) out.push(connector);
      }
    }
  }
  lowerWord(out, w.type, w.word, connector);
  return String.fromCodePoint(...out);
}
