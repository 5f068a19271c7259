import {
  GoInt,
  GoNil,
  GoStruct,
  goInt64,
  type GoMap,
  type GoValue,
  isGoMap,
  mapGet,
  mapSet,
} from '../../gotemplate/index.ts';
import { formatFloatG } from '../../../util/go-float.ts';

/**
 * TOML as Helm's toToml/fromToml do it with BurntSushi/toml v1.6: the encoder writes plain keys before
 * sub-tables, keys in byte order, sub-tables as `[a.b]` headers indented two spaces per level, arrays of maps as
 * `[[a]]`, floats with a `.0` when Go's shortest form has neither `.` nor exponent; nil values are skipped. The
 * decoder reads TOML 1.0 into maps, int64 integers and float64 floats (date-times stay text).
 */

/** TomlError is an encoding or decoding failure; the message is the library's. */
export class TomlError extends Error {}

const BARE = /^[A-Za-z0-9_-]+$/;

function quote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\f') out += '\\f';
    else if (ch === '\r') out += '\\r';
    else if (c < 0x20 || c === 0x7f) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return out + '"';
}

const keyText = (k: string): string => (k === '' ? '""' : BARE.test(k) ? k : quote(k));

function isNil(v: GoValue | undefined): boolean {
  return v === undefined || v === null || v instanceof GoNil;
}

function isTable(v: GoValue | undefined): boolean {
  return isGoMap(v) || (v instanceof GoStruct && v.native === undefined);
}

function isTableArray(v: GoValue | undefined): boolean {
  if (!Array.isArray(v) || v.length === 0) return false;
  let all = true;
  for (const e of v) {
    if (isNil(e)) throw new TomlError('toml: cannot encode array with nil element');
    if (!isTable(e)) all = false;
  }
  return all;
}

function entries(v: GoValue): [string, GoValue][] {
  if (isGoMap(v)) return Object.keys(v).map((k) => [k, mapGet(v, k)!]);
  if (v instanceof GoStruct) {
    const type = v.type.kind === 'ptr' ? v.type.elem! : v.type;
    return type.fields.filter((f) => f.exported !== false).map((f) => [f.name, v.fields[f.name] ?? null]);
  }
  return [];
}

function element(v: GoValue): string {
  if (typeof v === 'string') return quote(v);
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'nan';
    if (!Number.isFinite(v)) return v < 0 ? '-inf' : 'inf';
    const s = formatFloatG(v);
    return /[.e]/.test(s) ? s : `${s}.0`;
  }
  if (v instanceof GoInt) return v.value.toString();
  if (v instanceof Uint8Array) return `[${Array.from(v).join(', ')}]`;
  if (Array.isArray(v)) {
    if (v.some(isNil)) throw new TomlError('toml: cannot encode array with nil element');
    return `[${v.map(element).join(', ')}]`;
  }
  if (v instanceof GoStruct && v.native instanceof Date) return v.native.toISOString();
  if (isTable(v)) return inlineTable(v);
  throw new TomlError(`toml: unexpected type: ${v instanceof GoStruct || v instanceof GoNil ? v.type.name : typeof v}`);
}

function inlineTable(v: GoValue): string {
  const { direct, sub } = split(v);
  const parts = [...direct, ...sub].filter(([, e]) => !isNil(e)).map(([k, e]) => `${keyText(k)} = ${element(e)}`);
  return `{${parts.join(', ')}}`;
}

function split(v: GoValue): { direct: [string, GoValue][]; sub: [string, GoValue][] } {
  const direct: [string, GoValue][] = [];
  const sub: [string, GoValue][] = [];
  for (const [k, e] of entries(v)) {
    if (isTable(e) || isTableArray(e)) sub.push([k, e]);
    else direct.push([k, e]);
  }
  const byKey = (a: [string, GoValue], b: [string, GoValue]): number => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
  if (isGoMap(v)) {
    direct.sort(byKey);
    sub.sort(byKey);
  }
  return { direct, sub };
}

class Encoder {
  out = '';
  private written = false;

  write(s: string): void {
    this.out += s;
    this.written = true;
  }

  newline(): void {
    if (this.written) this.write('\n');
  }

  indent(key: readonly string[]): string {
    return '  '.repeat(Math.max(0, key.length - 1));
  }

  encode(key: string[], v: GoValue): void {
    if (isNil(v)) return;
    if (isTableArray(v)) {
      if (key.length === 0) throw new TomlError('toml: top-level values must be Go maps or structs');
      for (const t of v as GoValue[]) {
        if (isNil(t)) continue;
        this.newline();
        this.write(`${this.indent(key)}[[${key.map(keyText).join('.')}]]`);
        this.newline();
        this.table(key, t);
      }
      return;
    }
    if (isTable(v)) {
      if (key.length === 1) this.newline();
      if (key.length > 0) {
        this.write(`${this.indent(key)}[${key.map(keyText).join('.')}]`);
        this.newline();
      }
      this.table(key, v);
      return;
    }
    if (key.length === 0) {
      this.write(element(v));
      return;
    }
    this.write(`${this.indent(key)}${keyText(key[key.length - 1]!)} = ${element(v)}`);
    this.newline();
  }

  table(key: string[], v: GoValue): void {
    const { direct, sub } = split(v);
    for (const [k, e] of direct) if (!isNil(e)) this.encode([...key, k], e);
    for (const [k, e] of sub) if (!isNil(e)) this.encode([...key, k], e);
  }
}

/** toTomlText is Helm's toToml (must=false returns the error text) and mustToToml (throws). */
export function toTomlText(v: GoValue, must: boolean): string {
  const e = new Encoder();
  try {
    e.encode([], v);
    return e.out;
  } catch (err) {
    if (err instanceof TomlError && !must) return err.message;
    throw err;
  }
}

// ---- decoding ----

class Parser {
  private pos = 0;
  private line = 1;
  private readonly s: string;
  readonly root: GoMap = {};
  private current: GoMap;
  private readonly defined = new Set<GoMap>();

  constructor(s: string) {
    this.s = s;
    this.current = this.root;
  }

  private fail(msg: string): never {
    throw new TomlError(`toml: line ${this.line}: ${msg}`);
  }

  private peek(): string {
    return this.s[this.pos] ?? '';
  }

  private ws(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.pos++;
  }

  private eol(): void {
    this.ws();
    if (this.peek() === '#') while (this.pos < this.s.length && this.peek() !== '\n') this.pos++;
    if (this.peek() === '\r' && this.s[this.pos + 1] === '\n') this.pos++;
    if (this.peek() === '\n') {
      this.pos++;
      this.line++;
    } else if (this.pos < this.s.length)
      this.fail(`expected a top-level item to end with a newline, comment, or EOF, but got '${this.peek()}' instead`);
  }

  parse(): GoMap {
    while (this.pos < this.s.length) {
      this.ws();
      const c = this.peek();
      if (c === '#' || c === '\n' || c === '\r') {
        this.eol();
        continue;
      }
      if (c === '[') this.header();
      else this.keyValue(this.current);
      this.eol();
    }
    return this.root;
  }

  private header(): void {
    const array = this.s[this.pos + 1] === '[';
    this.pos += array ? 2 : 1;
    const key = this.key(true);
    if (this.peek() !== ']' || (array && this.s[this.pos + 1] !== ']')) this.fail('expected end of table name');
    this.pos += array ? 2 : 1;
    let t = this.root;
    key.forEach((k, i) => {
      const last = i === key.length - 1;
      let next = mapGet(t, k);
      if (last && array) {
        if (next === undefined) {
          next = [];
          mapSet(t, k, next);
        }
        if (!Array.isArray(next)) this.fail(`key "${k}" has already been defined`);
        const table: GoMap = {};
        next.push(table);
        t = table;
        return;
      }
      if (next === undefined) {
        next = {};
        mapSet(t, k, next);
      }
      if (Array.isArray(next)) next = next[next.length - 1];
      if (!isGoMap(next)) this.fail(`key "${k}" has already been defined`);
      t = next;
    });
    if (!array) {
      if (this.defined.has(t)) this.fail(`table "${key.join('.')}" has already been defined`);
      this.defined.add(t);
    }
    this.current = t;
  }

  /** key reads a dotted key; `table` is a [table] header (BurntSushi's lexer words empty names differently). */
  private key(table = false): string[] {
    const parts: string[] = [];
    this.ws();
    const first = this.peek();
    if (table && (first === ']' || first === '')) {
      this.fail('unexpected end of table name (table names cannot be empty)');
    }
    if (table && first === '.') this.fail('unexpected table separator (table names cannot be empty)');
    if (!table && (first === '=' || first === '')) {
      this.fail("unexpected '=': key name appears blank");
    }
    if (!table && first === '.') this.fail("unexpected '.': keys cannot start with a '.'");
    for (;;) {
      this.ws();
      const c = this.peek();
      if (c === '"') parts.push(this.basicString());
      else if (c === "'") parts.push(this.literalString());
      else {
        const m = /^[A-Za-z0-9_-]+/.exec(this.s.slice(this.pos));
        if (m === null) this.fail(`invalid bare key character: '${c}'`);
        parts.push(m[0]);
        this.pos += m[0].length;
      }
      this.ws();
      if (this.peek() !== '.') return parts;
      this.pos++;
    }
  }

  private keyValue(into: GoMap): void {
    const key = this.key();
    if (this.peek() !== '=') this.fail(`expected key separator '=', but got '${this.peek()}' instead`);
    this.pos++;
    this.ws();
    const value = this.value();
    let t = into;
    for (const k of key.slice(0, -1)) {
      let next = mapGet(t, k);
      if (next === undefined) {
        next = {};
        mapSet(t, k, next);
      }
      if (!isGoMap(next)) this.fail(`key "${k}" has already been defined`);
      t = next;
    }
    const last = key[key.length - 1]!;
    if (mapGet(t, last) !== undefined) this.fail(`key "${key.join('.')}" has already been defined`);
    mapSet(t, last, value);
  }

  private value(): GoValue {
    const c = this.peek();
    const rest = this.s.slice(this.pos);
    if (rest.startsWith('"""')) return this.multiline('"');
    if (rest.startsWith("'''")) return this.multiline("'");
    if (c === '"') return this.basicString();
    if (c === "'") return this.literalString();
    if (c === '[') return this.array();
    if (c === '{') return this.inline();
    let m = /^(true|false)(?![A-Za-z0-9_-])/.exec(rest);
    if (m !== null) {
      this.pos += m[0].length;
      return m[1] === 'true';
    }
    m =
      /^\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})?)?|^\d{2}:\d{2}:\d{2}(?:\.\d+)?/.exec(
        rest,
      );
    if (m !== null) {
      this.pos += m[0].length;
      return m[0];
    }
    m = /^[+-]?(?:inf|nan)/.exec(rest);
    if (m !== null) {
      this.pos += m[0].length;
      return m[0].endsWith('nan') ? NaN : m[0].startsWith('-') ? -Infinity : Infinity;
    }
    m = /^(?:0x[0-9A-Fa-f_]+|0o[0-7_]+|0b[01_]+|[+-]?(?:0|[1-9][0-9_]*))(?![.eE0-9])/.exec(rest);
    if (m !== null) {
      this.pos += m[0].length;
      const text = m[0].replaceAll('_', '');
      const v = text.startsWith('0x') || text.startsWith('0o') || text.startsWith('0b') ? BigInt(text) : BigInt(text);
      if (v < -(1n << 63n) || v >= 1n << 63n) this.fail(`integer "${m[0]}" is out of range`);
      return goInt64(v);
    }
    m = /^[+-]?(?:0|[1-9][0-9_]*)(?:\.[0-9_]+)?(?:[eE][+-]?[0-9_]+)?/.exec(rest);
    if (m !== null && m[0] !== '' && m[0] !== '+' && m[0] !== '-') {
      this.pos += m[0].length;
      return Number(m[0].replaceAll('_', ''));
    }
    return this.fail(`expected value but found '${c}' instead`);
  }

  private basicString(): string {
    this.pos++;
    let out = '';
    for (;;) {
      const c = this.peek();
      if (c === '' || c === '\n') this.fail("unexpected EOF; expected '\"'");
      this.pos++;
      if (c === '"') return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      out += this.escape();
    }
  }

  private escape(): string {
    const e = this.peek();
    this.pos++;
    const simple: Record<string, string> = {
      b: '\b',
      t: '\t',
      n: '\n',
      f: '\f',
      r: '\r',
      '"': '"',
      '\\': '\\',
      e: '\x1b',
    };
    if (simple[e] !== undefined) return simple[e];
    if (e === 'u' || e === 'U') {
      const n = e === 'u' ? 4 : 8;
      const hex = this.s.slice(this.pos, this.pos + n);
      if (!/^[0-9A-Fa-f]+$/.test(hex) || hex.length !== n) this.fail(`invalid escape: '\\${e}${hex}'`);
      this.pos += n;
      return String.fromCodePoint(parseInt(hex, 16));
    }
    return this.fail(`invalid escape in string '\\${e}'`);
  }

  private literalString(): string {
    this.pos++;
    const end = this.s.indexOf("'", this.pos);
    const nl = this.s.indexOf('\n', this.pos);
    if (end < 0 || (nl >= 0 && nl < end)) this.fail('unexpected EOF; expected "\'"');
    const out = this.s.slice(this.pos, end);
    this.pos = end + 1;
    return out;
  }

  private multiline(q: string): string {
    this.pos += 3;
    if (this.peek() === '\n') {
      this.pos++;
      this.line++;
    }
    let out = '';
    for (;;) {
      if (this.pos >= this.s.length) this.fail(`unexpected EOF; expected '${q}${q}${q}'`);
      if (this.s.startsWith(q.repeat(3), this.pos)) {
        let n = 3;
        while (this.s[this.pos + n] === q && n < 5) n++;
        out += q.repeat(n - 3);
        this.pos += n;
        return out;
      }
      const c = this.peek();
      this.pos++;
      if (c === '\n') this.line++;
      if (q === '"' && c === '\\') {
        if (/^[ \t]*\r?\n/.test(this.s.slice(this.pos))) {
          while (/[ \t\r\n]/.test(this.peek())) {
            if (this.peek() === '\n') this.line++;
            this.pos++;
          }
          continue;
        }
        out += this.escape();
        continue;
      }
      out += c;
    }
  }

  private skipArrayWs(): void {
    for (;;) {
      this.ws();
      const c = this.peek();
      if (c === '\n') {
        this.pos++;
        this.line++;
      } else if (c === '\r') this.pos++;
      else if (c === '#') while (this.pos < this.s.length && this.peek() !== '\n') this.pos++;
      else return;
    }
  }

  private array(): GoValue[] {
    this.pos++;
    const out: GoValue[] = [];
    for (;;) {
      this.skipArrayWs();
      if (this.peek() === ']') {
        this.pos++;
        return out;
      }
      out.push(this.value());
      this.skipArrayWs();
      if (this.peek() === ',') this.pos++;
      else if (this.peek() !== ']')
        this.fail(`expected a comma (',') or array terminator (']'), but got '${this.peek()}'`);
    }
  }

  private inline(): GoMap {
    this.pos++;
    const out: GoMap = {};
    this.ws();
    if (this.peek() === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.keyValue(out);
      this.ws();
      if (this.peek() === ',') {
        this.pos++;
        this.ws();
        continue;
      }
      if (this.peek() === '}') {
        this.pos++;
        return out;
      }
      this.fail(`expected a comma or an inline table terminator '}', but got '${this.peek()}' instead`);
    }
  }
}

/** fromTomlText is Helm's fromToml: the table, or `{Error: message}`. */
export function fromTomlText(text: string): GoMap {
  try {
    return new Parser(text).parse();
  } catch (err) {
    if (err instanceof TomlError) {
      const m: GoMap = {};
      mapSet(m, 'Error', err.message);
      return m;
    }
    throw err;
  }
}
