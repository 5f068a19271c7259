/**
 * The template lexer: Go's text/template/parse scanner, token for token, so that the parser sees the same items
 * (and reports the same lines) as Go. Positions are UTF-16 offsets into the template text; error messages convert
 * them to Go's byte columns.
 */
import { isDigit, isLetter, isPrint, quote } from './strconv.ts';

/** Item types, numbered like Go's (keywords after KEYWORD). */
export const T = {
  error: 0,
  bool: 1,
  char: 2,
  charConstant: 3,
  comment: 4,
  complex: 5,
  assign: 6,
  declare: 7,
  eof: 8,
  field: 9,
  identifier: 10,
  leftDelim: 11,
  leftParen: 12,
  number: 13,
  pipe: 14,
  rawString: 15,
  rightDelim: 16,
  rightParen: 17,
  space: 18,
  string: 19,
  text: 20,
  variable: 21,
  keyword: 22,
  block: 23,
  break: 24,
  continue: 25,
  dot: 26,
  define: 27,
  else: 28,
  end: 29,
  if: 30,
  nil: 31,
  range: 32,
  template: 33,
  with: 34,
} as const;
export type ItemType = (typeof T)[keyof typeof T];

const KEYWORDS: ReadonlyMap<string, ItemType> = new Map<string, ItemType>(
  Object.entries({
    '.': T.dot,
    block: T.block,
    break: T.break,
    continue: T.continue,
    define: T.define,
    else: T.else,
    end: T.end,
    if: T.if,
    range: T.range,
    nil: T.nil,
    template: T.template,
    with: T.with,
  }) as [string, ItemType][],
);

/** Item is one token: its type, start offset, text and the line it starts on. */
export interface Item {
  readonly typ: ItemType;
  readonly pos: number;
  readonly val: string;
  readonly line: number;
}

/** itemString prints a token as Go's parser does in `unexpected X in Y` messages. */
export function itemString(i: Item): string {
  if (i.typ === T.eof) return 'EOF';
  if (i.typ === T.error) return i.val;
  if (i.typ > T.keyword) return `<${i.val}>`;
  const runes = [...i.val];
  if (runes.length > 10) return quote(runes.slice(0, 10).join('')) + '...';
  return quote(i.val);
}

const EOF = -1;

function isSpace(r: number): boolean {
  return r === 0x20 || r === 0x09 || r === 0x0d || r === 0x0a;
}

function isAlphaNumeric(r: number): boolean {
  if (r < 0x80) return (r >= 0x61 && r <= 0x7a) || (r >= 0x41 && r <= 0x5a) || (r >= 0x30 && r <= 0x39) || r === 0x5f;
  return isLetter(r) || isDigit(r);
}

function hasLeftTrimMarker(s: string, i: number): boolean {
  return s.length - i >= 2 && s.charCodeAt(i) === 0x2d && isSpace(s.charCodeAt(i + 1));
}

function hasRightTrimMarker(s: string, i: number): boolean {
  return s.length - i >= 2 && isSpace(s.charCodeAt(i)) && s.charCodeAt(i + 1) === 0x2d;
}

function countNewlines(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = s.indexOf('\n', from); i >= 0 && i < to; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

function trimLength(s: string, from: number, to: number, fromEnd: boolean): number {
  let n = 0;
  if (fromEnd) {
    for (let i = to - 1; i >= from && isSpace(s.charCodeAt(i)); i--) n++;
  } else {
    for (let i = from; i < to && isSpace(s.charCodeAt(i)); i++) n++;
  }
  return n;
}

type StateFn = ((l: Lexer) => StateFn) | null;

/** Lexer scans one template text; the parser pulls items with {@link Lexer.nextItem}. */
export class Lexer {
  readonly input: string;
  private readonly leftDelim: string;
  private readonly rightDelim: string;
  pos = 0;
  private start = 0;
  private atEOF = false;
  private parenDepth = 0;
  private line = 1;
  private startLine = 1;
  private item: Item = { typ: T.eof, pos: 0, val: 'EOF', line: 1 };
  private insideAction = false;
  private lastWidth = 0;
  breakOK = true;
  continueOK = true;
  emitComment = false;
  private text: string;

  constructor(input: string, left: string, right: string) {
    this.input = input;
    this.text = input;
    this.leftDelim = left || '{{';
    this.rightDelim = right || '}}';
  }

  /** currentLine is the line the scanner has reached. */
  get currentLine(): number {
    return this.line;
  }

  /** nextItem returns the next token. */
  nextItem(): Item {
    this.item = { typ: T.eof, pos: this.pos, val: 'EOF', line: this.startLine };
    let state: StateFn = this.insideAction ? lexInsideAction : lexText;
    while (state !== null) state = state(this);
    return this.item;
  }

  next(): number {
    if (this.pos >= this.text.length) {
      this.atEOF = true;
      this.lastWidth = 0;
      return EOF;
    }
    const r = this.text.codePointAt(this.pos)!;
    this.lastWidth = r > 0xffff ? 2 : 1;
    this.pos += this.lastWidth;
    if (r === 0x0a) this.line++;
    return r;
  }

  peek(): number {
    const r = this.next();
    this.backup();
    return r;
  }

  backup(): void {
    if (!this.atEOF && this.pos > 0) {
      const c = this.text.charCodeAt(this.pos - 1);
      const w =
        c >= 0xdc00 && c < 0xe000 && this.pos > 1 && (this.text.charCodeAt(this.pos - 2) & 0xfc00) === 0xd800 ? 2 : 1;
      this.pos -= w;
      if (c === 0x0a) this.line--;
    }
  }

  private thisItem(typ: ItemType): Item {
    const i: Item = { typ, pos: this.start, val: this.text.slice(this.start, this.pos), line: this.startLine };
    this.start = this.pos;
    this.startLine = this.line;
    return i;
  }

  emit(typ: ItemType): StateFn {
    return this.emitItem(this.thisItem(typ));
  }

  emitItem(i: Item): StateFn {
    this.item = i;
    return null;
  }

  ignore(): void {
    this.line += countNewlines(this.text, this.start, this.pos);
    this.start = this.pos;
    this.startLine = this.line;
  }

  accept(valid: string): boolean {
    const r = this.next();
    if (r !== EOF && valid.includes(String.fromCodePoint(r))) return true;
    this.backup();
    return false;
  }

  acceptRun(valid: string): void {
    for (;;) {
      const r = this.next();
      if (r === EOF || !valid.includes(String.fromCodePoint(r))) break;
    }
    this.backup();
  }

  errorf(message: string): StateFn {
    this.item = { typ: T.error, pos: this.start, val: message, line: this.startLine };
    this.start = 0;
    this.pos = 0;
    this.text = '';
    return null;
  }

  /** atRightDelim reports whether a right delimiter starts here: 0 no, 1 plain, 2 with a trim marker (` -}}`). */
  atRightDelim(): 0 | 1 | 2 {
    const text = this.text;
    const pos = this.pos;
    if (hasRightTrimMarker(text, pos) && text.startsWith(this.rightDelim, pos + 2)) return 2;
    if (text.charCodeAt(pos) === this.rightDelim.charCodeAt(0) && text.startsWith(this.rightDelim, pos)) return 1;
    return 0;
  }

  atTerminator(): boolean {
    if (this.pos >= this.text.length) {
      this.atEOF = true;
      return true;
    }
    const r = this.text.charCodeAt(this.pos);
    if (isSpace(r)) return true;
    switch (r) {
      case 0x2e: // .
      case 0x2c: // ,
      case 0x7c: // |
      case 0x3a: // :
      case 0x29: // )
      case 0x28: // (
        return true;
    }
    return this.text.startsWith(this.rightDelim, this.pos);
  }

  scanNumber(): boolean {
    this.accept('+-');
    let digits = '0123456789_';
    if (this.accept('0')) {
      if (this.accept('xX')) digits = '0123456789abcdefABCDEF_';
      else if (this.accept('oO')) digits = '01234567_';
      else if (this.accept('bB')) digits = '01_';
    }
    this.acceptRun(digits);
    if (this.accept('.')) this.acceptRun(digits);
    if (digits.length === 11 && this.accept('eE')) {
      this.accept('+-');
      this.acceptRun('0123456789_');
    }
    if (digits.length === 23 && this.accept('pP')) {
      this.accept('+-');
      this.acceptRun('0123456789_');
    }
    this.accept('i');
    if (isAlphaNumeric(this.peek())) {
      this.next();
      return false;
    }
    return true;
  }

  // State functions need private access; they are methods invoked through the module-level wrappers below.
  lexText(): StateFn {
    const x = this.text.indexOf(this.leftDelim, this.pos);
    if (x >= 0) {
      if (x > this.pos) {
        this.pos = x;
        let trim = 0;
        const delimEnd = this.pos + this.leftDelim.length;
        if (hasLeftTrimMarker(this.text, delimEnd)) trim = trimLength(this.text, this.start, this.pos, true);
        this.pos -= trim;
        this.line += countNewlines(this.text, this.start, this.pos);
        const i = this.thisItem(T.text);
        this.pos += trim;
        this.ignore();
        if (i.val.length > 0) return this.emitItem(i);
      }
      return lexLeftDelim;
    }
    this.pos = this.text.length;
    if (this.pos > this.start) {
      this.line += countNewlines(this.text, this.start, this.pos);
      return this.emit(T.text);
    }
    return this.emit(T.eof);
  }

  lexLeftDelim(): StateFn {
    this.pos += this.leftDelim.length;
    const trimSpace = hasLeftTrimMarker(this.text, this.pos);
    const afterMarker = trimSpace ? 2 : 0;
    if (this.text.startsWith('/*', this.pos + afterMarker)) {
      this.pos += afterMarker;
      this.ignore();
      return lexComment;
    }
    const i = this.thisItem(T.leftDelim);
    this.insideAction = true;
    this.pos += afterMarker;
    this.ignore();
    this.parenDepth = 0;
    return this.emitItem(i);
  }

  lexComment(): StateFn {
    this.pos += 2;
    const x = this.text.indexOf('*/', this.pos);
    if (x < 0) return this.errorf('unclosed comment');
    this.pos = x + 2;
    const delim = this.atRightDelim();
    const trimSpace = delim === 2;
    if (delim === 0) return this.errorf('comment ends before closing delimiter');
    this.line += countNewlines(this.text, this.start, this.pos);
    const i = this.thisItem(T.comment);
    if (trimSpace) this.pos += 2;
    this.pos += this.rightDelim.length;
    if (trimSpace) this.pos += trimLength(this.text, this.pos, this.text.length, false);
    this.ignore();
    if (this.emitComment) return this.emitItem(i);
    return lexText;
  }

  lexRightDelim(): StateFn {
    const trimSpace = this.atRightDelim() === 2;
    if (trimSpace) {
      this.pos += 2;
      this.ignore();
    }
    this.pos += this.rightDelim.length;
    const i = this.thisItem(T.rightDelim);
    if (trimSpace) {
      this.pos += trimLength(this.text, this.pos, this.text.length, false);
      this.ignore();
    }
    this.insideAction = false;
    return this.emitItem(i);
  }

  lexInsideAction(): StateFn {
    if (this.atRightDelim() !== 0) {
      if (this.parenDepth === 0) return lexRightDelim;
      return this.errorf('unclosed left paren');
    }
    const r = this.next();
    if (r === EOF) return this.errorf('unclosed action');
    if (isSpace(r)) {
      this.backup();
      return lexSpace;
    }
    switch (r) {
      case 0x3d: // =
        return this.emit(T.assign);
      case 0x3a: // :
        if (this.next() !== 0x3d) return this.errorf('expected :=');
        return this.emit(T.declare);
      case 0x7c: // |
        return this.emit(T.pipe);
      case 0x22: // "
        return lexQuote;
      case 0x60: // `
        return lexRawQuote;
      case 0x24: // $
        return lexVariable;
      case 0x27: // '
        return lexChar;
      case 0x28: // (
        this.parenDepth++;
        return this.emit(T.leftParen);
      case 0x29: // )
        this.parenDepth--;
        if (this.parenDepth < 0) return this.errorf('unexpected right paren');
        return this.emit(T.rightParen);
    }
    if (r === 0x2e) {
      if (this.pos < this.text.length) {
        const c = this.text.charCodeAt(this.pos);
        if (c < 0x30 || c > 0x39) return lexField;
      }
      this.backup();
      return lexNumber;
    }
    if (r === 0x2b || r === 0x2d || (r >= 0x30 && r <= 0x39)) {
      this.backup();
      return lexNumber;
    }
    if (isAlphaNumeric(r)) {
      this.backup();
      return lexIdentifier;
    }
    if (r < 0x80 && isPrint(r)) return this.emit(T.char);
    return this.errorf(`unrecognized character in action: ${unicodeName(r)}`);
  }

  lexSpace(): StateFn {
    let numSpaces = 0;
    const text = this.text;
    for (;;) {
      if (this.pos >= text.length) {
        this.atEOF = true;
        break;
      }
      const c = text.charCodeAt(this.pos);
      if (!isSpace(c)) break;
      this.pos++;
      if (c === 0x0a) this.line++;
      numSpaces++;
    }
    if (hasRightTrimMarker(this.text, this.pos - 1) && this.text.startsWith(this.rightDelim, this.pos + 1)) {
      this.backup();
      if (numSpaces === 1) return lexRightDelim;
    }
    return this.emit(T.space);
  }

  /** scanAlnum moves past letters, digits and underscores; returns the rune it stopped at (EOF at the end). */
  private scanAlnum(): number {
    const text = this.text;
    for (;;) {
      if (this.pos >= text.length) {
        this.atEOF = true;
        return EOF;
      }
      const c = text.charCodeAt(this.pos);
      if (c < 0x80) {
        if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f) {
          this.pos++;
          continue;
        }
        return c;
      }
      const r = text.codePointAt(this.pos)!;
      if (!isAlphaNumeric(r)) return r;
      this.pos += r > 0xffff ? 2 : 1;
    }
  }

  lexIdentifier(): StateFn {
    {
      const r = this.scanAlnum();
      const word = this.text.slice(this.start, this.pos);
      if (!this.atTerminator()) return this.errorf(`bad character ${unicodeName(r)}`);
      const kw = KEYWORDS.get(word);
      if (kw !== undefined && kw > T.keyword) {
        if ((kw === T.break && !this.breakOK) || (kw === T.continue && !this.continueOK)) {
          return this.emit(T.identifier);
        }
        return this.emit(kw);
      }
      if (word[0] === '.') return this.emit(T.field);
      if (word === 'true' || word === 'false') return this.emit(T.bool);
      return this.emit(T.identifier);
    }
  }

  lexFieldOrVariable(typ: ItemType): StateFn {
    if (this.atTerminator()) {
      if (typ === T.variable) return this.emit(T.variable);
      return this.emit(T.dot);
    }
    const r = this.scanAlnum();
    if (!this.atTerminator()) return this.errorf(`bad character ${unicodeName(r)}`);
    return this.emit(typ);
  }

  lexVariable(): StateFn {
    if (this.atTerminator()) return this.emit(T.variable);
    return this.lexFieldOrVariable(T.variable);
  }

  lexChar(): StateFn {
    for (;;) {
      let r = this.next();
      if (r === 0x5c) {
        r = this.next();
        if (r !== EOF && r !== 0x0a) continue;
        return this.errorf('unterminated character constant');
      }
      if (r === EOF || r === 0x0a) return this.errorf('unterminated character constant');
      if (r === 0x27) break;
    }
    return this.emit(T.charConstant);
  }

  lexNumber(): StateFn {
    if (!this.scanNumber()) return this.errorf(`bad number syntax: ${quote(this.text.slice(this.start, this.pos))}`);
    const sign = this.peek();
    if (sign === 0x2b || sign === 0x2d) {
      if (!this.scanNumber() || this.text.charCodeAt(this.pos - 1) !== 0x69) {
        return this.errorf(`bad number syntax: ${quote(this.text.slice(this.start, this.pos))}`);
      }
      return this.emit(T.complex);
    }
    return this.emit(T.number);
  }

  lexQuote(): StateFn {
    for (;;) {
      let r = this.next();
      if (r === 0x5c) {
        r = this.next();
        if (r !== EOF && r !== 0x0a) continue;
        return this.errorf('unterminated quoted string');
      }
      if (r === EOF || r === 0x0a) return this.errorf('unterminated quoted string');
      if (r === 0x22) break;
    }
    return this.emit(T.string);
  }

  lexRawQuote(): StateFn {
    for (;;) {
      const r = this.next();
      if (r === EOF) return this.errorf('unterminated raw quoted string');
      if (r === 0x60) break;
    }
    return this.emit(T.rawString);
  }
}

/** unicodeName prints a rune as Go's `%#U`: `U+0041 'A'`, or just `U+00A0` when not printable. */
export function unicodeName(r: number): string {
  if (r < 0) return 'U+FFFFFFFFFFFFFFFF';
  let h = r.toString(16).toUpperCase();
  while (h.length < 4) h = '0' + h;
  return isPrint(r) ? `U+${h} '${String.fromCodePoint(r)}'` : `U+${h}`;
}

const lexText = (l: Lexer): StateFn => l.lexText();
const lexLeftDelim = (l: Lexer): StateFn => l.lexLeftDelim();
const lexComment = (l: Lexer): StateFn => l.lexComment();
const lexRightDelim = (l: Lexer): StateFn => l.lexRightDelim();
const lexInsideAction = (l: Lexer): StateFn => l.lexInsideAction();
const lexSpace = (l: Lexer): StateFn => l.lexSpace();
const lexIdentifier = (l: Lexer): StateFn => l.lexIdentifier();
const lexField = (l: Lexer): StateFn => l.lexFieldOrVariable(T.field);
const lexVariable = (l: Lexer): StateFn => l.lexVariable();
const lexChar = (l: Lexer): StateFn => l.lexChar();
const lexNumber = (l: Lexer): StateFn => l.lexNumber();
const lexQuote = (l: Lexer): StateFn => l.lexQuote();
const lexRawQuote = (l: Lexer): StateFn => l.lexRawQuote();
