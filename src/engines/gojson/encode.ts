/**
 * Go's encoding/json Marshal over the Go value model: map keys sorted bytewise, `[]byte` as base64, nil slices
 * and maps as `null`, floats in Go's format (`1e+21`, `1e-7`), types with a `MarshalJSON` method through it, and
 * Go's errors (`json: unsupported value: NaN`, `json: unsupported type: func() string`). Strings escape `<`, `>`
 * and `&` unless `escapeHTML` is false, as json.Encoder.SetEscapeHTML(false) does.
 */
import { formatFloat } from '../gotemplate/index.ts';
import {
  GoChan,
  GoComplex,
  GoFunc,
  GoInt,
  GoNil,
  GoStruct,
  isGoMap,
  sortedKeys,
  typeName,
  typeOf,
  type GoField,
  type GoValue,
} from '../gotemplate/index.ts';
import { GoJsonError } from './errors.ts';

export interface MarshalOptions {
  /** escapeHTML escapes `<`, `>` and `&` as `\u003c`… (default true, as json.Marshal). */
  readonly escapeHTML?: boolean;
}

/** marshal is json.Marshal. */
export function marshal(v: GoValue, options: MarshalOptions = {}): string {
  const e = new Encoder(options.escapeHTML ?? true);
  e.value(v);
  return e.out;
}

/** marshalIndent is json.MarshalIndent(v, prefix, indent). */
export function marshalIndent(v: GoValue, prefix: string, indent: string, options: MarshalOptions = {}): string {
  return indentJson(marshal(v, options), prefix, indent);
}

const HEX = '0123456789abcdef';

/** quoteString is encoding/json's string encoding. */
export function quoteString(s: string, escapeHTML: boolean): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let esc: string | undefined;
    if (c < 0x80) {
      if (c >= 0x20 && c !== 0x22 && c !== 0x5c && !(escapeHTML && (c === 0x3c || c === 0x3e || c === 0x26))) continue;
      switch (c) {
        case 0x5c:
        case 0x22:
          esc = '\\' + String.fromCharCode(c);
          break;
        case 0x08:
          esc = '\\b';
          break;
        case 0x0c:
          esc = '\\f';
          break;
        case 0x0a:
          esc = '\\n';
          break;
        case 0x0d:
          esc = '\\r';
          break;
        case 0x09:
          esc = '\\t';
          break;
        default:
          esc = '\\u00' + HEX[c >> 4] + HEX[c & 0xf];
      }
    } else if (c === 0x2028 || c === 0x2029) {
      esc = '\\u202' + HEX[c & 0xf];
    } else if (c >= 0xd800 && c < 0xe000) {
      const lo = s.charCodeAt(i + 1);
      if (c < 0xdc00 && lo >= 0xdc00 && lo < 0xe000) {
        i++;
        continue;
      }
      esc = '\\ufffd'; // a lone surrogate stands for invalid UTF-8
    } else continue;
    out += s.slice(start, i) + esc;
    start = i + 1;
  }
  return out + s.slice(start) + '"';
}

/** formatJsonFloat is encoding/json's float64 format: 'f' within [1e-6, 1e21), else 'e' with a short exponent. */
export function formatJsonFloat(f: number): string {
  if (!Number.isFinite(f)) throw new GoJsonError(`json: unsupported value: ${formatFloat(f, 'g', -1)}`);
  const abs = Math.abs(f);
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e21)) {
    return formatFloat(f, 'e', -1).replace(/e([+-])0(\d)$/, 'e$1$2');
  }
  return formatFloat(f, 'f', -1);
}

class Encoder {
  out = '';
  private readonly active = new Set<object>();
  private readonly escapeHTML: boolean;
  constructor(escapeHTML: boolean) {
    this.escapeHTML = escapeHTML;
  }

  value(v: GoValue): void {
    switch (typeof v) {
      case 'string':
        this.out += quoteString(v, this.escapeHTML);
        return;
      case 'number':
        this.out += formatJsonFloat(v);
        return;
      case 'boolean':
        this.out += v ? 'true' : 'false';
        return;
    }
    if (v === null || v instanceof GoNil) {
      this.out += 'null';
      return;
    }
    const marshaler = typeOf(v)?.method('MarshalJSON');
    if (marshaler !== undefined && marshaler.params.length === 0) {
      this.marshaler(v, marshaler);
      return;
    }
    if (v instanceof GoInt) {
      this.out += v.value.toString();
      return;
    }
    if (v instanceof Uint8Array) {
      this.out += '"' + Buffer.from(v).toString('base64') + '"';
      return;
    }
    if (v instanceof GoFunc || v instanceof GoChan || v instanceof GoComplex) {
      throw new GoJsonError(`json: unsupported type: ${typeName(v)}`);
    }
    this.enter(v);
    if (Array.isArray(v)) {
      this.out += '[';
      v.forEach((x, i) => {
        if (i > 0) this.out += ',';
        this.value(x);
      });
      this.out += ']';
    } else if (v instanceof GoStruct) {
      this.struct(v);
    } else if (isGoMap(v)) {
      this.out += '{';
      sortedKeys(v).forEach((k, i) => {
        if (i > 0) this.out += ',';
        this.out += quoteString(k, this.escapeHTML) + ':';
        this.value(v[k] ?? null);
      });
      this.out += '}';
    }
    this.active.delete(v);
  }

  /** enter refuses a value that contains itself, as Go's cycle check does. */
  private enter(v: object): void {
    if (this.active.has(v)) {
      throw new GoJsonError(`json: unsupported value: encountered a cycle via ${typeName(v as GoValue)}`);
    }
    this.active.add(v);
  }

  private marshaler(v: GoValue, m: GoFunc): void {
    let raw: GoValue;
    try {
      raw = m.impl(v);
    } catch (err) {
      throw new GoJsonError(`json: error calling MarshalJSON for type ${typeName(v)}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    const text = raw instanceof Uint8Array ? Buffer.from(raw).toString('utf8') : typeof raw === 'string' ? raw : '';
    // Go compacts a marshaler's output (escaping HTML characters in its strings when asked to).
    this.out += compactJson(text, this.escapeHTML);
  }

  private struct(v: GoStruct): void {
    const t = v.type;
    this.out += '{';
    let first = true;
    for (const f of t.fields) {
      if (f.exported === false) continue;
      const tag = jsonTag(f);
      if (tag === undefined) continue;
      const fv = v.fields[f.name] ?? null;
      if (tag.omitEmpty && isEmptyValue(fv)) continue;
      if (!first) this.out += ',';
      first = false;
      this.out += quoteString(tag.name, this.escapeHTML) + ':';
      this.value(fv);
    }
    this.out += '}';
  }
}

/** jsonTag reads a field's encoding/json tag: its JSON name and omitempty; undefined for `json:"-"`. */
export function jsonTag(f: GoField): { name: string; omitEmpty: boolean } | undefined {
  if (f.json === undefined) return { name: f.name, omitEmpty: false };
  const [name = '', ...options] = f.json.split(',');
  if (name === '-' && options.length === 0) return undefined;
  return { name: name === '' ? f.name : name, omitEmpty: options.includes('omitempty') };
}

/** isEmptyValue is encoding/json's test for omitempty: false, 0, "", nil, and empty slices and maps. */
export function isEmptyValue(v: GoValue): boolean {
  if (v === null || v === undefined || v === '' || v === false || v === 0) return true;
  if (v instanceof GoNil) return true;
  if (v instanceof GoInt) return v.value === 0n;
  if (Array.isArray(v)) return v.length === 0;
  if (isGoMap(v)) return Object.keys(v).length === 0;
  return false;
}

/** compactJson is json.Compact (with HTML escaping inside strings when asked to); the input is valid JSON. */
export function compactJson(text: string, escapeHTML: boolean): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? '';
    if (c === '"') {
      let j = i + 1;
      for (; j < text.length && text[j] !== '"'; j++) if (text[j] === '\\') j++;
      const s = text.slice(i, j + 1);
      out += escapeHTML ? s.replace(/[<>&]/g, (m) => '\\u00' + m.charCodeAt(0).toString(16)) : s;
      i = j;
    } else if (c !== ' ' && c !== '\t' && c !== '\n' && c !== '\r') out += c;
  }
  return out;
}

/** indentJson is json.Indent over compact JSON: one element per line, empty `[]` and `{}` kept together. */
export function indentJson(text: string, prefix: string, indent: string): string {
  let out = '';
  let depth = 0;
  let needIndent = false;
  const newline = (): string => '\n' + prefix + indent.repeat(depth);
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? '';
    if (needIndent && c !== ']' && c !== '}') {
      needIndent = false;
      depth++;
      out += newline();
    }
    if (c === '"') {
      let j = i + 1;
      for (; j < text.length && text[j] !== '"'; j++) if (text[j] === '\\') j++;
      out += text.slice(i, j + 1);
      i = j;
      continue;
    }
    switch (c) {
      case '{':
      case '[':
        needIndent = true;
        out += c;
        break;
      case ',':
        out += c + newline();
        break;
      case ':':
        out += ': ';
        break;
      case '}':
      case ']':
        if (needIndent) needIndent = false;
        else {
          depth--;
          out += newline();
        }
        out += c;
        break;
      default:
        out += c;
    }
  }
  return out;
}
