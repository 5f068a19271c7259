/**
 * Go's json.Unmarshal into `interface{}`, `map[string]interface{}` or `[]interface{}`: the whole input is
 * validated first with the messages of Go's scanner (`invalid character 'x' looking for beginning of value`,
 * `unexpected end of JSON input`), then decoded with numbers as float64, objects as maps (last duplicate wins),
 * and Go's type errors (`json: cannot unmarshal array into Go value of type map[string]interface {}`), which leave
 * the value unset and let decoding go on, as Go does.
 */
import { quote as goQuote } from '../gotemplate/index.ts';
import { GoNil, MAP_ANY, mapSet, SLICE_ANY, type GoMap, type GoValue } from '../gotemplate/index.ts';
import { GoJsonError, JsonSyntaxError } from './errors.ts';

/** Target is the Go type decoded into. */
export type JsonTarget = 'any' | 'map' | 'slice';

/** UnmarshalResult is what Go leaves in the target, and the first error Unmarshal returned (if any). */
export interface UnmarshalResult {
  value: GoValue;
  error: GoJsonError | undefined;
}

const MAX_DEPTH = 10000;

/** quoteChar is the scanner's quoting of the offending byte in its messages. */
function quoteChar(s: string, i: number): string {
  const c = s.charCodeAt(i);
  if (c === 0x27) return "'\\''";
  if (c === 0x22) return `'"'`;
  // Go quotes the first UTF-8 byte of the character, read as a Latin-1 rune.
  const byte = c < 0x80 ? c : (Buffer.from(String.fromCodePoint(s.codePointAt(i) ?? c), 'utf8')[0] ?? c);
  const q = goQuote(String.fromCharCode(byte));
  return `'${q.slice(1, -1)}'`;
}

const isWs = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isHex = (c: number): boolean => isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);

/** validate is Go's checkValid: throws JsonSyntaxError at the first byte the scanner refuses. */
export function validate(s: string): void {
  let i = 0;
  // At the end of the input Go's scanner steps once more with a space: inside a literal or a number that space
  // is the offending character; anywhere else the input just ended too early.
  const fail = (what: string, spaceAtEnd = false): never => {
    if (i >= s.length) {
      if (spaceAtEnd) throw new JsonSyntaxError(`invalid character ' ' ${what}`, s.length + 1);
      throw new JsonSyntaxError('unexpected end of JSON input', s.length);
    }
    throw new JsonSyntaxError(`invalid character ${quoteChar(s, i)} ${what}`, i + 1);
  };
  const ws = (): void => {
    while (i < s.length && isWs(s.charCodeAt(i))) i++;
  };
  const literal = (word: string): void => {
    for (let k = 1; k < word.length; k++) {
      i++;
      if (s[i] !== word[k]) fail(`in literal ${word} (expecting ${quoteChar(word, k)})`, true);
    }
    i++;
  };
  const digits = (): void => {
    while (i < s.length && isDigit(s.charCodeAt(i))) i++;
  };
  const number = (): void => {
    if (s[i] === '-') {
      i++;
      if (!isDigit(s.charCodeAt(i))) fail('in numeric literal', true);
    }
    if (s[i] === '0') i++;
    else digits();
    if (s[i] === '.') {
      i++;
      if (!isDigit(s.charCodeAt(i))) fail('after decimal point in numeric literal', true);
      digits();
    }
    if (s[i] === 'e' || s[i] === 'E') {
      i++;
      if (s[i] === '+' || s[i] === '-') i++;
      if (!isDigit(s.charCodeAt(i))) fail('in exponent of numeric literal', true);
      digits();
    }
  };
  const string = (): void => {
    i++;
    for (;;) {
      if (i >= s.length) fail('');
      const c = s.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return;
      }
      if (c === 0x5c) {
        i++;
        const e = s[i];
        if (e === 'u') {
          for (let k = 0; k < 4; k++) {
            i++;
            if (!isHex(s.charCodeAt(i))) fail('in \\u hexadecimal character escape');
          }
        } else if (e === undefined || !'bfnrt\\/"'.includes(e)) fail('in string escape code');
        i++;
        continue;
      }
      if (c < 0x20) fail('in string literal');
      i++;
    }
  };
  const value = (depth: number): void => {
    ws();
    if (depth > MAX_DEPTH) throw new JsonSyntaxError('exceeded max depth', i + 1);
    const c = s[i];
    if (c === '{') {
      i++;
      ws();
      if (s[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        if (s[i] !== '"') fail('looking for beginning of object key string');
        string();
        ws();
        if (s[i] !== ':') fail('after object key');
        i++;
        value(depth + 1);
        ws();
        if (s[i] === ',') {
          i++;
          ws();
          continue;
        }
        if (s[i] === '}') {
          i++;
          return;
        }
        fail('after object key:value pair');
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (s[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value(depth + 1);
        ws();
        if (s[i] === ',') {
          i++;
          continue;
        }
        if (s[i] === ']') {
          i++;
          return;
        }
        fail('after array element');
      }
    }
    if (c === '"') return string();
    if (c === '-' || (c !== undefined && isDigit(c.charCodeAt(0)))) return number();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    fail('looking for beginning of value');
  };
  value(0);
  ws();
  if (i < s.length) fail('after top-level value');
}

/** unmarshal is json.Unmarshal into a value of the target type (valid JSON is checked first, as Go does). */
export function unmarshal(s: string, target: JsonTarget = 'any'): UnmarshalResult {
  try {
    validate(s);
  } catch (err) {
    if (err instanceof GoJsonError) return { value: emptyTarget(target), error: err };
    throw err;
  }
  const d = new Decoder(s);
  const value = d.top(target);
  return { value, error: d.error };
}

function emptyTarget(target: JsonTarget): GoValue {
  return target === 'map' ? {} : target === 'slice' ? [] : null;
}

class Decoder {
  i = 0;
  error: GoJsonError | undefined;
  private readonly s: string;
  constructor(s: string) {
    this.s = s;
  }

  private ws(): void {
    while (this.i < this.s.length && isWs(this.s.charCodeAt(this.i))) this.i++;
  }

  private typeError(what: string, type: string): void {
    this.error ??= new GoJsonError(`json: cannot unmarshal ${what} into Go value of type ${type}`);
  }

  top(target: JsonTarget): GoValue {
    this.ws();
    const c = this.s[this.i];
    if (target === 'any') return this.value();
    const type = target === 'map' ? 'map[string]interface {}' : '[]interface {}';
    if (c === 'n') return new GoNil(target === 'map' ? MAP_ANY : SLICE_ANY);
    if ((c === '{' && target === 'map') || (c === '[' && target === 'slice')) return this.value();
    const what =
      c === '{' ? 'object' : c === '[' ? 'array' : c === '"' ? 'string' : c === 't' || c === 'f' ? 'bool' : 'number';
    this.typeError(what, type);
    return emptyTarget(target);
  }

  private value(): GoValue {
    this.ws();
    const s = this.s;
    const c = s[this.i];
    if (c === '{') {
      this.i++;
      const m: GoMap = {};
      this.ws();
      if (s[this.i] === '}') {
        this.i++;
        return m;
      }
      for (;;) {
        this.ws();
        const key = this.string();
        this.ws();
        this.i++; // ':'
        mapSet(m, key, this.value());
        this.ws();
        if (s[this.i++] === '}') return m;
      }
    }
    if (c === '[') {
      this.i++;
      const a: GoValue[] = [];
      this.ws();
      if (s[this.i] === ']') {
        this.i++;
        return a;
      }
      for (;;) {
        a.push(this.value());
        this.ws();
        if (s[this.i++] === ']') return a;
      }
    }
    if (c === '"') return this.string();
    if (c === 't' || c === 'f' || c === 'n') {
      this.i += c === 'f' ? 5 : 4;
      return c === 'n' ? null : c === 't';
    }
    const m = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    m.lastIndex = this.i;
    const text = m.exec(s)?.[0] ?? '';
    this.i += text.length;
    // JSON numbers are plain decimals: JavaScript parses them with Go's rounding; only overflow differs.
    const f = Number(text);
    if (!Number.isFinite(f)) {
      this.typeError(`number ${text}`, 'float64');
      return null;
    }
    return f;
  }

  /** string decodes a JSON string: escapes, surrogate pairs, and U+FFFD for a lone surrogate escape. */
  private string(): string {
    const s = this.s;
    this.i++;
    let out = '';
    let start = this.i;
    for (;;) {
      const c = s.charCodeAt(this.i);
      if (c === 0x22) break;
      if (c !== 0x5c) {
        this.i++;
        continue;
      }
      out += s.slice(start, this.i);
      const e = s[this.i + 1];
      this.i += 2;
      if (e !== 'u') {
        out += { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', '\\': '\\', '/': '/', '"': '"' }[e ?? ''] ?? '';
      } else {
        let r = parseInt(s.slice(this.i, this.i + 4), 16);
        this.i += 4;
        if (r >= 0xd800 && r < 0xdc00 && s.startsWith('\\u', this.i)) {
          const lo = parseInt(s.slice(this.i + 2, this.i + 6), 16);
          if (lo >= 0xdc00 && lo < 0xe000) {
            r = 0x10000 + ((r - 0xd800) << 10) + (lo - 0xdc00);
            this.i += 6;
          } else r = 0xfffd;
        } else if (r >= 0xd800 && r < 0xe000) r = 0xfffd;
        out += String.fromCodePoint(r);
      }
      start = this.i;
    }
    out += s.slice(start, this.i);
    this.i++;
    return out;
  }
}
