/**
 * Go's strconv as the template engine needs it: float formatting (shortest and fixed precision, 'e' 'E' 'f' 'g'
 * 'G' 'b' 'x' 'X'), quoting (`Quote`, `QuoteToASCII`, `QuoteRune`), unquoting of Go literals, and number parsing
 * with Go's base prefixes and underscore rules.
 *
 * Shortest float digits come from JavaScript, whose Number-to-string conversion picks the same shortest,
 * closest digit string as Go. Fixed precision is computed from the exact binary value with BigInt and rounded
 * half-to-even, as Go's decimal conversion does (JavaScript's toFixed rounds ties away from zero).
 */

import { utf8Decode } from './values.ts';

/** Digits is a decimal digit string `d` with the decimal point before digit index `dp` (value = 0.d × 10^dp). */
interface Digits {
  d: string;
  dp: number;
}

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

function floatParts(v: number): { neg: boolean; mant: bigint; exp: number } {
  f64[0] = v;
  const bits = u64[0]!;
  const neg = bits >> 63n !== 0n;
  let exp = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  if (exp === 0) exp = 1;
  else mant |= 1n << 52n;
  return { neg, mant, exp: exp - 1023 };
}

/** shortestDigits returns the shortest digits that round-trip `v` (v finite, non-zero, positive). */
function shortestDigits(v: number): Digits {
  const s = v.toExponential(); // d.ddde±x, shortest round-trip digits
  const e = s.indexOf('e');
  const d = s.slice(0, e).replace('.', '');
  return { d, dp: Number(s.slice(e + 1)) + 1 };
}

/** exactDigits returns every digit of the exact binary value of `v` (finite, positive). */
function exactDigits(v: number): Digits {
  const { mant, exp } = floatParts(v);
  if (mant === 0n) return { d: '', dp: 0 };
  const shift = exp - 52;
  let d: string;
  let dp: number;
  if (shift >= 0) {
    d = (mant << BigInt(shift)).toString();
    dp = d.length;
  } else {
    // mant / 2^k = mant × 5^k / 10^k
    const k = -shift;
    d = (mant * 5n ** BigInt(k)).toString();
    dp = d.length - k;
  }
  d = d.replace(/0+$/, '');
  const lead = d.match(/^0*/)![0].length;
  return { d: d.slice(lead), dp: dp - lead };
}

/** roundDigits rounds to `nd` digits as Go's decimal.Round does (half to even on exact ties). */
function roundDigits(x: Digits, nd: number): Digits {
  if (nd < 0 || nd >= x.d.length) return x;
  const c = x.d.charCodeAt(nd);
  let up: boolean;
  if (c === 0x35 /* 5 */ && nd + 1 === x.d.length) up = nd > 0 && (x.d.charCodeAt(nd - 1) - 0x30) % 2 !== 0;
  else up = c >= 0x35;
  if (!up) {
    let d = x.d.slice(0, nd);
    d = d.replace(/0+$/, '');
    return { d, dp: d.length === 0 ? 0 : x.dp };
  }
  // Round up: increment the last kept digit, carrying over nines.
  let i = nd - 1;
  while (i >= 0 && x.d[i] === '9') i--;
  if (i < 0) return { d: '1', dp: x.dp + 1 };
  return { d: x.d.slice(0, i) + String.fromCharCode(x.d.charCodeAt(i) + 1), dp: x.dp };
}

function fmtE(neg: boolean, x: Digits, prec: number, ch: string): string {
  let s = neg ? '-' : '';
  s += x.d.length ? x.d[0] : '0';
  if (prec > 0) {
    s += '.';
    const m = Math.min(x.d.length, prec + 1);
    s += x.d.slice(1, m);
    for (let i = Math.max(m, 1); i <= prec; i++) s += '0';
  }
  s += ch;
  let exp = x.d.length === 0 ? 0 : x.dp - 1;
  if (exp < 0) {
    s += '-';
    exp = -exp;
  } else s += '+';
  return s + (exp < 10 ? '0' + exp : String(exp));
}

function fmtF(neg: boolean, x: Digits, prec: number): string {
  let s = neg ? '-' : '';
  if (x.dp > 0) {
    const m = Math.min(x.d.length, x.dp);
    s += x.d.slice(0, m);
    for (let i = m; i < x.dp; i++) s += '0';
  } else s += '0';
  if (prec > 0) {
    s += '.';
    for (let i = 0; i < prec; i++) {
      const j = x.dp + i;
      s += j >= 0 && j < x.d.length ? x.d[j] : '0';
    }
  }
  return s;
}

/**
 * formatFloat is Go's strconv.FormatFloat(v, fmt, prec, 64): `prec` -1 means the shortest representation that
 * round-trips; `%v` of a float64 is formatFloat(v, 'g', -1).
 */
export function formatFloat(v: number, fmt: string, prec: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const neg = v < 0 || Object.is(v, -0);
  const a = Math.abs(v);
  if (fmt === 'b') return fmtB(v);
  if (fmt === 'x' || fmt === 'X') return fmtX(v, prec, fmt);
  const shortest = prec < 0;
  let x: Digits;
  if (a === 0) x = { d: '', dp: 0 };
  else if (shortest) x = shortestDigits(a);
  else {
    x = exactDigits(a);
    switch (fmt) {
      case 'e':
      case 'E':
        x = roundDigits(x, prec + 1);
        break;
      case 'f':
        x = roundDigits(x, x.dp + prec);
        break;
      case 'g':
      case 'G':
        if (prec === 0) prec = 1;
        x = roundDigits(x, prec);
        break;
    }
  }
  if (shortest) {
    switch (fmt) {
      case 'e':
      case 'E':
        prec = Math.max(x.d.length - 1, 0);
        break;
      case 'f':
        prec = Math.max(x.d.length - x.dp, 0);
        break;
      case 'g':
      case 'G':
        prec = x.d.length;
        break;
    }
  }
  switch (fmt) {
    case 'e':
    case 'E':
      return fmtE(neg, x, prec, fmt);
    case 'f':
      return fmtF(neg, x, prec);
    case 'g':
    case 'G': {
      let eprec = prec;
      if (eprec > x.d.length && x.d.length >= x.dp) eprec = x.d.length;
      if (shortest) eprec = 6;
      const exp = x.dp - 1;
      if (exp < -4 || exp >= eprec) {
        if (prec > x.d.length) prec = x.d.length;
        return fmtE(neg, x, prec - 1, fmt === 'g' ? 'e' : 'E');
      }
      if (prec > x.dp) prec = x.d.length;
      return fmtF(neg, x, Math.max(prec - x.dp, 0));
    }
  }
  return '%' + fmt;
}

function fmtB(v: number): string {
  const { neg, mant, exp } = floatParts(v);
  const e = exp - 52;
  return `${neg ? '-' : ''}${mant}p${e >= 0 ? '+' : ''}${e}`;
}

function fmtX(v: number, prec: number, fmt: string): string {
  const { neg, mant: m0, exp: e0 } = floatParts(v);
  let mant = m0;
  let exp = e0;
  if (mant === 0n) exp = 0;
  // Shift the leading 1 to bit 60.
  mant <<= 60n - 52n;
  while (mant !== 0n && (mant & (1n << 60n)) === 0n) {
    mant <<= 1n;
    exp--;
  }
  if (prec >= 0 && prec < 15) {
    const shift = BigInt(prec * 4);
    const extra = (mant << shift) & ((1n << 60n) - 1n);
    mant >>= 60n - shift;
    if ((extra | (mant & 1n)) > 1n << 59n) mant++;
    mant <<= 60n - shift;
    if ((mant & (1n << 61n)) !== 0n) {
      mant >>= 1n;
      exp++;
    }
  }
  const hex = fmt === 'X' ? '0123456789ABCDEF' : '0123456789abcdef';
  let s = neg ? '-' : '';
  s += '0' + (fmt === 'X' ? 'X' : 'x') + String.fromCharCode(0x30 + Number((mant >> 60n) & 1n));
  mant <<= 4n;
  mant &= (1n << 64n) - 1n;
  if (prec < 0 && mant !== 0n) {
    s += '.';
    while (mant !== 0n) {
      s += hex[Number((mant >> 60n) & 15n)];
      mant = (mant << 4n) & ((1n << 64n) - 1n);
    }
  } else if (prec > 0) {
    s += '.';
    for (let i = 0; i < prec; i++) {
      s += hex[Number((mant >> 60n) & 15n)];
      mant = (mant << 4n) & ((1n << 64n) - 1n);
    }
  }
  s += fmt === 'X' ? 'P' : 'p';
  if (exp < 0) {
    s += '-';
    exp = -exp;
  } else s += '+';
  return s + (exp < 10 ? '0' + exp : String(exp));
}

// ---- Unicode classes (Go's unicode tables, through JavaScript's Unicode property escapes) ----

const printRe = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;
const graphicRe = /^[\p{L}\p{M}\p{N}\p{P}\p{S}\p{Zs}]$/u;
const letterRe = /^\p{L}$/u;
const digitRe = /^\p{Nd}$/u;
const spaceRe = /^\s$/u;

/** isPrint is Go's strconv.IsPrint / unicode.IsPrint: letters, marks, numbers, punctuation, symbols, ASCII space. */
export function isPrint(r: number): boolean {
  if (r < 0x80) return r >= 0x20 && r < 0x7f;
  if (r > 0x10ffff || (r >= 0xd800 && r < 0xe000)) return false;
  return printRe.test(String.fromCodePoint(r));
}

/** isGraphic is Go's unicode.IsGraphic: isPrint plus the Unicode space separators. */
export function isGraphic(r: number): boolean {
  if (r < 0x80) return r >= 0x20 && r < 0x7f;
  if (r > 0x10ffff || (r >= 0xd800 && r < 0xe000)) return false;
  return graphicRe.test(String.fromCodePoint(r));
}

/** isLetter is Go's unicode.IsLetter. */
export function isLetter(r: number): boolean {
  if (r < 0x80) return (r >= 0x41 && r <= 0x5a) || (r >= 0x61 && r <= 0x7a);
  if (r > 0x10ffff || (r >= 0xd800 && r < 0xe000)) return false;
  return letterRe.test(String.fromCodePoint(r));
}

/** isDigit is Go's unicode.IsDigit (decimal digits of any script). */
export function isDigit(r: number): boolean {
  if (r < 0x80) return r >= 0x30 && r <= 0x39;
  if (r > 0x10ffff || (r >= 0xd800 && r < 0xe000)) return false;
  return digitRe.test(String.fromCodePoint(r));
}

/** isSpace is Go's unicode.IsSpace. */
export function isSpace(r: number): boolean {
  if (r < 0x80) return r === 0x20 || (r >= 0x09 && r <= 0x0d);
  if (r === 0x85 || r === 0xa0) return true;
  if (r > 0x10ffff || (r >= 0xd800 && r < 0xe000)) return false;
  return spaceRe.test(String.fromCodePoint(r)) && r !== 0xfeff;
}

// ---- Quoting ----

const lowerhex = '0123456789abcdef';

function hex(n: number, digits: number): string {
  let s = '';
  for (let i = (digits - 1) * 4; i >= 0; i -= 4) s += lowerhex[(n >>> i) & 15];
  return s;
}

function escapeRune(r: number, quote: number, asciiOnly: boolean, graphicOnly: boolean): string {
  if (r === quote || r === 0x5c) return '\\' + String.fromCharCode(r);
  if (asciiOnly) {
    if (r < 0x80 && isPrint(r)) return String.fromCharCode(r);
  } else if (isPrint(r) || (graphicOnly && isGraphic(r))) return String.fromCodePoint(r);
  switch (r) {
    case 7:
      return '\\a';
    case 8:
      return '\\b';
    case 12:
      return '\\f';
    case 10:
      return '\\n';
    case 13:
      return '\\r';
    case 9:
      return '\\t';
    case 11:
      return '\\v';
  }
  if (r < 0x20 || r === 0x7f) return '\\x' + hex(r, 2);
  if (r > 0x10ffff || (r >= 0xd800 && r < 0xe000)) r = 0xfffd;
  if (r < 0x10000) return '\\u' + hex(r, 4);
  return '\\U' + hex(r, 8);
}

function quoteWith(s: string, quote: number, asciiOnly: boolean, graphicOnly: boolean): string {
  let out = String.fromCharCode(quote);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f && c !== quote && c !== 0x5c) {
      out += s[i];
      continue;
    }
    let r = c;
    if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) {
      const lo = s.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo < 0xe000) {
        r = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
        i++;
      }
    }
    // A lone U+DC80..U+DCFF is a byte escape (values.ts): the invalid byte Go prints as \xNN. Other lone
    // surrogates cannot come from Go bytes; they print as U+FFFD.
    if (r >= 0xdc80 && r <= 0xdcff) {
      out += '\\x' + hex(r - 0xdc00, 2);
      continue;
    }
    if (r >= 0xd800 && r < 0xe000) r = 0xfffd;
    out += escapeRune(r, quote, asciiOnly, graphicOnly);
  }
  return out + String.fromCharCode(quote);
}

/**
 * decodeRune is Go's utf8.DecodeRune: the rune at `b[i]` and its width; invalid or short encodings are U+FFFD
 * with width 1.
 */
export function decodeRune(b: Uint8Array, i: number): [rune: number, width: number] {
  const c0 = b[i]!;
  if (c0 < 0x80) return [c0, 1];
  const need = c0 >= 0xf0 && c0 <= 0xf4 ? 4 : c0 >= 0xe0 && c0 <= 0xef ? 3 : c0 >= 0xc2 && c0 <= 0xdf ? 2 : 0;
  if (need === 0 || i + need > b.length) return [0xfffd, 1];
  let r = need === 2 ? c0 & 0x1f : need === 3 ? c0 & 0x0f : c0 & 0x07;
  for (let k = 1; k < need; k++) {
    const c = b[i + k]!;
    if ((c & 0xc0) !== 0x80) return [0xfffd, 1];
    // Second-byte ranges that exclude overlong forms, surrogates and values above U+10FFFF.
    if (k === 1) {
      if (c0 === 0xe0 && c < 0xa0) return [0xfffd, 1];
      if (c0 === 0xed && c > 0x9f) return [0xfffd, 1];
      if (c0 === 0xf0 && c < 0x90) return [0xfffd, 1];
      if (c0 === 0xf4 && c > 0x8f) return [0xfffd, 1];
    }
    r = (r << 6) | (c & 0x3f);
  }
  return [r, need];
}

/** quoteBytes is Go's strconv.Quote of a byte string that may hold invalid UTF-8 (printed as `\xNN`). */
export function quoteBytes(b: Uint8Array, asciiOnly = false): string {
  let out = '"';
  for (let i = 0; i < b.length;) {
    const [r, w] = decodeRune(b, i);
    if (w === 1 && r === 0xfffd) out += '\\x' + hex(b[i]!, 2);
    else out += escapeRune(r, 0x22, asciiOnly, false);
    i += w;
  }
  return out + '"';
}

/** quote is Go's strconv.Quote (what `%q` and Sprig's `quote` print). */
export function quote(s: string): string {
  return quoteWith(s, 0x22, false, false);
}

/** quoteToASCII is Go's strconv.QuoteToASCII (`%+q`). */
export function quoteToASCII(s: string): string {
  return quoteWith(s, 0x22, true, false);
}

/** quoteRune is Go's strconv.QuoteRune (`%q` of an integer). */
export function quoteRune(r: number, asciiOnly = false): string {
  if (r > 0x10ffff || r < 0 || (r >= 0xd800 && r < 0xe000)) r = 0xfffd;
  return "'" + escapeRune(r, 0x27, asciiOnly, false) + "'";
}

/** canBackquote is Go's strconv.CanBackquote (`%#q` prints a raw string when true). */
export function canBackquote(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0xfeff) return false;
    if (c >= 0x80) {
      if (c >= 0xd800 && c < 0xe000) {
        const lo = s.charCodeAt(i + 1);
        if (c < 0xdc00 && lo >= 0xdc00 && lo < 0xe000) {
          i++;
          continue;
        }
        return false;
      }
      if (c === 0xfffd) return false;
      continue;
    }
    if ((c < 0x20 && c !== 9) || c === 0x60 || c === 0x7f) return false;
  }
  return true;
}

/** StrconvSyntaxError is strconv.ErrSyntax ("invalid syntax"). */
export class StrconvSyntaxError extends Error {
  constructor() {
    super('invalid syntax');
    this.name = 'StrconvSyntaxError';
  }
}

function unhex(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

/** A decoded escape: a code point, or a raw byte (`\xNN`, octal) that UTF-8 assembly must handle. */
interface Unquoted {
  value: number;
  byte: boolean;
  next: number;
}

/**
 * unquoteChar decodes the character or escape at `s[i]` as Go's strconv.UnquoteChar does; throws
 * StrconvSyntaxError.
 */
export function unquoteChar(s: string, i: number, quoteChar: number): Unquoted {
  if (i >= s.length) throw new StrconvSyntaxError();
  const c = s.charCodeAt(i);
  if (c === quoteChar && (quoteChar === 0x27 || quoteChar === 0x22)) throw new StrconvSyntaxError();
  if (c !== 0x5c) {
    const cp = s.codePointAt(i)!;
    return { value: cp, byte: false, next: i + (cp > 0xffff ? 2 : 1) };
  }
  if (i + 1 >= s.length) throw new StrconvSyntaxError();
  const e = s[i + 1];
  let j = i + 2;
  const simple: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 0x5c };
  if (e !== undefined && simple[e] !== undefined) return { value: simple[e], byte: false, next: j };
  switch (e) {
    case 'x':
    case 'u':
    case 'U': {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      if (s.length - j < n) throw new StrconvSyntaxError();
      let v = 0;
      for (let k = 0; k < n; k++) {
        const x = unhex(s.charCodeAt(j + k));
        if (x < 0) throw new StrconvSyntaxError();
        v = v * 16 + x;
      }
      j += n;
      if (e === 'x') return { value: v, byte: true, next: j };
      if (v > 0x10ffff || (v >= 0xd800 && v < 0xe000)) throw new StrconvSyntaxError();
      return { value: v, byte: false, next: j };
    }
    case '0':
    case '1':
    case '2':
    case '3':
    case '4':
    case '5':
    case '6':
    case '7': {
      let v = e.charCodeAt(0) - 0x30;
      if (s.length - j < 2) throw new StrconvSyntaxError();
      for (let k = 0; k < 2; k++) {
        const x = s.charCodeAt(j + k) - 0x30;
        if (x < 0 || x > 7) throw new StrconvSyntaxError();
        v = (v << 3) | x;
      }
      j += 2;
      if (v > 255) throw new StrconvSyntaxError();
      return { value: v, byte: true, next: j };
    }
    case "'":
    case '"':
      if (e.charCodeAt(0) !== quoteChar) throw new StrconvSyntaxError();
      return { value: e.charCodeAt(0), byte: false, next: j };
  }
  throw new StrconvSyntaxError();
}

/**
 * unquote is Go's strconv.Unquote for the string literals templates accept: "interpreted", `raw` (carriage
 * returns removed) and 'c'. Escaped bytes that do not form valid UTF-8 stay bytes (byte escapes, values.ts). Throws
 * StrconvSyntaxError.
 */
export function unquote(s: string): string {
  if (s.length < 2) throw new StrconvSyntaxError();
  const q = s.charCodeAt(0);
  if (q === 0x60) {
    if (s.charCodeAt(s.length - 1) !== 0x60 || s.indexOf('`', 1) !== s.length - 1) throw new StrconvSyntaxError();
    return s.slice(1, -1).replaceAll('\r', '');
  }
  if (q !== 0x22 && q !== 0x27) throw new StrconvSyntaxError();
  if (s.charCodeAt(s.length - 1) !== q) throw new StrconvSyntaxError();
  const body = s.slice(0, -1);
  let out = '';
  let bytes: number[] | undefined;
  const flush = (): void => {
    if (bytes !== undefined) {
      out += utf8Decode(Uint8Array.from(bytes));
      bytes = undefined;
    }
  };
  let i = 1;
  let count = 0;
  while (i < body.length) {
    if (body.charCodeAt(i) === 0x0a) throw new StrconvSyntaxError();
    const u = unquoteChar(body, i, q);
    i = u.next;
    count++;
    if (u.byte && u.value >= 0x80) {
      (bytes ??= []).push(u.value);
    } else {
      flush();
      out += String.fromCodePoint(u.value);
    }
    if (q === 0x27) break;
  }
  flush();
  if (i !== body.length || (q === 0x27 && count !== 1)) throw new StrconvSyntaxError();
  return out;
}

// ---- Number parsing ----

/** underscoreOK is Go's rule for `_` digit separators: only between digits or after a base prefix. */
function underscoreOK(s: string): boolean {
  let saw = '^';
  let i = 0;
  if (s.length >= 1 && (s[0] === '-' || s[0] === '+')) s = s.slice(1);
  let hexDigits = false;
  if (s.length >= 2 && s[0] === '0' && 'bBoOxX'.includes(s[1]!)) {
    i = 2;
    saw = '0';
    hexDigits = s[1] === 'x' || s[1] === 'X';
  }
  for (; i < s.length; i++) {
    const c = s[i]!;
    if ((c >= '0' && c <= '9') || (hexDigits && /[a-fA-F]/.test(c))) {
      saw = '0';
      continue;
    }
    if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}

/** parseUint is Go's strconv.ParseUint(s, 0, 64); `undefined` on any error. */
export function parseUint(s: string): bigint | undefined {
  if (s === '') return undefined;
  const s0 = s;
  let base = 10;
  if (s[0] === '0') {
    const p = s[1]?.toLowerCase();
    if (s.length >= 3 && p === 'b') [base, s] = [2, s.slice(2)];
    else if (s.length >= 3 && p === 'o') [base, s] = [8, s.slice(2)];
    else if (s.length >= 3 && p === 'x') [base, s] = [16, s.slice(2)];
    else [base, s] = [8, s.slice(1)];
  }
  let n = 0n;
  let underscores = false;
  const b = BigInt(base);
  for (const c of s) {
    if (c === '_') {
      underscores = true;
      continue;
    }
    const lc = c.toLowerCase();
    let d: number;
    if (c >= '0' && c <= '9') d = c.charCodeAt(0) - 0x30;
    else if (lc >= 'a' && lc <= 'z' && lc.length === 1) d = lc.charCodeAt(0) - 0x61 + 10;
    else return undefined;
    if (d >= base) return undefined;
    n = n * b + BigInt(d);
    if (n > 0xffffffffffffffffn) return undefined;
  }
  if (underscores && !underscoreOK(s0)) return undefined;
  return n;
}

/** parseInt64 is Go's strconv.ParseInt(s, 0, 64); `undefined` on any error. */
export function parseInt64(s: string): bigint | undefined {
  if (s === '') return undefined;
  let neg = false;
  if (s[0] === '+') s = s.slice(1);
  else if (s[0] === '-') [neg, s] = [true, s.slice(1)];
  const u = parseUint(s);
  if (u === undefined) return undefined;
  if (!neg && u >= 1n << 63n) return undefined;
  if (neg && u > 1n << 63n) return undefined;
  return neg ? -u : u;
}

/**
 * parseFloat is Go's strconv.ParseFloat(s, 64) for the literals templates produce: decimal and hexadecimal
 * (`0x1p-2`) forms, `_` separators, `inf`/`nan`. `undefined` on syntax errors and on overflow (Go's ErrRange).
 */
export function parseFloat(s: string): number | undefined {
  const special = /^([+-]?)(inf|infinity|nan)$/i.exec(s);
  if (special) {
    if (special[2]!.toLowerCase() === 'nan') return special[1] === '' ? NaN : undefined;
    return special[1] === '-' ? -Infinity : Infinity;
  }
  const hexFloat = /^([+-]?)0[xX]([0-9a-fA-F_]*)(?:\.([0-9a-fA-F_]*))?[pP]([+-]?[0-9_]+)$/.exec(s);
  if (hexFloat) {
    if (s.includes('_') && !underscoreOK(s.replace(/[pP].*$/, ''))) return undefined;
    const int = hexFloat[2]!.replaceAll('_', '');
    const frac = (hexFloat[3] ?? '').replaceAll('_', '');
    if (int === '' && frac === '') return undefined;
    const mant = BigInt('0x' + (int + frac || '0'));
    const exp = Number(hexFloat[4]!.replaceAll('_', '')) - 4 * frac.length;
    const v = hexToFloat(mant, exp);
    if (!Number.isFinite(v)) return undefined;
    return hexFloat[1] === '-' ? -v : v;
  }
  if (!/^[+-]?(?:[0-9_]+\.?[0-9_]*|\.[0-9_]+)(?:[eE][+-]?[0-9_]+)?$/.test(s) || !/[0-9]/.test(s)) return undefined;
  if (s.includes('_')) {
    if (!underscoreOK(s)) return undefined;
    s = s.replaceAll('_', '');
  }
  const v = Number(s);
  if (Number.isNaN(v) || !Number.isFinite(v)) return undefined;
  return v;
}

function hexToFloat(mant: bigint, exp: number): number {
  if (mant === 0n) return 0;
  // Normalise to 64 significant bits, then let Number() round the integer and scale by a power of two.
  const bits = mant.toString(2).length;
  if (bits > 64) {
    const drop = bits - 64;
    const sticky = (mant & ((1n << BigInt(drop)) - 1n)) !== 0n ? 1n : 0n;
    mant = (mant >> BigInt(drop)) | sticky;
    exp += drop;
  }
  return Number(mant) * 2 ** exp;
}

/** formatInt formats a Go integer in `base` (2, 8, 10, 16), lower-case digits. */
export function formatInt(v: bigint, base: number): string {
  return v.toString(base);
}
