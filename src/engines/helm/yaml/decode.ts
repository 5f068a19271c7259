import { formatFloat32G, formatFloatG } from '../../../util/go-float.ts';
import { quote as goQuote } from '../../gotemplate/index.ts';
import type { Value, ValueMap } from '../values/value.ts';
import { composeFirst, type YNode } from './compose.ts';
import { YamlError } from './errors.ts';
import { resolve, ResolveError, TAG } from './resolve.ts';
import { decodeUtf8ForYaml, Source } from './source.ts';

/**
 * The decoder half of sigs.k8s.io/yaml over go-yaml v2, which is how Helm reads every YAML text: go-yaml decodes
 * the first document into Go values (typed scalars, maps with any key), then sigs.k8s.io/yaml converts that to
 * JSON — stringifying keys, and scalars wherever the Go destination field is a string — and encoding/json reads
 * it back, so every number ends up a float64.
 */

/** GoInt is a YAML integer before the JSON step: int (or uint64 when above int64's range). */
class GoInt {
  readonly value: bigint;
  readonly unsigned: boolean;
  constructor(value: bigint, unsigned: boolean) {
    this.value = value;
    this.unsigned = unsigned;
  }
}

/** GoMap is go-yaml's map[interface{}]interface{}: keys of any scalar type, distinct by type and value. */
class GoMap {
  readonly entries = new Map<string, [GoValue, GoValue]>();
  set(key: GoValue, value: GoValue): void {
    this.entries.set(keyIdentity(key), [key, value]);
  }
}

type GoValue = null | boolean | string | number | GoInt | GoMap | GoValue[];

function keyIdentity(k: GoValue): string {
  if (k === null) return 'n';
  if (typeof k === 'string') return 's' + k;
  if (typeof k === 'boolean') return k ? 'bt' : 'bf';
  if (typeof k === 'number') return 'f' + String(k);
  if (k instanceof GoInt) return (k.unsigned ? 'u' : 'i') + k.value.toString();
  return 'x';
}

/** goSyntax is a small `%#v`: what go-yaml and sigs.k8s.io/yaml print for keys they refuse. */
function goSyntax(v: GoValue, nested = false): string {
  if (v === null) return nested ? 'interface {}(nil)' : '<nil>';
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') return formatFloatG(v);
  if (v instanceof GoInt) return v.unsigned ? '0x' + v.value.toString(16) : v.value.toString();
  if (v instanceof GoMap) {
    const parts = [...v.entries.values()].map(([k, e]) => `${goSyntax(k, true)}:${goSyntax(e, true)}`);
    return `map[interface {}]interface {}{${parts.join(', ')}}`;
  }
  return `[]interface {}{${v.map((e) => goSyntax(e, true)).join(', ')}}`;
}

function goTypeOf(v: GoValue): string {
  if (v === null) return '<nil>';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return 'float64';
  if (v instanceof GoInt) return v.unsigned ? 'uint64' : 'int';
  if (v instanceof GoMap) return 'map[interface {}]interface {}';
  return '[]interface {}';
}

const ALIAS_RATIO_LOW = 400000;
const ALIAS_RATIO_HIGH = 4000000;

function allowedAliasRatio(decodeCount: number): number {
  if (decodeCount <= ALIAS_RATIO_LOW) return 0.99;
  if (decodeCount >= ALIAS_RATIO_HIGH) return 0.1;
  return 0.99 - 0.89 * ((decodeCount - ALIAS_RATIO_LOW) / (ALIAS_RATIO_HIGH - ALIAS_RATIO_LOW));
}

/** Decoder is go-yaml's decoder into interface{}, with its alias bomb guard and merge-key rules. */
class Decoder {
  private decodeCount = 0;
  private aliasCount = 0;
  private aliasDepth = 0;
  private readonly active = new Set<YNode>();

  decode(n: YNode): GoValue {
    this.count();
    switch (n.kind) {
      case 'alias':
        return this.alias(n, undefined);
      case 'scalar':
        return this.scalar(n);
      case 'sequence':
        return n.children.map((c) => this.decode(c));
      case 'mapping': {
        const out = new GoMap();
        this.mappingInto(n, out);
        return out;
      }
    }
  }

  private count(): void {
    this.decodeCount++;
    if (this.aliasDepth > 0) this.aliasCount++;
    if (
      this.aliasCount > 100 &&
      this.decodeCount > 1000 &&
      this.aliasCount / this.decodeCount > allowedAliasRatio(this.decodeCount)
    ) {
      throw YamlError.plain('decoder', 'document contains excessive aliasing');
    }
  }

  /** alias decodes the anchored node; with `into`, a mapping target merges into that map. */
  private alias(n: YNode, into: GoMap | undefined): GoValue {
    if (this.active.has(n)) throw YamlError.plain('decoder', `anchor '${n.value}' value contains itself`);
    this.active.add(n);
    this.aliasDepth++;
    try {
      const target = n.alias!;
      if (into !== undefined && target.kind === 'mapping') {
        this.count();
        this.mappingInto(target, into);
        return into;
      }
      return this.decode(target);
    } finally {
      this.aliasDepth--;
      this.active.delete(n);
    }
  }

  private scalar(n: YNode): GoValue {
    if (n.tag === '' && !n.implicit) return n.value;
    let r;
    try {
      r = resolve(n.tag, n.value);
    } catch (err) {
      if (err instanceof ResolveError) throw YamlError.plain('decoder', err.message);
      throw err;
    }
    if (r.tag === TAG.binary) {
      const text = r.value;
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text.replace(/[\r\n]/g, '')) || text.replace(/[\r\n]/g, '').length % 4 !== 0) {
        throw YamlError.plain('decoder', '!!binary value contains invalid base64 data');
      }
      // The bytes become a Go string; the JSON step then replaces each invalid UTF-8 byte with U+FFFD.
      return goBytesToString(Buffer.from(text, 'base64'));
    }
    switch (r.tag) {
      case TAG.null:
        return null;
      case TAG.bool:
        return r.value;
      case TAG.int:
        return new GoInt(r.value as bigint, (r as { unsigned: boolean }).unsigned);
      case TAG.float:
        return r.value;
      case TAG.timestamp:
        return n.value;
      default:
        return r.value as string;
    }
  }

  private mappingInto(n: YNode, out: GoMap): void {
    const c = n.children;
    for (let i = 0; i + 1 < c.length; i += 2) {
      const key = c[i]!;
      if (key.kind === 'scalar' && key.value === '<<' && (key.implicit || key.tag === TAG.merge)) {
        this.merge(c[i + 1]!, out);
        continue;
      }
      const k = this.decode(key);
      if (k instanceof GoMap || Array.isArray(k)) throw YamlError.plain('decoder', `invalid map key: ${goSyntax(k)}`);
      out.set(k, this.decode(c[i + 1]!));
    }
  }

  private merge(n: YNode, out: GoMap): void {
    const wantMap = (): never => {
      throw YamlError.plain('decoder', 'map merge requires map or sequence of maps as the value');
    };
    switch (n.kind) {
      case 'mapping':
        this.count();
        this.mappingInto(n, out);
        return;
      case 'alias':
        if (n.alias !== undefined && n.alias.kind !== 'mapping') wantMap();
        this.count();
        this.alias(n, out);
        return;
      case 'sequence':
        for (let i = n.children.length - 1; i >= 0; i--) {
          const m = n.children[i]!;
          if (m.kind === 'alias') {
            if (m.alias !== undefined && m.alias.kind !== 'mapping') wantMap();
          } else if (m.kind !== 'mapping') {
            wantMap();
          }
          this.count();
          if (m.kind === 'alias') this.alias(m, out);
          else this.mappingInto(m, out);
        }
        return;
      default:
        wantMap();
    }
  }
}

/** goBytesToString decodes UTF-8 as Go's range loop does: every byte of an invalid sequence becomes U+FFFD. */
export function goBytesToString(b: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(b);
  } catch {
    let out = '';
    let i = 0;
    while (i < b.length) {
      const b0 = b[i]!;
      const width =
        b0 < 0x80 ? 1 : b0 >= 0xc2 && b0 <= 0xdf ? 2 : b0 >= 0xe0 && b0 <= 0xef ? 3 : b0 >= 0xf0 && b0 <= 0xf4 ? 4 : 0;
      if (width > 0 && i + width <= b.length) {
        try {
          out += new TextDecoder('utf-8', { fatal: true }).decode(b.subarray(i, i + width));
          i += width;
          continue;
        } catch {
          // falls through: an invalid sequence
        }
      }
      out += '\ufffd';
      i++;
    }
    return out;
  }
}

/**
 * Target describes the Go type a YAML text is decoded into, as far as sigs.k8s.io/yaml's conversion cares:
 * `string` fields receive scalars as text; structs match keys to fields case-insensitively.
 */
export type Target = 'string' | 'any' | { map: Target } | { list: Target } | { struct: Record<string, Target> };

/** YamlToJsonError is a failure of the YAML→JSON step; `message` is sigs.k8s.io/yaml's text. */
export class YamlToJsonError extends Error {
  /** cause is set for syntax errors: go-yaml's own error. */
  readonly yaml: YamlError | undefined;
  constructor(message: string, yaml?: YamlError) {
    super(message);
    this.yaml = yaml;
  }
}

function jsonUnsupported(v: number): YamlToJsonError {
  return new YamlToJsonError(`json: unsupported value: ${formatFloatG(v)}`);
}

function keyString(k: GoValue, v: GoValue): string {
  if (typeof k === 'string') return k;
  if (k instanceof GoInt && !k.unsigned) return k.value.toString();
  if (typeof k === 'number') {
    const s = formatFloat32G(k);
    return s === '+Inf' ? '.inf' : s === '-Inf' ? '-.inf' : s === 'NaN' ? '.nan' : s;
  }
  if (typeof k === 'boolean') return k ? 'true' : 'false';
  throw new YamlToJsonError(
    `unsupported map key of type: ${k === null ? '%!s(<nil>)' : goTypeOf(k)}, key: ${goSyntax(k)}, value: ${goSyntax(v)}`,
  );
}

function structField(fields: Record<string, Target>, key: string): Target | undefined {
  const exact = fields[key];
  if (exact !== undefined && Object.hasOwn(fields, key)) return exact;
  const lower = key.toLowerCase();
  for (const [name, t] of Object.entries(fields)) if (name.toLowerCase() === lower) return t;
  return undefined;
}

/** toJson converts a decoded Go value as sigs.k8s.io/yaml does, then applies JSON's number rules. */
function toJson(v: GoValue, target: Target | undefined): Value {
  if (v instanceof GoMap) {
    const out: ValueMap = new Map();
    for (const [k, e] of v.entries.values()) {
      const key = keyString(k, e);
      let t: Target | undefined;
      if (target !== undefined && typeof target === 'object') {
        if ('struct' in target) t = structField(target.struct, key);
        else if ('map' in target) t = target.map;
      }
      out.set(key, toJson(e, t));
    }
    return out;
  }
  if (Array.isArray(v)) {
    const t = target !== undefined && typeof target === 'object' && 'list' in target ? target.list : undefined;
    return v.map((e) => toJson(e, t));
  }
  if (target === 'string' && v !== null && typeof v !== 'string') {
    if (v instanceof GoInt) return v.value.toString();
    if (typeof v === 'number') return formatFloat32G(v);
    return v ? 'true' : 'false';
  }
  if (v instanceof GoInt) return Number(v.value);
  if (typeof v === 'number' && !Number.isFinite(v)) throw jsonUnsupported(v);
  return v;
}

/** DecodeOptions: the Go destination type (for sigs.k8s.io/yaml's string conversion). */
export interface DecodeOptions {
  target?: Target;
}

/**
 * yamlToJson reads the first YAML document of `input` as sigs.k8s.io/yaml does and returns its JSON value
 * (undefined for an empty stream, which JSON writes as `null`). Failures throw YamlToJsonError whose message is
 * the inner text (the caller adds `error converting YAML to JSON: `).
 */
export function yamlToJson(input: string | Uint8Array, options: DecodeOptions = {}): Value {
  let goValue: GoValue;
  try {
    let source: Source;
    if (typeof input === 'string') {
      source = new Source(input.length === 0 ? '\n' : input);
    } else {
      const { text, bad } = decodeUtf8ForYaml(input.length === 0 ? new Uint8Array([0x0a]) : input);
      source = new Source(text, bad);
    }
    const node = composeFirst(source);
    goValue = node === undefined ? null : new Decoder().decode(node);
  } catch (err) {
    if (err instanceof YamlError) throw new YamlToJsonError(err.message, err);
    throw err;
  }
  return toJson(goValue, options.target);
}
