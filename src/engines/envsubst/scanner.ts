import { decodeRune } from './bytes.ts';

/**
 * The envsubst scanner, a faithful port of the state machine in fluxcd/pkg/envsubst (forked from drone/envsubst).
 * Its quirks are behaviour users see, so they are kept: it works on bytes, `unread` steps back by the width of the
 * last rune *read or peeked*, an escaped character is removed from the buffer, and a NUL byte ends the input.
 */

export const EOF = 0;

export const Token = { Illegal: 0, EOF: 1, Ident: 2, Lbrack: 3, Rbrack: 4 } as const;
export type Token = (typeof Token)[keyof typeof Token];

/** Mode bits: which tokens `scan` may recognise. */
export const ScanIdent = 1;
export const ScanLbrack = 2;
export const ScanRbrack = 4;
export const ScanEscape = 8;

/** Escape bits: which characters an escape (`$$`, `\/`, `\\`) may produce. */
export const EscDollar = 1;
export const EscBackslash = 2;
export const EscAll = EscDollar | EscBackslash;

/** AcceptFn says whether rune `r` continues an identifier; `i` is the byte offset after it within the token. */
export type AcceptFn = (r: number, i: number) => boolean;

const ch = (c: string): number => c.charCodeAt(0);
const DOLLAR = ch('$');
const LBRACE = ch('{');
const RBRACE = ch('}');
const BACKSLASH = ch('\\');
const SLASH = ch('/');

/** Scanner reads runes and tokens from a byte string. */
export class Scanner {
  buf = '';
  pos = 0;
  start = 0;
  width = 0;
  mode = 0;
  escapeChars = 0;
  accept: AcceptFn = () => false;

  init(buf: string): void {
    this.buf = buf;
    this.pos = 0;
    this.start = 0;
    this.width = 0;
  }

  read(): number {
    if (this.pos >= this.buf.length) {
      this.width = 0;
      return EOF;
    }
    const [r, w] = decodeRune(this.buf, this.pos);
    this.width = w;
    this.pos += w;
    return r;
  }

  unread(): void {
    this.pos -= this.width;
  }

  /** skip removes the byte before the position from the buffer (the first character of an escape). */
  skip(): void {
    this.buf = this.buf.slice(0, this.pos - 1) + this.buf.slice(this.pos);
  }

  peek(): number {
    const r = this.read();
    this.unread();
    return r;
  }

  string(): string {
    return this.buf.slice(this.start, this.pos);
  }

  scan(): Token {
    this.start = this.pos;
    const r = this.read();
    if (r === EOF) return Token.EOF;
    if (this.scanLbrack(r)) return Token.Lbrack;
    if (this.scanRbrack(r)) return Token.Rbrack;
    if (this.scanIdent(r)) return Token.Ident;
    return Token.Illegal;
  }

  private scanIdent(first: number): boolean {
    if ((this.mode & ScanIdent) === 0) return false;
    if (this.scanEscaped(first)) this.skip();
    else if (!this.accept(first, this.pos - this.start)) return false;
    for (;;) {
      const r = this.read();
      if (r === EOF) {
        this.unread();
        break;
      }
      if (this.scanLbrack(r)) {
        this.unread();
        this.unread();
        break;
      }
      if (this.scanEscaped(r)) {
        this.skip();
        continue;
      }
      if (!this.accept(r, this.pos - this.start)) {
        this.unread();
        break;
      }
    }
    return true;
  }

  private scanLbrack(r: number): boolean {
    if ((this.mode & ScanLbrack) === 0) return false;
    if (r === DOLLAR) {
      if (this.read() === LBRACE) return true;
      this.unread();
    }
    return false;
  }

  private scanRbrack(r: number): boolean {
    return (this.mode & ScanRbrack) !== 0 && r === RBRACE;
  }

  private scanEscaped(r: number): boolean {
    if ((this.mode & ScanEscape) === 0) return false;
    if (r === DOLLAR && (this.escapeChars & EscDollar) !== 0 && this.peek() === DOLLAR) return true;
    if (r === BACKSLASH && (this.escapeChars & EscBackslash) !== 0) {
      const next = this.peek();
      return next === SLASH || next === BACKSLASH;
    }
    return false;
  }
}

const isLetter = (r: number): boolean => /\p{L}/u.test(String.fromCodePoint(r));
const isDigit = (r: number): boolean => /\p{Nd}/u.test(String.fromCodePoint(r));

export const acceptRune: AcceptFn = () => true;
export const acceptIdent: AcceptFn = (r) => isLetter(r) || isDigit(r) || r === ch('_');
export const acceptColon: AcceptFn = (r) => r === ch(':');
export const acceptOneHash: AcceptFn = (r, i) => r === ch('#') && i === 1;
export const acceptNotClosing: AcceptFn = (r) => r !== RBRACE;
export const acceptHashFunc: AcceptFn = (r, i) => r === ch('#') && i < 3;
export const acceptPercentFunc: AcceptFn = (r, i) => r === ch('%') && i < 3;
export const acceptDefaultFunc: AcceptFn = (r, i) =>
  (i === 1 && r === ch(':')) || (i === 2 && (r === ch('=') || r === ch('-') || r === ch('?') || r === ch('+')));
export const acceptReplaceFunc: AcceptFn = (r, i) =>
  (i === 1 && r === SLASH) || (i === 2 && (r === SLASH || r === ch('#') || r === ch('%')));
export const acceptOneEqual: AcceptFn = (r, i) => i === 1 && r === ch('=');
export const acceptOneColon: AcceptFn = (r, i) => i === 1 && r === ch(':');
export const rejectColonClose: AcceptFn = (r) => r !== ch(':') && r !== RBRACE;
export const acceptSlash: AcceptFn = (r) => r === SLASH;
export const acceptNotSlash: AcceptFn = (r) => r !== SLASH;
export const acceptCasingFunc: AcceptFn = (r, i) => (r === ch(',') || r === ch('^')) && i < 3;
