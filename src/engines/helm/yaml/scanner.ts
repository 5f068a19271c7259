import { type Mark, YamlError } from './errors.ts';
import { Source } from './source.ts';

/**
 * The tokenizer of a YAML 1.1 reader that fails exactly where go-yaml v2 (libyaml's design) fails, with its
 * messages and line numbers: Helm prints those messages, so the scanner keeps libyaml's model of tokens, the
 * indentation stack and "simple keys" (a scalar or collection that becomes a mapping key once a `:` follows on the
 * same line, within 1024 characters).
 */

export const T = {
  StreamStart: 1,
  StreamEnd: 2,
  VersionDirective: 3,
  TagDirective: 4,
  DocumentStart: 5,
  DocumentEnd: 6,
  BlockSequenceStart: 7,
  BlockMappingStart: 8,
  BlockEnd: 9,
  FlowSequenceStart: 10,
  FlowSequenceEnd: 11,
  FlowMappingStart: 12,
  FlowMappingEnd: 13,
  BlockEntry: 14,
  FlowEntry: 15,
  Key: 16,
  Value: 17,
  Alias: 18,
  Anchor: 19,
  Tag: 20,
  Scalar: 21,
} as const;
export type TokenType = (typeof T)[keyof typeof T];

export const ScalarStyle = { Plain: 1, Single: 2, Double: 3, Literal: 4, Folded: 5 } as const;
export type ScalarStyle = (typeof ScalarStyle)[keyof typeof ScalarStyle];

export interface Token {
  type: TokenType;
  start: Mark;
  end: Mark;
  /** value: scalar text, anchor/alias name, tag handle, directive handle. */
  value: string;
  /** suffix: tag suffix or %TAG prefix. */
  suffix: string;
  style: ScalarStyle;
  major: number;
  minor: number;
}

interface SimpleKey {
  possible: boolean;
  required: boolean;
  tokenNumber: number;
  mark: Mark;
}

const MAX_FLOW_LEVEL = 10000;
const MAX_INDENTS = 10000;

function isAlphaCode(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x2d;
}
function isHexCode(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}
function hexValue(c: number): number {
  return c <= 0x39 ? c - 0x30 : c <= 0x46 ? c - 0x37 : c - 0x57;
}
function isBreakCode(c: number): boolean {
  return c === 0x0d || c === 0x0a || c === 0x85 || c === 0x2028 || c === 0x2029;
}
/** NUL stands for the end of the input, as in go-yaml's buffer. */
function isBreakZ(c: number): boolean {
  return isBreakCode(c) || c === 0;
}
function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09;
}
function isBlankZ(c: number): boolean {
  return isBlank(c) || isBreakZ(c);
}

function newToken(type: TokenType, start: Mark, end: Mark): Token {
  return { type, start, end, value: '', suffix: '', style: ScalarStyle.Plain, major: 0, minor: 0 };
}

export class Scanner {
  private readonly src: Source;
  private readonly text: string;
  /** pos is the UTF-16 index of the next character. */
  private pos = 0;
  private index = 0;
  private line = 0;
  private column = 0;

  private readonly tokens: Token[] = [];
  private head = 0;
  /** tokensParsed counts tokens handed to the parser. */
  private tokensParsed = 0;
  private tokenAvailable = false;
  private streamStartProduced = false;
  private streamEndProduced = false;

  private indent = -1;
  private readonly indents: number[] = [];
  private simpleKeyAllowed = false;
  private readonly simpleKeys: SimpleKey[] = [];
  private readonly simpleKeysByTok = new Map<number, number>();
  private flowLevel = 0;

  constructor(source: Source | string) {
    this.src = typeof source === 'string' ? new Source(source) : source;
    this.text = this.src.text;
  }

  // ---- characters ----

  /** at returns the UTF-16 code of the character k positions ahead (code units), 0 past the end. */
  private at(k = 0): number {
    const p = this.pos + k;
    if (p >= this.src.visibleEnd) this.src.decodeMore();
    return p < this.text.length ? this.text.charCodeAt(p) : 0;
  }

  /** width is the number of UTF-16 units of the character at pos. */
  private width(): number {
    const c = this.text.charCodeAt(this.pos);
    return c >= 0xd800 && c <= 0xdbff ? 2 : 1;
  }

  private mark(): Mark {
    return { index: this.index, line: this.line, column: this.column };
  }

  private skip(): void {
    this.pos += this.width();
    this.index++;
    this.column++;
  }

  private skipLine(): void {
    const c = this.at();
    if (c === 0x0d && this.at(1) === 0x0a) {
      this.pos += 2;
      this.index += 2;
      this.column = 0;
      this.line++;
    } else if (isBreakCode(c)) {
      this.pos++;
      this.index++;
      this.column = 0;
      this.line++;
    }
  }

  /** read appends the current character to s and advances. */
  private read(s: string[]): void {
    const w = this.width();
    s.push(w === 1 ? this.text[this.pos]! : this.text.slice(this.pos, this.pos + 2));
    this.pos += w;
    this.index++;
    this.column++;
  }

  /** readLine appends a line break (normalised to \n, except LS/PS) and advances past it. */
  private readLine(s: string[]): void {
    const c = this.at();
    if (c === 0x0d && this.at(1) === 0x0a) {
      s.push('\n');
      this.pos += 2;
      this.index += 2;
    } else if (c === 0x0d || c === 0x0a || c === 0x85) {
      s.push('\n');
      this.pos++;
      this.index++;
    } else if (c === 0x2028 || c === 0x2029) {
      s.push(String.fromCharCode(c));
      this.pos++;
      this.index++;
    } else {
      return;
    }
    this.column = 0;
    this.line++;
  }

  // ---- errors ----

  private scannerError(context: string, contextMark: Mark, problem: string): YamlError {
    void context;
    return YamlError.located('scanner', problem, this.mark(), contextMark);
  }

  // ---- token queue ----

  /** peek returns the next token without consuming it. */
  peek(): Token {
    if (!this.tokenAvailable) this.fetchMoreTokens();
    return this.tokens[this.head]!;
  }

  /** skipToken consumes the token returned by peek. */
  skipToken(): void {
    this.tokenAvailable = false;
    this.tokensParsed++;
    this.streamEndProduced = this.tokens[this.head]!.type === T.StreamEnd;
    this.head++;
    if (this.head > 64 && this.head * 2 > this.tokens.length) {
      this.tokens.splice(0, this.head);
      this.head = 0;
    }
  }

  get ended(): boolean {
    return this.streamEndProduced;
  }

  private insertToken(at: number, token: Token): void {
    // at is relative to the queue head; -1 appends.
    if (at < 0) this.tokens.push(token);
    else this.tokens.splice(this.head + at, 0, token);
  }

  private fetchMoreTokens(): void {
    for (;;) {
      if (this.head !== this.tokens.length) {
        const idx = this.simpleKeysByTok.get(this.tokensParsed);
        if (idx === undefined) break;
        if (!this.simpleKeyIsValid(this.simpleKeys[idx]!)) break;
      }
      this.fetchNextToken();
    }
    this.tokenAvailable = true;
  }

  private fetchNextToken(): void {
    if (!this.streamStartProduced) {
      this.fetchStreamStart();
      return;
    }
    this.scanToNextToken();
    this.unrollIndent(this.column);
    const c = this.at();
    if (c === 0) {
      this.fetchStreamEnd();
      return;
    }
    if (this.column === 0 && c === 0x25 /* % */) {
      this.fetchDirective();
      return;
    }
    if (this.column === 0 && c === 0x2d && this.at(1) === 0x2d && this.at(2) === 0x2d && isBlankZ(this.at(3))) {
      this.fetchDocumentIndicator(T.DocumentStart);
      return;
    }
    if (this.column === 0 && c === 0x2e && this.at(1) === 0x2e && this.at(2) === 0x2e && isBlankZ(this.at(3))) {
      this.fetchDocumentIndicator(T.DocumentEnd);
      return;
    }
    switch (c) {
      case 0x5b: // [
        this.fetchFlowCollectionStart(T.FlowSequenceStart);
        return;
      case 0x7b: // {
        this.fetchFlowCollectionStart(T.FlowMappingStart);
        return;
      case 0x5d: // ]
        this.fetchFlowCollectionEnd(T.FlowSequenceEnd);
        return;
      case 0x7d: // }
        this.fetchFlowCollectionEnd(T.FlowMappingEnd);
        return;
      case 0x2c: // ,
        this.fetchFlowEntry();
        return;
    }
    const next = this.at(1);
    if (c === 0x2d && isBlankZ(next)) {
      this.fetchBlockEntry();
      return;
    }
    if (c === 0x3f && (this.flowLevel > 0 || isBlankZ(next))) {
      this.fetchKey();
      return;
    }
    if (c === 0x3a && (this.flowLevel > 0 || isBlankZ(next))) {
      this.fetchValue();
      return;
    }
    if (c === 0x2a) {
      this.fetchAnchor(T.Alias);
      return;
    }
    if (c === 0x26) {
      this.fetchAnchor(T.Anchor);
      return;
    }
    if (c === 0x21) {
      this.fetchTag();
      return;
    }
    if (c === 0x7c && this.flowLevel === 0) {
      this.fetchBlockScalar(true);
      return;
    }
    if (c === 0x3e && this.flowLevel === 0) {
      this.fetchBlockScalar(false);
      return;
    }
    if (c === 0x27) {
      this.fetchFlowScalar(true);
      return;
    }
    if (c === 0x22) {
      this.fetchFlowScalar(false);
      return;
    }
    const indicator =
      isBlankZ(c) ||
      c === 0x2d || // -
      c === 0x3f || // ?
      c === 0x3a || // :
      c === 0x2c || // ,
      c === 0x5b ||
      c === 0x5d ||
      c === 0x7b ||
      c === 0x7d ||
      c === 0x23 || // #
      c === 0x26 || // &
      c === 0x2a || // *
      c === 0x21 || // !
      c === 0x7c || // |
      c === 0x3e || // >
      c === 0x27 ||
      c === 0x22 ||
      c === 0x25 || // %
      c === 0x40 || // @
      c === 0x60; // `
    if (
      !indicator ||
      (c === 0x2d && !isBlank(next)) ||
      (this.flowLevel === 0 && (c === 0x3f || c === 0x3a) && !isBlankZ(next))
    ) {
      this.fetchPlainScalar();
      return;
    }
    throw this.scannerError(
      'while scanning for the next token',
      this.mark(),
      'found character that cannot start any token',
    );
  }

  // ---- simple keys ----

  private simpleKeyIsValid(key: SimpleKey): boolean {
    if (!key.possible) return false;
    if (key.mark.line < this.line || key.mark.index + 1024 < this.index) {
      if (key.required) throw this.scannerError('while scanning a simple key', key.mark, "could not find expected ':'");
      key.possible = false;
      return false;
    }
    return true;
  }

  private saveSimpleKey(): void {
    const required = this.flowLevel === 0 && this.indent === this.column;
    if (this.simpleKeyAllowed) {
      const key: SimpleKey = {
        possible: true,
        required,
        tokenNumber: this.tokensParsed + (this.tokens.length - this.head),
        mark: this.mark(),
      };
      this.removeSimpleKey();
      this.simpleKeys[this.simpleKeys.length - 1] = key;
      this.simpleKeysByTok.set(key.tokenNumber, this.simpleKeys.length - 1);
    }
  }

  private removeSimpleKey(): void {
    const i = this.simpleKeys.length - 1;
    const key = this.simpleKeys[i]!;
    if (key.possible) {
      if (key.required) throw this.scannerError('while scanning a simple key', key.mark, "could not find expected ':'");
      key.possible = false;
      this.simpleKeysByTok.delete(key.tokenNumber);
    }
  }

  private increaseFlowLevel(): void {
    this.simpleKeys.push({
      possible: false,
      required: false,
      tokenNumber: this.tokensParsed + (this.tokens.length - this.head),
      mark: this.mark(),
    });
    this.flowLevel++;
    if (this.flowLevel > MAX_FLOW_LEVEL) {
      throw this.scannerError(
        'while increasing flow level',
        this.simpleKeys[this.simpleKeys.length - 1]!.mark,
        `exceeded max depth of ${MAX_FLOW_LEVEL}`,
      );
    }
  }

  private decreaseFlowLevel(): void {
    if (this.flowLevel > 0) {
      this.flowLevel--;
      const last = this.simpleKeys.pop()!;
      this.simpleKeysByTok.delete(last.tokenNumber);
    }
  }

  private rollIndent(column: number, number: number, type: TokenType, mark: Mark): void {
    if (this.flowLevel > 0) return;
    if (this.indent < column) {
      this.indents.push(this.indent);
      this.indent = column;
      if (this.indents.length > MAX_INDENTS) {
        throw this.scannerError(
          'while increasing indent level',
          this.simpleKeys[this.simpleKeys.length - 1]!.mark,
          `exceeded max depth of ${MAX_INDENTS}`,
        );
      }
      const token = newToken(type, mark, mark);
      this.insertToken(number > -1 ? number - this.tokensParsed : -1, token);
    }
  }

  private unrollIndent(column: number): void {
    if (this.flowLevel > 0) return;
    while (this.indent > column) {
      const m = this.mark();
      this.insertToken(-1, newToken(T.BlockEnd, m, m));
      this.indent = this.indents.pop()!;
    }
  }

  // ---- fetchers ----

  private fetchStreamStart(): void {
    this.indent = -1;
    this.simpleKeys.push({ possible: false, required: false, tokenNumber: 0, mark: this.mark() });
    this.simpleKeyAllowed = true;
    this.streamStartProduced = true;
    const m = this.mark();
    this.insertToken(-1, newToken(T.StreamStart, m, m));
  }

  private fetchStreamEnd(): void {
    if (this.column !== 0) {
      this.column = 0;
      this.line++;
    }
    this.unrollIndent(-1);
    this.removeSimpleKey();
    this.simpleKeyAllowed = false;
    const m = this.mark();
    this.insertToken(-1, newToken(T.StreamEnd, m, m));
  }

  private fetchDirective(): void {
    this.unrollIndent(-1);
    this.removeSimpleKey();
    this.simpleKeyAllowed = false;
    this.insertToken(-1, this.scanDirective());
  }

  private fetchDocumentIndicator(type: TokenType): void {
    this.unrollIndent(-1);
    this.removeSimpleKey();
    this.simpleKeyAllowed = false;
    const start = this.mark();
    this.skip();
    this.skip();
    this.skip();
    this.insertToken(-1, newToken(type, start, this.mark()));
  }

  private fetchFlowCollectionStart(type: TokenType): void {
    this.saveSimpleKey();
    this.increaseFlowLevel();
    this.simpleKeyAllowed = true;
    const start = this.mark();
    this.skip();
    this.insertToken(-1, newToken(type, start, this.mark()));
  }

  private fetchFlowCollectionEnd(type: TokenType): void {
    this.removeSimpleKey();
    this.decreaseFlowLevel();
    this.simpleKeyAllowed = false;
    const start = this.mark();
    this.skip();
    this.insertToken(-1, newToken(type, start, this.mark()));
  }

  private fetchFlowEntry(): void {
    this.removeSimpleKey();
    this.simpleKeyAllowed = true;
    const start = this.mark();
    this.skip();
    this.insertToken(-1, newToken(T.FlowEntry, start, this.mark()));
  }

  private fetchBlockEntry(): void {
    if (this.flowLevel === 0) {
      if (!this.simpleKeyAllowed) {
        throw this.scannerError('', this.mark(), 'block sequence entries are not allowed in this context');
      }
      this.rollIndent(this.column, -1, T.BlockSequenceStart, this.mark());
    }
    this.removeSimpleKey();
    this.simpleKeyAllowed = true;
    const start = this.mark();
    this.skip();
    this.insertToken(-1, newToken(T.BlockEntry, start, this.mark()));
  }

  private fetchKey(): void {
    if (this.flowLevel === 0) {
      if (!this.simpleKeyAllowed) {
        throw this.scannerError('', this.mark(), 'mapping keys are not allowed in this context');
      }
      this.rollIndent(this.column, -1, T.BlockMappingStart, this.mark());
    }
    this.removeSimpleKey();
    this.simpleKeyAllowed = this.flowLevel === 0;
    const start = this.mark();
    this.skip();
    this.insertToken(-1, newToken(T.Key, start, this.mark()));
  }

  private fetchValue(): void {
    const key = this.simpleKeys[this.simpleKeys.length - 1]!;
    if (this.simpleKeyIsValid(key)) {
      this.insertToken(key.tokenNumber - this.tokensParsed, newToken(T.Key, key.mark, key.mark));
      this.rollIndent(key.mark.column, key.tokenNumber, T.BlockMappingStart, key.mark);
      key.possible = false;
      this.simpleKeysByTok.delete(key.tokenNumber);
      this.simpleKeyAllowed = false;
    } else {
      if (this.flowLevel === 0) {
        if (!this.simpleKeyAllowed) {
          throw this.scannerError('', this.mark(), 'mapping values are not allowed in this context');
        }
        this.rollIndent(this.column, -1, T.BlockMappingStart, this.mark());
      }
      this.simpleKeyAllowed = this.flowLevel === 0;
    }
    const start = this.mark();
    this.skip();
    this.insertToken(-1, newToken(T.Value, start, this.mark()));
  }

  private fetchAnchor(type: TokenType): void {
    this.saveSimpleKey();
    this.simpleKeyAllowed = false;
    this.insertToken(-1, this.scanAnchor(type));
  }

  private fetchTag(): void {
    this.saveSimpleKey();
    this.simpleKeyAllowed = false;
    this.insertToken(-1, this.scanTag());
  }

  private fetchBlockScalar(literal: boolean): void {
    this.removeSimpleKey();
    this.simpleKeyAllowed = true;
    this.insertToken(-1, this.scanBlockScalar(literal));
  }

  private fetchFlowScalar(single: boolean): void {
    this.saveSimpleKey();
    this.simpleKeyAllowed = false;
    this.insertToken(-1, this.scanFlowScalar(single));
  }

  private fetchPlainScalar(): void {
    this.saveSimpleKey();
    this.simpleKeyAllowed = false;
    this.insertToken(-1, this.scanPlainScalar());
  }

  // ---- scanning ----

  private scanToNextToken(): void {
    for (;;) {
      if (this.column === 0 && this.at() === 0xfeff) this.skip();
      while (this.at() === 0x20 || ((this.flowLevel > 0 || !this.simpleKeyAllowed) && this.at() === 0x09)) this.skip();
      if (this.at() === 0x23) {
        while (!isBreakZ(this.at())) this.skip();
      }
      if (isBreakCode(this.at())) {
        this.skipLine();
        if (this.flowLevel === 0) this.simpleKeyAllowed = true;
      } else {
        break;
      }
    }
  }

  private scanDirective(): Token {
    const start = this.mark();
    this.skip();
    const name = this.scanDirectiveName(start);
    let token: Token;
    if (name === 'YAML') {
      const [major, minor] = this.scanVersionDirectiveValue(start);
      token = newToken(T.VersionDirective, start, this.mark());
      token.major = major;
      token.minor = minor;
    } else if (name === 'TAG') {
      const [handle, prefix] = this.scanTagDirectiveValue(start);
      token = newToken(T.TagDirective, start, this.mark());
      token.value = handle;
      token.suffix = prefix;
    } else {
      throw this.scannerError('while scanning a directive', start, 'found unknown directive name');
    }
    while (isBlank(this.at())) this.skip();
    if (this.at() === 0x23) {
      while (!isBreakZ(this.at())) this.skip();
    }
    if (!isBreakZ(this.at())) {
      throw this.scannerError('while scanning a directive', start, 'did not find expected comment or line break');
    }
    if (isBreakCode(this.at())) this.skipLine();
    return token;
  }

  private scanDirectiveName(start: Mark): string {
    const s: string[] = [];
    while (isAlphaCode(this.at())) this.read(s);
    if (s.length === 0) {
      throw this.scannerError('while scanning a directive', start, 'could not find expected directive name');
    }
    if (!isBlankZ(this.at())) {
      throw this.scannerError('while scanning a directive', start, 'found unexpected non-alphabetical character');
    }
    return s.join('');
  }

  private scanVersionDirectiveValue(start: Mark): [number, number] {
    while (isBlank(this.at())) this.skip();
    const major = this.scanVersionDirectiveNumber(start);
    if (this.at() !== 0x2e) {
      throw this.scannerError(
        'while scanning a %YAML directive',
        start,
        "did not find expected digit or '.' character",
      );
    }
    this.skip();
    const minor = this.scanVersionDirectiveNumber(start);
    return [major, minor];
  }

  private scanVersionDirectiveNumber(start: Mark): number {
    let value = 0;
    let length = 0;
    for (let c = this.at(); c >= 0x30 && c <= 0x39; c = this.at()) {
      length++;
      if (length > 9) {
        throw this.scannerError('while scanning a %YAML directive', start, 'found extremely long version number');
      }
      value = value * 10 + (c - 0x30);
      this.skip();
    }
    if (length === 0) {
      throw this.scannerError('while scanning a %YAML directive', start, 'did not find expected version number');
    }
    return value;
  }

  private scanTagDirectiveValue(start: Mark): [string, string] {
    while (isBlank(this.at())) this.skip();
    const handle = this.scanTagHandle(true, start);
    if (!isBlank(this.at())) {
      throw this.scannerError('while scanning a %TAG directive', start, 'did not find expected whitespace');
    }
    while (isBlank(this.at())) this.skip();
    const prefix = this.scanTagUri(true, '', start);
    if (!isBlankZ(this.at())) {
      throw this.scannerError(
        'while scanning a %TAG directive',
        start,
        'did not find expected whitespace or line break',
      );
    }
    return [handle, prefix];
  }

  private scanAnchor(type: TokenType): Token {
    const start = this.mark();
    this.skip();
    const s: string[] = [];
    while (isAlphaCode(this.at())) this.read(s);
    const end = this.mark();
    const c = this.at();
    if (
      s.length === 0 ||
      !(
        isBlankZ(c) ||
        c === 0x3f ||
        c === 0x3a ||
        c === 0x2c ||
        c === 0x5d ||
        c === 0x7d ||
        c === 0x25 ||
        c === 0x40 ||
        c === 0x60
      )
    ) {
      throw this.scannerError(
        type === T.Anchor ? 'while scanning an anchor' : 'while scanning an alias',
        start,
        'did not find expected alphabetic or numeric character',
      );
    }
    const token = newToken(type, start, end);
    token.value = s.join('');
    return token;
  }

  private scanTag(): Token {
    const start = this.mark();
    let handle: string;
    let suffix: string;
    if (this.at(1) === 0x3c /* < */) {
      this.skip();
      this.skip();
      handle = '';
      suffix = this.scanTagUri(false, '', start);
      if (this.at() !== 0x3e) throw this.scannerError('while scanning a tag', start, "did not find the expected '>'");
      this.skip();
    } else {
      handle = this.scanTagHandle(false, start);
      if (handle.length > 1 && handle.startsWith('!') && handle.endsWith('!')) {
        suffix = this.scanTagUri(false, '', start);
      } else {
        suffix = this.scanTagUri(false, handle, start);
        handle = '!';
        if (suffix.length === 0) [handle, suffix] = [suffix, handle];
      }
    }
    if (!isBlankZ(this.at())) {
      throw this.scannerError('while scanning a tag', start, 'did not find expected whitespace or line break');
    }
    const token = newToken(T.Tag, start, this.mark());
    token.value = handle;
    token.suffix = suffix;
    return token;
  }

  private tagError(directive: boolean, start: Mark, problem: string): YamlError {
    return this.scannerError(directive ? 'while parsing a %TAG directive' : 'while parsing a tag', start, problem);
  }

  private scanTagHandle(directive: boolean, start: Mark): string {
    if (this.at() !== 0x21) throw this.tagError(directive, start, "did not find expected '!'");
    const s: string[] = [];
    this.read(s);
    while (isAlphaCode(this.at())) this.read(s);
    if (this.at() === 0x21) {
      this.read(s);
    } else if (directive && s.join('') !== '!') {
      throw this.tagError(directive, start, "did not find expected '!'");
    }
    return s.join('');
  }

  private scanTagUri(directive: boolean, head: string, start: Mark): string {
    const s: string[] = [];
    let hasTag = head.length > 0;
    if (head.length > 1) s.push(head.slice(1));
    for (;;) {
      const c = this.at();
      if (!(isAlphaCode(c) || (";/?:@&=+$,.!~*'()[]%".includes(String.fromCharCode(c)) && c !== 0))) break;
      if (c === 0x25) this.scanUriEscapes(directive, start, s);
      else this.read(s);
      hasTag = true;
    }
    if (!hasTag) throw this.tagError(directive, start, 'did not find expected tag URI');
    return s.join('');
  }

  private scanUriEscapes(directive: boolean, start: Mark, s: string[]): void {
    const octets: number[] = [];
    let w = 1024;
    while (w > 0) {
      if (!(this.at() === 0x25 && isHexCode(this.at(1)) && isHexCode(this.at(2)))) {
        throw this.tagError(directive, start, 'did not find URI escaped octet');
      }
      const octet = (hexValue(this.at(1)) << 4) + hexValue(this.at(2));
      if (w === 1024) {
        w =
          (octet & 0x80) === 0
            ? 1
            : (octet & 0xe0) === 0xc0
              ? 2
              : (octet & 0xf0) === 0xe0
                ? 3
                : (octet & 0xf8) === 0xf0
                  ? 4
                  : 0;
        if (w === 0) throw this.tagError(directive, start, 'found an incorrect leading UTF-8 octet');
      } else if ((octet & 0xc0) !== 0x80) {
        throw this.tagError(directive, start, 'found an incorrect trailing UTF-8 octet');
      }
      octets.push(octet);
      this.skip();
      this.skip();
      this.skip();
      w--;
    }
    s.push(Buffer.from(octets).toString('utf8'));
  }

  private scanBlockScalar(literal: boolean): Token {
    const start = this.mark();
    this.skip();
    let chomping = 0;
    let increment = 0;
    let c = this.at();
    if (c === 0x2b || c === 0x2d) {
      chomping = c === 0x2b ? 1 : -1;
      this.skip();
      c = this.at();
      if (c >= 0x30 && c <= 0x39) {
        if (c === 0x30) {
          throw this.scannerError('while scanning a block scalar', start, 'found an indentation indicator equal to 0');
        }
        increment = c - 0x30;
        this.skip();
      }
    } else if (c >= 0x30 && c <= 0x39) {
      if (c === 0x30) {
        throw this.scannerError('while scanning a block scalar', start, 'found an indentation indicator equal to 0');
      }
      increment = c - 0x30;
      this.skip();
      c = this.at();
      if (c === 0x2b || c === 0x2d) {
        chomping = c === 0x2b ? 1 : -1;
        this.skip();
      }
    }
    while (isBlank(this.at())) this.skip();
    if (this.at() === 0x23) {
      while (!isBreakZ(this.at())) this.skip();
    }
    if (!isBreakZ(this.at())) {
      throw this.scannerError('while scanning a block scalar', start, 'did not find expected comment or line break');
    }
    if (isBreakCode(this.at())) this.skipLine();
    let end = this.mark();
    let indent = 0;
    if (increment > 0) indent = this.indent >= 0 ? this.indent + increment : increment;
    const s: string[] = [];
    let leadingBreak: string[] = [];
    let trailingBreaks: string[] = [];
    const state = { indent, end };
    this.scanBlockScalarBreaks(state, trailingBreaks, start);
    indent = state.indent;
    end = state.end;
    let leadingBlank = false;
    while (this.column === indent && this.at() !== 0) {
      const trailingBlank = isBlank(this.at());
      if (!literal && !leadingBlank && !trailingBlank && leadingBreak.length > 0 && leadingBreak[0] === '\n') {
        if (trailingBreaks.length === 0) s.push(' ');
      } else {
        s.push(...leadingBreak);
      }
      leadingBreak = [];
      s.push(...trailingBreaks);
      trailingBreaks = [];
      leadingBlank = isBlank(this.at());
      while (!isBreakZ(this.at())) this.read(s);
      this.readLine(leadingBreak);
      state.end = end;
      this.scanBlockScalarBreaks(state, trailingBreaks, start);
      end = state.end;
    }
    if (chomping !== -1) s.push(...leadingBreak);
    if (chomping === 1) s.push(...trailingBreaks);
    const token = newToken(T.Scalar, start, end);
    token.value = s.join('');
    token.style = literal ? ScalarStyle.Literal : ScalarStyle.Folded;
    return token;
  }

  private scanBlockScalarBreaks(state: { indent: number; end: Mark }, breaks: string[], start: Mark): void {
    state.end = this.mark();
    let maxIndent = 0;
    for (;;) {
      while ((state.indent === 0 || this.column < state.indent) && this.at() === 0x20) this.skip();
      if (this.column > maxIndent) maxIndent = this.column;
      if ((state.indent === 0 || this.column < state.indent) && this.at() === 0x09) {
        throw this.scannerError(
          'while scanning a block scalar',
          start,
          'found a tab character where an indentation space is expected',
        );
      }
      if (!isBreakCode(this.at())) break;
      this.readLine(breaks);
      state.end = this.mark();
    }
    if (state.indent === 0) {
      state.indent = maxIndent;
      if (state.indent < this.indent + 1) state.indent = this.indent + 1;
      if (state.indent < 1) state.indent = 1;
    }
  }

  private isDocumentIndicator(): boolean {
    const c = this.at();
    return (
      this.column === 0 &&
      ((c === 0x2d && this.at(1) === 0x2d && this.at(2) === 0x2d) ||
        (c === 0x2e && this.at(1) === 0x2e && this.at(2) === 0x2e)) &&
      isBlankZ(this.at(3))
    );
  }

  private scanFlowScalar(single: boolean): Token {
    const start = this.mark();
    this.skip();
    const s: string[] = [];
    let leadingBreak: string[] = [];
    let trailingBreaks: string[] = [];
    let whitespaces: string[] = [];
    for (;;) {
      if (this.isDocumentIndicator()) {
        throw this.scannerError('while scanning a quoted scalar', start, 'found unexpected document indicator');
      }
      if (this.at() === 0) {
        throw this.scannerError('while scanning a quoted scalar', start, 'found unexpected end of stream');
      }
      let leadingBlanks = false;
      while (!isBlankZ(this.at())) {
        const c = this.at();
        if (single && c === 0x27 && this.at(1) === 0x27) {
          s.push("'");
          this.skip();
          this.skip();
        } else if (single && c === 0x27) {
          break;
        } else if (!single && c === 0x22) {
          break;
        } else if (!single && c === 0x5c && isBreakCode(this.at(1))) {
          this.skip();
          this.skipLine();
          leadingBlanks = true;
          break;
        } else if (!single && c === 0x5c) {
          let codeLength = 0;
          switch (this.at(1)) {
            case 0x30:
              s.push('\0');
              break;
            case 0x61:
              s.push('\x07');
              break;
            case 0x62:
              s.push('\b');
              break;
            case 0x74:
            case 0x09:
              s.push('\t');
              break;
            case 0x6e:
              s.push('\n');
              break;
            case 0x76:
              s.push('\v');
              break;
            case 0x66:
              s.push('\f');
              break;
            case 0x72:
              s.push('\r');
              break;
            case 0x65:
              s.push('\x1b');
              break;
            case 0x20:
              s.push(' ');
              break;
            case 0x22:
              s.push('"');
              break;
            case 0x27:
              s.push("'");
              break;
            case 0x5c:
              s.push('\\');
              break;
            case 0x4e:
              s.push('\u0085');
              break;
            case 0x5f:
              s.push('\u00a0');
              break;
            case 0x4c:
              s.push('\u2028');
              break;
            case 0x50:
              s.push('\u2029');
              break;
            case 0x78:
              codeLength = 2;
              break;
            case 0x75:
              codeLength = 4;
              break;
            case 0x55:
              codeLength = 8;
              break;
            default:
              throw this.scannerError('while parsing a quoted scalar', start, 'found unknown escape character');
          }
          this.skip();
          this.skip();
          if (codeLength > 0) {
            let value = 0;
            for (let k = 0; k < codeLength; k++) {
              const h = this.at(k);
              if (!isHexCode(h)) {
                throw this.scannerError(
                  'while parsing a quoted scalar',
                  start,
                  'did not find expected hexdecimal number',
                );
              }
              value = value * 16 + hexValue(h);
            }
            if ((value >= 0xd800 && value <= 0xdfff) || value > 0x10ffff) {
              throw this.scannerError(
                'while parsing a quoted scalar',
                start,
                'found invalid Unicode character escape code',
              );
            }
            s.push(String.fromCodePoint(value));
            for (let k = 0; k < codeLength; k++) this.skip();
          }
        } else {
          this.read(s);
        }
      }
      const q = this.at();
      if (single ? q === 0x27 : q === 0x22) break;
      while (isBlank(this.at()) || isBreakCode(this.at())) {
        if (isBlank(this.at())) {
          if (!leadingBlanks) this.read(whitespaces);
          else this.skip();
        } else if (!leadingBlanks) {
          whitespaces = [];
          this.readLine(leadingBreak);
          leadingBlanks = true;
        } else {
          this.readLine(trailingBreaks);
        }
      }
      if (leadingBlanks) {
        if (leadingBreak.length > 0 && leadingBreak[0] === '\n') {
          if (trailingBreaks.length === 0) s.push(' ');
          else s.push(...trailingBreaks);
        } else {
          s.push(...leadingBreak, ...trailingBreaks);
        }
        trailingBreaks = [];
        leadingBreak = [];
      } else {
        s.push(...whitespaces);
        whitespaces = [];
      }
    }
    this.skip();
    const token = newToken(T.Scalar, start, this.mark());
    token.value = s.join('');
    token.style = single ? ScalarStyle.Single : ScalarStyle.Double;
    return token;
  }

  private scanPlainScalar(): Token {
    const s: string[] = [];
    let leadingBreak: string[] = [];
    let trailingBreaks: string[] = [];
    let whitespaces: string[] = [];
    let leadingBlanks = false;
    const indent = this.indent + 1;
    const start = this.mark();
    let end = this.mark();
    for (;;) {
      if (this.isDocumentIndicator()) break;
      if (this.at() === 0x23) break;
      while (!isBlankZ(this.at())) {
        const c = this.at();
        if (
          (c === 0x3a && isBlankZ(this.at(1))) ||
          (this.flowLevel > 0 && (c === 0x2c || c === 0x3f || c === 0x5b || c === 0x5d || c === 0x7b || c === 0x7d))
        ) {
          break;
        }
        if (leadingBlanks || whitespaces.length > 0) {
          if (leadingBlanks) {
            if (leadingBreak[0] === '\n') {
              if (trailingBreaks.length === 0) s.push(' ');
              else s.push(...trailingBreaks);
            } else {
              s.push(...leadingBreak, ...trailingBreaks);
            }
            trailingBreaks = [];
            leadingBreak = [];
            leadingBlanks = false;
          } else {
            s.push(...whitespaces);
            whitespaces = [];
          }
        }
        this.read(s);
        end = this.mark();
      }
      if (!(isBlank(this.at()) || isBreakCode(this.at()))) break;
      while (isBlank(this.at()) || isBreakCode(this.at())) {
        if (isBlank(this.at())) {
          if (leadingBlanks && this.column < indent && this.at() === 0x09) {
            throw this.scannerError(
              'while scanning a plain scalar',
              start,
              'found a tab character that violates indentation',
            );
          }
          if (!leadingBlanks) this.read(whitespaces);
          else this.skip();
        } else if (!leadingBlanks) {
          whitespaces = [];
          this.readLine(leadingBreak);
          leadingBlanks = true;
        } else {
          this.readLine(trailingBreaks);
        }
      }
      if (this.flowLevel === 0 && this.column < indent) break;
    }
    const token = newToken(T.Scalar, start, end);
    token.value = s.join('');
    token.style = ScalarStyle.Plain;
    if (leadingBlanks) this.simpleKeyAllowed = true;
    return token;
  }
}
