import type { Value, ValueMap } from './value.ts';

/**
 * Go's encoding/json reader for chart values: objects become maps, every number a float64, and syntax errors carry
 * Go's messages (`invalid character 'x' looking for beginning of value`, `unexpected end of JSON input`), which
 * Helm hands to templates (`fromJson`) and prints.
 */

/** GoJsonError is a JSON text Go's decoder refuses; the message is Go's. */
export class GoJsonError extends Error {}

const MAX_DEPTH = 10000;

/** quoteChar is how encoding/json names an offending character: `'x'`, `'\n'`, `'"'`. */
function quoteChar(c: string): string {
  if (c === "'") return `'\\''`;
  if (c === '"') return `'"'`;
  const q = JSON.stringify(c);
  return `'${q.slice(1, -1)}'`;
}

class Reader {
  readonly s: string;
  pos = 0;
  /** numberText keeps a number's literal text (json.Decoder.UseNumber) instead of converting it. */
  private readonly numberText: ((text: string) => Value) | undefined;
  constructor(s: string, numberText?: (text: string) => Value) {
    this.s = s;
    this.numberText = numberText;
  }

  private fail(context: string): never {
    if (this.pos >= this.s.length) throw new GoJsonError('unexpected end of JSON input');
    const cp = this.s.codePointAt(this.pos)!;
    throw new GoJsonError(`invalid character ${quoteChar(String.fromCodePoint(cp))} ${context}`);
  }

  skipSpace(): void {
    for (;;) {
      const c = this.s.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) this.pos++;
      else return;
    }
  }

  value(depth: number): Value {
    this.skipSpace();
    const c = this.s[this.pos];
    switch (c) {
      case '{':
        return this.object(depth + 1);
      case '[':
        return this.array(depth + 1);
      case '"':
        return this.string();
      case 't':
        return this.literal('true', true);
      case 'f':
        return this.literal('false', false);
      case 'n':
        return this.literal('null', null);
      default:
        if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
        return this.fail('looking for beginning of value');
    }
  }

  private literal<V extends Value>(word: string, v: V): V {
    for (let i = 0; i < word.length; i++) {
      if (this.s[this.pos] !== word[i]) {
        if (i === 0) this.fail('looking for beginning of value');
        this.fail(`in literal ${word} (expecting ${quoteChar(word[i]!)})`);
      }
      this.pos++;
    }
    return v;
  }

  private number(): number {
    const start = this.pos;
    if (this.s[this.pos] === '-') this.pos++;
    const digit = (): boolean => {
      const c = this.s.charCodeAt(this.pos);
      return c >= 0x30 && c <= 0x39;
    };
    if (this.s[this.pos] === '0') this.pos++;
    else if (digit()) while (digit()) this.pos++;
    else this.fail('in numeric literal');
    if (this.s[this.pos] === '.') {
      this.pos++;
      if (!digit()) this.fail('after decimal point in numeric literal');
      while (digit()) this.pos++;
    }
    if (this.s[this.pos] === 'e' || this.s[this.pos] === 'E') {
      this.pos++;
      if (this.s[this.pos] === '+' || this.s[this.pos] === '-') this.pos++;
      if (!digit()) this.fail('in exponent of numeric literal');
      while (digit()) this.pos++;
    }
    if (this.numberText !== undefined) return this.numberText(this.s.slice(start, this.pos)) as number;
    const v = Number(this.s.slice(start, this.pos));
    if (!Number.isFinite(v)) {
      throw new GoJsonError(
        `json: cannot unmarshal number ${this.s.slice(start, this.pos)} into Go value of type float64`,
      );
    }
    return v;
  }

  string(): string {
    this.pos++; // opening quote
    let out = '';
    let runStart = this.pos;
    for (;;) {
      if (this.pos >= this.s.length) this.fail('in string literal');
      const c = this.s.charCodeAt(this.pos);
      if (c === 0x22) {
        out += this.s.slice(runStart, this.pos);
        this.pos++;
        return out;
      }
      if (c < 0x20) this.fail('in string literal');
      if (c !== 0x5c) {
        this.pos++;
        continue;
      }
      out += this.s.slice(runStart, this.pos);
      this.pos++;
      const e = this.s[this.pos];
      const simple: Record<string, string> = {
        '"': '"',
        '\\': '\\',
        '/': '/',
        b: '\b',
        f: '\f',
        n: '\n',
        r: '\r',
        t: '\t',
      };
      if (e !== undefined && simple[e] !== undefined) {
        out += simple[e];
        this.pos++;
      } else if (e === 'u') {
        this.pos++;
        const code = this.hex4();
        if (code >= 0xd800 && code <= 0xdbff && this.s[this.pos] === '\\' && this.s[this.pos + 1] === 'u') {
          const save = this.pos;
          this.pos += 2;
          const low = this.hex4();
          if (low >= 0xdc00 && low <= 0xdfff) out += String.fromCharCode(code, low);
          else {
            out += '\ufffd';
            this.pos = save;
          }
        } else if (code >= 0xd800 && code <= 0xdfff) {
          out += '\ufffd';
        } else {
          out += String.fromCharCode(code);
        }
      } else {
        this.fail('in string escape code');
      }
      runStart = this.pos;
    }
  }

  private hex4(): number {
    let v = 0;
    for (let i = 0; i < 4; i++) {
      const c = this.s[this.pos];
      if (c === undefined || !/[0-9a-fA-F]/.test(c)) this.fail('in \\u hexadecimal character escape');
      v = v * 16 + parseInt(c, 16);
      this.pos++;
    }
    return v;
  }

  private object(depth: number): ValueMap {
    if (depth > MAX_DEPTH) this.fail('exceeded max depth');
    this.pos++;
    const out: ValueMap = new Map();
    this.skipSpace();
    if (this.s[this.pos] === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipSpace();
      if (this.s[this.pos] !== '"') this.fail('looking for beginning of object key string');
      const key = this.string();
      this.skipSpace();
      if (this.s[this.pos] !== ':') this.fail('after object key');
      this.pos++;
      out.set(key, this.value(depth));
      this.skipSpace();
      if (this.s[this.pos] === ',') {
        this.pos++;
        continue;
      }
      if (this.s[this.pos] === '}') {
        this.pos++;
        return out;
      }
      this.fail('after object key:value pair');
    }
  }

  private array(depth: number): Value[] {
    if (depth > MAX_DEPTH) this.fail('exceeded max depth');
    this.pos++;
    const out: Value[] = [];
    this.skipSpace();
    if (this.s[this.pos] === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth));
      this.skipSpace();
      if (this.s[this.pos] === ',') {
        this.pos++;
        continue;
      }
      if (this.s[this.pos] === ']') {
        this.pos++;
        return out;
      }
      this.fail('after array element');
    }
  }
}

/**
 * parseGoJson is json.Unmarshal into interface{}: exactly one value, surrounded only by whitespace. With
 * `numberText`, numbers are handed over as their literal text (json.Decoder.UseNumber).
 */
export function parseGoJson(text: string, numberText?: (text: string) => Value): Value {
  const r = new Reader(text, numberText);
  r.skipSpace();
  if (r.pos >= text.length) throw new GoJsonError('unexpected end of JSON input');
  const v = r.value(0);
  r.skipSpace();
  if (r.pos < text.length) {
    const cp = text.codePointAt(r.pos)!;
    throw new GoJsonError(`invalid character ${quoteChar(String.fromCodePoint(cp))} after top-level value`);
  }
  return v;
}

/**
 * decodeGoJsonPrefix is json.Decoder.Decode on `text`: the first JSON value and the offset just past it
 * (json.Decoder.InputOffset). Errors use the decoder's words (`unexpected EOF` for a truncated value).
 */
export function decodeGoJsonPrefix(
  text: string,
  numberText?: (text: string) => Value,
): { value: Value; offset: number } {
  const r = new Reader(text, numberText);
  r.skipSpace();
  if (r.pos >= text.length) throw new GoJsonError('EOF');
  try {
    const value = r.value(0);
    return { value, offset: r.pos };
  } catch (err) {
    if (err instanceof GoJsonError && err.message === 'unexpected end of JSON input') {
      throw new GoJsonError('unexpected EOF');
    }
    throw err;
  }
}

/** goJsonKind names a decoded JSON value's kind as encoding/json's type errors do. */
export function jsonKind(v: Value): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number' || typeof v === 'bigint') return 'number';
  if (Array.isArray(v)) return 'array';
  return 'object';
}

const HEX = '0123456789abcdef';

/**
 * goJsonString is encoding/json's string encoding: `\"`, `\\`, `\n`, `\r`, `\t`, other controls as `\u00XX`,
 * U+2028/U+2029 escaped, and with `escapeHtml` (json.Marshal's default) `<`, `>`, `&` as `\u003c` etc. Lone
 * surrogates (invalid UTF-8 in Go) become `\ufffd`.
 */
export function goJsonString(s: string, escapeHtml = true): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let rep: string | undefined;
    if (c < 0x20) {
      rep = c === 0x0a ? '\\n' : c === 0x0d ? '\\r' : c === 0x09 ? '\\t' : `\\u00${HEX[c >> 4]}${HEX[c & 15]}`;
    } else if (c === 0x22) rep = '\\"';
    else if (c === 0x5c) rep = '\\\\';
    else if (escapeHtml && (c === 0x3c || c === 0x3e || c === 0x26)) rep = `\\u00${HEX[c >> 4]}${HEX[c & 15]}`;
    else if (c === 0x2028 || c === 0x2029) rep = c === 0x2028 ? '\\u2028' : '\\u2029';
    else if (c >= 0xd800 && c <= 0xdfff) {
      const pair = c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
      if (pair) {
        i++;
        continue;
      }
      rep = '\\ufffd';
    }
    if (rep !== undefined) {
      out += s.slice(start, i) + rep;
      start = i + 1;
    }
  }
  return out + s.slice(start) + '"';
}
