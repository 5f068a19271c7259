import { SopsFormatError } from '../errors.ts';
import { formatFloatJSON } from '../../../util/go-float.ts';
import type { Metadata } from '../metadata.ts';
import { Branch, Comment, TimeValue, type Item, type Value } from '../tree.ts';
import { attachMetadata, decodeUtf8, extractMetadata, hasTopLevelKey, type Store } from './store.ts';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** JsonParser reads JSON keeping key order and duplicates, and integers apart from floats (Go's json.Number). */
class JsonParser {
  private pos = 0;
  private readonly s: string;

  constructor(s: string) {
    this.s = s;
  }

  private fail(what: string): never {
    throw new SopsFormatError(`json document: ${what} at offset ${this.pos}`);
  }

  private ws(): void {
    while (this.pos < this.s.length && ' \t\r\n'.includes(this.s[this.pos] as string)) this.pos++;
  }

  document(): Branch {
    this.ws();
    if (this.s[this.pos] !== '{') {
      this.fail('sops only supports JSON documents whose top level is an object');
    }
    const b = this.value();
    this.ws();
    if (this.pos !== this.s.length) this.fail('unexpected data after the top-level object');
    return b as Branch;
  }

  private value(): Value {
    this.ws();
    const c = this.s[this.pos];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return this.string();
    if (this.s.startsWith('true', this.pos)) return ((this.pos += 4), true);
    if (this.s.startsWith('false', this.pos)) return ((this.pos += 5), false);
    if (this.s.startsWith('null', this.pos)) return ((this.pos += 4), null);
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.s.slice(this.pos, this.pos + 400));
    if (!m) this.fail('invalid value');
    this.pos += m[0].length;
    if (!m[2] && !m[3]) {
      const n = BigInt(m[0]);
      if (n >= INT64_MIN && n <= INT64_MAX) return n;
    }
    const f = Number(m[0]);
    if (!Number.isFinite(f)) this.fail('number out of range');
    return f;
  }

  private string(): string {
    const start = this.pos;
    this.pos++;
    while (this.pos < this.s.length) {
      const c = this.s[this.pos];
      if (c === '\\') this.pos += 2;
      else if (c === '"') {
        this.pos++;
        try {
          return JSON.parse(this.s.slice(start, this.pos)) as string;
        } catch {
          this.pos = start;
          this.fail('invalid string');
        }
      } else this.pos++;
    }
    this.fail('unterminated string');
  }

  private object(): Branch {
    this.pos++;
    const items: Item[] = [];
    this.ws();
    if (this.s[this.pos] === '}') return (this.pos++, new Branch(items));
    for (;;) {
      this.ws();
      if (this.s[this.pos] !== '"') this.fail('expected an object key');
      const key = this.string();
      this.ws();
      if (this.s[this.pos] !== ':') this.fail('expected ":"');
      this.pos++;
      items.push({ key, value: this.value() });
      this.ws();
      const c = this.s[this.pos];
      this.pos++;
      if (c === '}') return new Branch(items);
      if (c !== ',') this.fail('expected "," or "}"');
    }
  }

  private array(): Value[] {
    this.pos++;
    const out: Value[] = [];
    this.ws();
    if (this.s[this.pos] === ']') return (this.pos++, out);
    for (;;) {
      out.push(this.value());
      this.ws();
      const c = this.s[this.pos];
      this.pos++;
      if (c === ']') return out;
      if (c !== ',') this.fail('expected "," or "]"');
    }
  }
}

/** goJsonString quotes a string as Go's encoding/json does (HTML-safe escapes, U+2028/2029 escaped). */
export function goJsonString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (c < 0x20 || ch === '<' || ch === '>' || ch === '&' || c === 0x2028 || c === 0x2029) {
      out += '\\u' + c.toString(16).padStart(4, '0');
    } else if (c >= 0xd800 && c <= 0xdfff) out += '\\ufffd';
    else out += ch;
  }
  return out + '"';
}

function scalarJson(v: Value): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return goJsonString(v);
  if (v instanceof Uint8Array) return goJsonString(Buffer.from(v).toString('utf8'));
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new SopsFormatError('json document: NaN and infinite floats cannot be written');
    return formatFloatJSON(v);
  }
  if (v instanceof TimeValue) return goJsonString(v.text);
  throw new SopsFormatError('json document: unsupported value');
}

/** emitJson writes a mapping with Go's json.Indent layout (tab by default), comments dropped. */
export function emitJsonValue(v: Value, indent: string, depth: number): string {
  const pad = (d: number): string => indent.repeat(d);
  if (v instanceof Branch) {
    const items = v.items.filter((i) => typeof i.key === 'string');
    if (items.length === 0) return '{}';
    const body = items.map(
      (i) => `${pad(depth + 1)}${goJsonString(i.key as string)}: ${emitJsonValue(i.value, indent, depth + 1)}`,
    );
    return `{\n${body.join(',\n')}\n${pad(depth)}}`;
  }
  if (Array.isArray(v)) {
    const items = v.filter((x) => !(x instanceof Comment));
    if (items.length === 0) return '[]';
    return `[\n${items.map((x) => pad(depth + 1) + emitJsonValue(x, indent, depth + 1)).join(',\n')}\n${pad(depth)}]`;
  }
  return scalarJson(v);
}

/** JsonStore is sops' JSON format: one top-level object; metadata under `sops`; tab-indented output. */
export class JsonStore implements Store {
  readonly format = 'json' as const;

  loadPlain(data: Uint8Array): Branch[] {
    return [new JsonParser(decodeUtf8(data, 'json')).document()];
  }

  emitPlain(branches: Branch[]): Uint8Array {
    return Buffer.from(emitJsonValue(branches[0] ?? new Branch(), '\t', 0) + '\n', 'utf8');
  }

  loadEncrypted(data: Uint8Array): { branches: Branch[]; metadata: Metadata } {
    return extractMetadata(this.loadPlain(data), 'none');
  }

  emitEncrypted(branches: Branch[], metadata: Metadata): Uint8Array {
    return this.emitPlain(attachMetadata(branches, metadata, 'none'));
  }

  hasMetadata(branches: Branch[]): boolean {
    return hasTopLevelKey(branches);
  }
}

/**
 * BinaryStore is sops' binary format: the whole file is one value `data` (bytes kept exactly), stored encrypted
 * as a JSON document.
 */
export class BinaryStore implements Store {
  readonly format = 'binary' as const;
  private readonly json = new JsonStore();

  loadPlain(data: Uint8Array): Branch[] {
    let value: string | Uint8Array;
    try {
      value = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(data);
    } catch {
      value = new Uint8Array(data);
    }
    return [new Branch([{ key: 'data', value }])];
  }

  emitPlain(branches: Branch[]): Uint8Array {
    if (branches.length !== 1) throw new SopsFormatError('binary document: there must be exactly one tree branch');
    const item = branches[0]?.items.find((i) => i.key === 'data');
    if (!item) throw new SopsFormatError('binary document: no binary data found in tree');
    if (typeof item.value === 'string') return Buffer.from(item.value, 'utf8');
    if (item.value instanceof Uint8Array) return item.value;
    throw new SopsFormatError("binary document: 'data' key in tree does not have a string value");
  }

  loadEncrypted(data: Uint8Array): { branches: Branch[]; metadata: Metadata } {
    return this.json.loadEncrypted(data);
  }

  emitEncrypted(branches: Branch[], metadata: Metadata): Uint8Array {
    return this.json.emitEncrypted(branches, metadata);
  }

  hasMetadata(branches: Branch[]): boolean {
    return hasTopLevelKey(branches);
  }
}
