import { RE2JS } from 're2js';

import type { Chart } from '../chart/types.ts';
import { formatFloatG } from '../../../util/go-float.ts';
import { decodeGoJsonPrefix, GoJsonError } from '../values/json.ts';
import { quote as goQuote } from '../../gotemplate/index.ts';
import type { Value, ValueMap } from '../values/value.ts';
import { FORMATS } from './formats.ts';
import { jsonPointer, printFloat, printInt, quote } from './messages.ts';
import { Rat } from './rat.ts';

/**
 * values.schema.json validation as Helm v4.2.4 runs it with santhosh-tekuri/jsonschema v6: the draft named by
 * `$schema` (2020-12 by default), `$ref` within the document (`#/…` pointers, `$defs`/`definitions`, anchors), the
 * keywords' semantics and error tree of that library, and Helm's wording around it. References to other
 * documents (files, URLs) are not fetched: an engine reads no network.
 */

/** JsonNumber is a number of the schema document, kept as its literal text (json.Decoder.UseNumber). */
class JsonNumber {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

type SJson = null | boolean | string | JsonNumber | SJson[] | Map<string, SJson>;

const BASE = 'file:///values.schema.json';

/** SchemaError is a schema that cannot be read or compiled (its message is the library's). */
export class SchemaError extends Error {}

interface Schema {
  draft: number;
  location: string;
  bool?: boolean;
  ref?: Schema | (() => Schema);
  types?: number;
  enumValues?: SJson[];
  constValue?: { v: SJson };
  format?: { name: string; check: (s: string) => string | undefined };
  allOf?: Schema[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  not?: Schema;
  items?: Schema | Schema[];
  additionalItems?: boolean | Schema;
  prefixItems?: Schema[];
  items2020?: Schema;
  properties?: Map<string, Schema>;
  patternProperties?: [RE2JS, string, Schema][];
  additionalProperties?: boolean | Schema;
  dependencies?: Map<string, string[] | Schema>;
  dependentRequired?: Map<string, string[]>;
  dependentSchemas?: Map<string, Schema>;
  propertyNames?: Schema;
  multipleOf?: Rat;
  maximum?: Rat;
  exclusiveMaximum?: Rat;
  minimum?: Rat;
  exclusiveMinimum?: Rat;
  minLength?: number;
  maxLength?: number;
  pattern?: [RE2JS, string];
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  minProperties?: number;
  maxProperties?: number;
  required?: string[];
  contains?: Schema;
  minContains?: number;
  maxContains?: number;
  ifSchema?: Schema;
  thenSchema?: Schema;
  elseSchema?: Schema;
  unevaluatedProperties?: Schema;
  unevaluatedItems?: Schema;
}

const T = { null: 1, boolean: 2, number: 4, integer: 8, string: 16, array: 32, object: 64 } as const;
const TYPE_ORDER = ['null', 'boolean', 'number', 'integer', 'string', 'array', 'object'] as const;

function draftOf(doc: SJson): number {
  if (!(doc instanceof Map)) return 2020;
  const s = doc.get('$schema');
  if (typeof s !== 'string') return 2020;
  const u = s.replace(/#$/, '').replace(/^https?:\/\//, '');
  if (u === 'json-schema.org/draft-04/schema') return 4;
  if (u === 'json-schema.org/draft-06/schema') return 6;
  if (u === 'json-schema.org/draft-07/schema') return 7;
  if (u === 'json-schema.org/draft/2019-09/schema') return 2019;
  return 2020;
}

function unescapePtr(tok: string): string {
  return decodeURIComponent(tok).replaceAll('~1', '/').replaceAll('~0', '~');
}

/** Compiler turns the schema document into Schema objects, resolving `$ref` lazily (cycles allowed). */
class Compiler {
  private readonly doc: SJson;
  private readonly draft: number;
  private readonly cache = new Map<SJson, Schema>();
  private readonly anchors = new Map<string, SJson>();

  constructor(doc: SJson) {
    this.doc = doc;
    this.draft = draftOf(doc);
    this.collectAnchors(doc, true);
  }

  private collectAnchors(node: SJson, root: boolean): void {
    if (node instanceof Map) {
      const anchor = node.get('$anchor');
      if (typeof anchor === 'string') this.anchors.set(anchor, node);
      const id = node.get(this.draft === 4 ? 'id' : '$id');
      if (!root && typeof id === 'string' && id.startsWith('#')) this.anchors.set(id.slice(1), node);
      for (const v of node.values()) this.collectAnchors(v, false);
    } else if (Array.isArray(node)) {
      for (const v of node) this.collectAnchors(v, false);
    }
  }

  resolve(ref: string): Schema {
    const hash = ref.indexOf('#');
    const url = hash < 0 ? ref : ref.slice(0, hash);
    const frag = hash < 0 ? '' : ref.slice(hash + 1);
    if (url !== '' && url !== BASE && url !== 'values.schema.json') {
      throw new SchemaError(`failing loading ${quote(url)}: fluxts does not load external schema references`);
    }
    if (frag === '' || frag.startsWith('/')) {
      let node: SJson = this.doc;
      for (const raw of frag === '' ? [] : frag.slice(1).split('/')) {
        const tok = unescapePtr(raw);
        if (node instanceof Map && node.has(tok)) node = node.get(tok)!;
        else if (Array.isArray(node) && /^(0|[1-9][0-9]*)$/.test(tok) && Number(tok) < node.length)
          node = node[Number(tok)]!;
        else throw new SchemaError(`json-pointer in ${goQuote(`${BASE}#${frag}`)} not found`);
      }
      return this.compile(node, `${BASE}#${frag}`);
    }
    const node = this.anchors.get(decodeURIComponent(frag));
    if (node === undefined) {
      throw new SchemaError(`anchor in ${goQuote(`${BASE}#${frag}`)} not found in schema ${goQuote(BASE)}`);
    }
    return this.compile(node, `${BASE}#${frag}`);
  }

  compile(node: SJson, location: string): Schema {
    const cached = this.cache.get(node);
    if (cached !== undefined) return cached;
    const s: Schema = { draft: this.draft, location };
    this.cache.set(node, s);
    if (typeof node === 'boolean') {
      s.bool = node;
      return s;
    }
    if (!(node instanceof Map)) return s;
    const sub = (key: string): Schema | undefined =>
      node.has(key) ? this.compile(node.get(key)!, `${location}/${key}`) : undefined;
    const subArr = (key: string): Schema[] | undefined => {
      const a = node.get(key);
      return Array.isArray(a) ? a.map((e, i) => this.compile(e, `${location}/${key}/${i}`)) : undefined;
    };
    const subMap = (key: string): Map<string, Schema> | undefined => {
      const m = node.get(key);
      if (!(m instanceof Map)) return undefined;
      const out = new Map<string, Schema>();
      for (const [k, v] of m) out.set(k, this.compile(v, `${location}/${key}/${k}`));
      return out;
    };
    const num = (key: string): Rat | undefined => {
      const v = node.get(key);
      return v instanceof JsonNumber ? Rat.parse(v.text) : undefined;
    };
    const int = (key: string): number | undefined => {
      const v = node.get(key);
      return v instanceof JsonNumber ? Math.trunc(Number(v.text)) : undefined;
    };
    const additional = (key: string): boolean | Schema | undefined => {
      const v = node.get(key);
      return typeof v === 'boolean' ? v : sub(key);
    };
    const ref = node.get('$ref');
    if (typeof ref === 'string') {
      let target: Schema | undefined;
      s.ref = () => (target ??= this.resolve(ref));
      if (this.draft < 2019) return s;
    }
    s.allOf = subArr('allOf');
    s.anyOf = subArr('anyOf');
    s.oneOf = subArr('oneOf');
    s.not = sub('not');
    if (this.draft < 2020) {
      const items = node.get('items');
      if (Array.isArray(items)) {
        s.items = subArr('items');
        s.additionalItems = additional('additionalItems');
      } else if (items !== undefined) s.items = sub('items');
    }
    s.properties = subMap('properties');
    const pp = subMap('patternProperties');
    if (pp !== undefined) {
      s.patternProperties = [];
      for (const [pattern, sch] of pp) s.patternProperties.push([compileRegex(pattern, location), pattern, sch]);
    }
    s.additionalProperties = additional('additionalProperties');
    const deps = node.get('dependencies');
    if (deps instanceof Map) {
      s.dependencies = new Map();
      for (const [k, v] of deps) {
        s.dependencies.set(
          k,
          Array.isArray(v)
            ? v.filter((e): e is string => typeof e === 'string')
            : this.compile(v, `${location}/dependencies/${k}`),
        );
      }
    }
    const type = node.get('type');
    let types = 0;
    if (typeof type === 'string') types = T[type as keyof typeof T] ?? 0;
    else if (Array.isArray(type)) for (const t of type) if (typeof t === 'string') types |= T[t as keyof typeof T] ?? 0;
    if (types !== 0) s.types = types;
    const en = node.get('enum');
    if (Array.isArray(en)) s.enumValues = en;
    s.multipleOf = num('multipleOf');
    s.maximum = num('maximum');
    if (node.get('exclusiveMaximum') === true) {
      s.exclusiveMaximum = s.maximum;
      s.maximum = undefined;
    } else s.exclusiveMaximum = num('exclusiveMaximum');
    s.minimum = num('minimum');
    if (node.get('exclusiveMinimum') === true) {
      s.exclusiveMinimum = s.minimum;
      s.minimum = undefined;
    } else s.exclusiveMinimum = num('exclusiveMinimum');
    s.minLength = int('minLength');
    s.maxLength = int('maxLength');
    const pattern = node.get('pattern');
    if (typeof pattern === 'string') s.pattern = [compileRegex(pattern, location), pattern];
    s.minItems = int('minItems');
    s.maxItems = int('maxItems');
    s.uniqueItems = node.get('uniqueItems') === true;
    s.maxProperties = int('maxProperties');
    s.minProperties = int('minProperties');
    const req = node.get('required');
    if (Array.isArray(req)) s.required = req.filter((e): e is string => typeof e === 'string');
    const format = node.get('format');
    if (this.draft < 2019 && typeof format === 'string') {
      const check = FORMATS.get(format);
      if (check !== undefined) s.format = { name: format, check };
    }
    if (this.draft >= 6) {
      s.contains = sub('contains');
      s.propertyNames = sub('propertyNames');
      if (node.has('const')) s.constValue = { v: node.get('const')! };
    }
    if (this.draft >= 7) {
      s.ifSchema = sub('if');
      if (s.ifSchema !== undefined) {
        const b = node.get('if');
        if (b !== false) s.thenSchema = sub('then');
        if (b !== true) s.elseSchema = sub('else');
      }
    }
    if (this.draft >= 2019) {
      if (s.contains !== undefined) {
        s.minContains = int('minContains');
        s.maxContains = int('maxContains');
      }
      const dr = node.get('dependentRequired');
      if (dr instanceof Map) {
        s.dependentRequired = new Map();
        for (const [k, v] of dr)
          if (Array.isArray(v))
            s.dependentRequired.set(
              k,
              v.filter((e): e is string => typeof e === 'string'),
            );
      }
      s.dependentSchemas = subMap('dependentSchemas');
      s.unevaluatedItems = sub('unevaluatedItems');
      s.unevaluatedProperties = sub('unevaluatedProperties');
    }
    if (this.draft >= 2020) {
      s.prefixItems = subArr('prefixItems');
      s.items2020 = sub('items');
    }
    return s;
  }
}

function compileRegex(pattern: string, location: string): RE2JS {
  try {
    return RE2JS.compile(pattern);
  } catch (err) {
    throw new SchemaError(
      `jsonschema: invalid regex ${quote(pattern)} at ${quote(location)}: ${(err as Error).message}`,
    );
  }
}

// ---- validation ----

/** VError is one node of the library's error tree. */
interface VError {
  location: string[];
  message: string;
  /** kind: a group of sibling failures, a `$ref` (both say "validation failed"), or a keyword. */
  kind: 'group' | 'ref' | 'keyword';
  causes: VError[];
}

function typeOfValue(v: Value): keyof typeof T {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'number' || typeof v === 'bigint') return 'number';
  if (typeof v === 'string') return 'string';
  if (Array.isArray(v)) return 'array';
  return 'object';
}

function ratOfValue(v: number | bigint): Rat {
  return typeof v === 'bigint' ? Rat.parse(v.toString()) : Rat.parse(formatFloatG(v));
}

function isInteger(v: number | bigint): boolean {
  return typeof v === 'bigint' || Number.isInteger(v);
}

function sjsonEquals(a: Value, b: SJson): boolean {
  if (b instanceof JsonNumber)
    return (typeof a === 'number' || typeof a === 'bigint') && ratOfValue(a).cmp(Rat.parse(b.text)) === 0;
  if (b === null || typeof b === 'boolean' || typeof b === 'string') return a === b;
  if (Array.isArray(b)) return Array.isArray(a) && a.length === b.length && a.every((e, i) => sjsonEquals(e, b[i]!));
  if (!(a instanceof Map) || a.size !== b.size) return false;
  for (const [k, v] of b) if (!a.has(k) || !sjsonEquals(a.get(k)!, v)) return false;
  return true;
}

function valueEquals(a: Value, b: Value): boolean {
  if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')) {
    return ratOfValue(a).cmp(ratOfValue(b)) === 0;
  }
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((e, i) => valueEquals(e, b[i]!));
  if (a instanceof Map) {
    if (!(b instanceof Map) || a.size !== b.size) return false;
    for (const [k, v] of a) if (!b.has(k) || !valueEquals(v, b.get(k)!)) return false;
    return true;
  }
  return a === b;
}

function display(v: SJson | Value): string {
  if (typeof v === 'string') return quote(v);
  if (Array.isArray(v) || v instanceof Map) return 'value';
  if (v instanceof JsonNumber) return v.text;
  if (v === null) return '<nil>';
  if (typeof v === 'number') return formatFloatG(v);
  return String(v);
}

class Validator {
  private readonly boolResult: boolean;
  constructor(boolResult: boolean) {
    this.boolResult = boolResult;
  }

  private err(location: string[], message: string, causes: VError[] = [], kind: VError['kind'] = 'keyword'): VError {
    return { location: [...location], message, kind, causes };
  }

  validate(s: Schema, v: Value, loc: string[], boolResult = this.boolResult): VError | undefined {
    const vd = boolResult === this.boolResult ? this : new Validator(boolResult);
    return vd.run(s, v, loc);
  }

  private run(s: Schema, v: Value, loc: string[]): VError | undefined {
    if (s.bool !== undefined) return s.bool ? undefined : this.err(loc, 'false schema');
    const t = typeOfValue(v);
    if (s.types !== undefined) {
      const matched =
        (s.types & T[t]) !== 0 || ((s.types & T.integer) !== 0 && t === 'number' && isInteger(v as number));
      if (!matched) {
        const want = TYPE_ORDER.filter((n) => (s.types! & T[n]) !== 0).join(' or ');
        return this.err(loc, `got ${t}, want ${want}`);
      }
    }
    if (s.constValue !== undefined && !sjsonEquals(v, s.constValue.v)) {
      const w = s.constValue.v;
      return this.err(loc, Array.isArray(w) || w instanceof Map ? "'const' failed" : `value must be ${display(w)}`);
    }
    if (s.enumValues !== undefined && !s.enumValues.some((e) => sjsonEquals(v, e))) {
      const allPrimitive = s.enumValues.every((e) => !Array.isArray(e) && !(e instanceof Map));
      let msg = "'enum' failed";
      if (allPrimitive) {
        msg =
          s.enumValues.length === 1
            ? `value must be ${display(s.enumValues[0]!)}`
            : `value must be one of ${s.enumValues.map(display).join(', ')}`;
      }
      return this.err(loc, msg);
    }
    if (s.format !== undefined && typeof v === 'string') {
      const problem = s.format.check(v);
      if (problem !== undefined) return this.err(loc, `${display(v)} is not valid ${s.format.name}: ${problem}`);
    }
    const errors: VError[] = [];
    const add = (e: VError | undefined): void => {
      if (e !== undefined) errors.push(e);
    };
    if (s.ref !== undefined) {
      const target = typeof s.ref === 'function' ? s.ref() : s.ref;
      const e = this.refError(target, v, loc);
      if (s.draft < 2019) return e;
      add(e);
    }
    if (v instanceof Map) this.object(s, v, loc, add);
    else if (Array.isArray(v)) this.array(s, v, loc, add);
    else if (typeof v === 'string') this.string(s, v, loc, add);
    else if (typeof v === 'number' || typeof v === 'bigint') this.number(s, v, loc, add);
    if (errors.length === 0 || !this.boolResult) this.conditions(s, v, loc, add);
    if (errors.length === 0) return undefined;
    if (errors.length === 1) return errors[0];
    return this.err(loc, 'validation failed', errors, 'group');
  }

  private refError(target: Schema, v: Value, loc: string[]): VError | undefined {
    const e = this.validate(target, v, loc);
    if (e === undefined) return undefined;
    return this.err(loc, 'validation failed', e.kind === 'group' ? e.causes : [e], 'ref');
  }

  private object(s: Schema, obj: ValueMap, loc: string[], add: (e: VError | undefined) => void): void {
    if (s.minProperties !== undefined && obj.size < s.minProperties) {
      add(this.err(loc, `minProperties: got ${printInt(obj.size)}, want ${printInt(s.minProperties)}`));
    }
    if (s.maxProperties !== undefined && obj.size > s.maxProperties) {
      add(this.err(loc, `maxProperties: got ${printInt(obj.size)}, want ${printInt(s.maxProperties)}`));
    }
    if (s.required !== undefined && s.required.length > 0) {
      const missing = s.required.filter((p) => !obj.has(p));
      if (missing.length > 0) add(this.err(loc, missingMessage(missing)));
    }
    for (const [pname, dep] of sortedEntries(s.dependencies)) {
      if (!obj.has(pname)) continue;
      if (Array.isArray(dep)) {
        const missing = dep.filter((p) => !obj.has(p));
        if (missing.length > 0) {
          add(this.err(loc, `properties ${missing.map(quote).join(', ')} required, if ${quote(pname)} exists`));
        }
      } else add(this.validate(dep, obj, loc));
    }
    const additional: string[] = [];
    for (const pname of [...obj.keys()].sort()) {
      const pvalue = obj.get(pname)!;
      let evaluated = false;
      const p = s.properties?.get(pname);
      if (p !== undefined) {
        evaluated = true;
        add(this.validate(p, pvalue, [...loc, pname]));
      }
      for (const [re, , sch] of s.patternProperties ?? []) {
        if (re.matcher(pname).find()) {
          evaluated = true;
          add(this.validate(sch, pvalue, [...loc, pname]));
        }
      }
      if (!evaluated && s.additionalProperties !== undefined) {
        if (s.additionalProperties === false) additional.push(pname);
        else if (s.additionalProperties !== true) add(this.validate(s.additionalProperties, pvalue, [...loc, pname]));
      }
    }
    if (additional.length > 0)
      add(this.err(loc, `additional properties ${additional.map(quote).join(', ')} not allowed`));
    if (s.draft === 4) return;
    if (s.propertyNames !== undefined) {
      for (const pname of [...obj.keys()].sort()) {
        const e = this.validate(s.propertyNames, pname, []);
        // The library validates the name as a document of its own: the error sits at '' whatever the depth.
        if (e !== undefined)
          add(this.err([], `invalid propertyName ${quote(pname)}`, e.kind === 'group' ? e.causes : [e]));
      }
    }
    if (s.draft === 6) return;
    for (const [pname, sch] of sortedEntries(s.dependentSchemas)) if (obj.has(pname)) add(this.validate(sch, obj, loc));
    for (const [pname, reqd] of sortedEntries(s.dependentRequired)) {
      if (!obj.has(pname)) continue;
      const missing = reqd.filter((p) => !obj.has(p));
      if (missing.length > 0) {
        add(this.err(loc, `properties ${missing.map(quote).join(', ')} required, if ${quote(pname)} exists`));
      }
    }
    if (s.unevaluatedProperties !== undefined) {
      for (const pname of [...obj.keys()].sort()) {
        const evaluated =
          s.properties?.has(pname) === true ||
          (s.patternProperties ?? []).some(([re]) => re.matcher(pname).find()) ||
          s.additionalProperties !== undefined;
        if (!evaluated) add(this.validate(s.unevaluatedProperties, obj.get(pname)!, [...loc, pname]));
      }
    }
  }

  private array(s: Schema, arr: Value[], loc: string[], add: (e: VError | undefined) => void): void {
    if (s.minItems !== undefined && arr.length < s.minItems) {
      add(this.err(loc, `minItems: got ${printInt(arr.length)}, want ${printInt(s.minItems)}`));
    }
    if (s.maxItems !== undefined && arr.length > s.maxItems) {
      add(this.err(loc, `maxItems: got ${printInt(arr.length)}, want ${printInt(s.maxItems)}`));
    }
    if (s.uniqueItems === true && arr.length > 1) {
      outer: for (let i = 0; i < arr.length; i++) {
        for (let j = i + 1; j < arr.length; j++) {
          if (valueEquals(arr[i]!, arr[j]!)) {
            add(this.err(loc, `items at ${printInt(i)} and ${printInt(j)} are equal`));
            break outer;
          }
        }
      }
    }
    if (s.draft < 2020) {
      let evaluated = 0;
      if (Array.isArray(s.items)) {
        const n = Math.min(arr.length, s.items.length);
        for (let i = 0; i < n; i++) add(this.validate(s.items[i]!, arr[i]!, [...loc, String(i)]));
        evaluated = n;
      } else if (s.items !== undefined) {
        arr.forEach((item, i) => add(this.validate(s.items as Schema, item, [...loc, String(i)])));
        evaluated = arr.length;
      }
      if (s.additionalItems === false && evaluated !== arr.length) {
        add(this.err(loc, `last ${printInt(arr.length - evaluated)} additionalItem(s) not allowed`));
      } else if (s.additionalItems !== undefined && s.additionalItems !== true && s.additionalItems !== false) {
        const sch = s.additionalItems;
        arr.slice(evaluated).forEach((item, i) => add(this.validate(sch, item, [...loc, String(i)])));
      }
    } else {
      const evaluated = Math.min(s.prefixItems?.length ?? 0, arr.length);
      for (let i = 0; i < evaluated; i++) add(this.validate(s.prefixItems![i]!, arr[i]!, [...loc, String(i)]));
      if (s.items2020 !== undefined) {
        // The library numbers the remaining items from 0 again in its messages.
        arr.slice(evaluated).forEach((item, i) => add(this.validate(s.items2020!, item, [...loc, String(i)])));
      }
    }
    if (s.contains !== undefined) {
      const errors: VError[] = [];
      const matched: number[] = [];
      arr.forEach((item, i) => {
        const e = this.validate(s.contains!, item, [...loc, String(i)]);
        if (e === undefined) matched.push(i);
        else errors.push(e);
      });
      if (s.minContains !== undefined) {
        if (matched.length < s.minContains) {
          const msg =
            matched.length === 0
              ? `min ${printInt(s.minContains)} items required to match contains schema, but none matched`
              : `min ${printInt(s.minContains)} items required to match contains schema, but matched ${printInt(matched.length)} items at ${matched.join(' ')}`;
          add(this.err(loc, msg, errors));
        }
      } else if (matched.length === 0) add(this.err(loc, 'no items match contains schema', errors));
      if (s.maxContains !== undefined && matched.length > s.maxContains) {
        add(
          this.err(
            loc,
            `max ${printInt(s.maxContains)} items required to match contains schema, but matched ${printInt(matched.length)} items at ${matched.join(' ')}`,
          ),
        );
      }
    }
  }

  private string(s: Schema, str: string, loc: string[], add: (e: VError | undefined) => void): void {
    const len = Array.from(str).length;
    if (s.minLength !== undefined && len < s.minLength) {
      add(this.err(loc, `minLength: got ${printInt(len)}, want ${printInt(s.minLength)}`));
    }
    if (s.maxLength !== undefined && len > s.maxLength) {
      add(this.err(loc, `maxLength: got ${printInt(len)}, want ${printInt(s.maxLength)}`));
    }
    if (s.pattern !== undefined && !s.pattern[0].matcher(str).find()) {
      add(this.err(loc, `${quote(str)} does not match pattern ${quote(s.pattern[1])}`));
    }
  }

  private number(s: Schema, v: number | bigint, loc: string[], add: (e: VError | undefined) => void): void {
    const n = ratOfValue(v);
    const got = printFloat(typeof v === 'bigint' ? Number(v) : v);
    const want = (r: Rat): string => printFloat(r.toNumber());
    if (s.minimum !== undefined && n.cmp(s.minimum) < 0)
      add(this.err(loc, `minimum: got ${got}, want ${want(s.minimum)}`));
    if (s.maximum !== undefined && n.cmp(s.maximum) > 0)
      add(this.err(loc, `maximum: got ${got}, want ${want(s.maximum)}`));
    if (s.exclusiveMinimum !== undefined && n.cmp(s.exclusiveMinimum) <= 0) {
      add(this.err(loc, `exclusiveMinimum: got ${got}, want ${want(s.exclusiveMinimum)}`));
    }
    if (s.exclusiveMaximum !== undefined && n.cmp(s.exclusiveMaximum) >= 0) {
      add(this.err(loc, `exclusiveMaximum: got ${got}, want ${want(s.exclusiveMaximum)}`));
    }
    if (s.multipleOf !== undefined && !n.div(s.multipleOf).isInt()) {
      add(this.err(loc, `multipleOf: got ${got}, want ${want(s.multipleOf)}`));
    }
  }

  private conditions(s: Schema, v: Value, loc: string[], add: (e: VError | undefined) => void): void {
    if (s.not !== undefined && this.validate(s.not, v, loc, true) === undefined) add(this.err(loc, "'not' failed"));
    if (s.allOf !== undefined && s.allOf.length > 0) {
      const errors: VError[] = [];
      for (const sch of s.allOf) {
        const e = this.validate(sch, v, loc);
        if (e !== undefined) {
          errors.push(e);
          if (this.boolResult) break;
        }
      }
      if (errors.length > 0) add(this.err(loc, "'allOf' failed", errors));
    }
    if (s.anyOf !== undefined && s.anyOf.length > 0) {
      const errors: VError[] = [];
      let matched = false;
      for (const sch of s.anyOf) {
        const e = this.validate(sch, v, loc);
        if (e === undefined) {
          matched = true;
          break;
        }
        errors.push(e);
      }
      if (!matched) add(this.err(loc, "'anyOf' failed", errors));
    }
    if (s.oneOf !== undefined && s.oneOf.length > 0) {
      let matched = -1;
      const errors: VError[] = [];
      for (let i = 0; i < s.oneOf.length; i++) {
        const e = this.validate(s.oneOf[i]!, v, loc, this.boolResult || matched !== -1);
        if (e !== undefined) {
          if (matched === -1) errors.push(e);
        } else if (matched === -1) matched = i;
        else {
          add(this.err(loc, `'oneOf' failed, subschemas ${matched}, ${i} matched`));
          break;
        }
      }
      if (matched === -1) add(this.err(loc, "'oneOf' failed, none matched", errors));
    }
    if (s.ifSchema !== undefined) {
      if (this.validate(s.ifSchema, v, loc, true) === undefined) {
        if (s.thenSchema !== undefined) add(this.validate(s.thenSchema, v, loc));
      } else if (s.elseSchema !== undefined) add(this.validate(s.elseSchema, v, loc));
    }
  }
}

function sortedEntries<V>(m: Map<string, V> | undefined): [string, V][] {
  return m === undefined ? [] : [...m.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

function missingMessage(missing: string[]): string {
  return missing.length === 1
    ? `missing property ${quote(missing[0]!)}`
    : `missing properties ${missing.map(quote).join(', ')}`;
}

/** display renders the error tree as the library's Error() does, below its first line. */
function render(errors: VError[]): string {
  let out = '';
  const walk = (e: VError, indent: number): void => {
    let next = indent;
    if (!(e.kind === 'ref' && e.causes.length === 1)) {
      out += `\n${'  '.repeat(Math.max(0, indent - 1))}- at ${quote(jsonPointer(e.location))}: ${e.message}`;
      next = indent + 1;
    }
    for (const c of e.causes) walk(c, next);
  };
  for (const e of errors) walk(e, 1);
  return out.replace(/^\n/, '');
}

/** validateSingle validates values against one chart's schema; the library's message, or undefined. */
export function validateSingle(values: ValueMap, schemaText: string): string | undefined {
  let doc: SJson;
  try {
    // The library reads the schema with a json.Decoder: a truncated text is "unexpected EOF", trailing data refused.
    const { value, offset } = decodeGoJsonPrefix(schemaText, (text) => new JsonNumber(text) as unknown as Value);
    if (schemaText.slice(offset).trim() !== '') return 'invalid character after top-level value';
    doc = value as unknown as SJson;
  } catch (err) {
    if (err instanceof GoJsonError) return err.message;
    throw err;
  }
  let root: Schema;
  try {
    const compiler = new Compiler(doc);
    root = compiler.compile(doc, `${BASE}#`);
    // Resolve every $ref now: a broken reference fails compilation, as in the library.
    resolveAll(root, new Set());
  } catch (err) {
    if (err instanceof SchemaError) return err.message;
    throw err;
  }
  const e = new Validator(false).validate(root, values, []);
  if (e === undefined) return undefined;
  return `${render(e.kind === 'group' ? e.causes : [e])}\n`;
}

function resolveAll(s: Schema, seen: Set<Schema>): void {
  if (seen.has(s)) return;
  seen.add(s);
  if (typeof s.ref === 'function') s.ref = s.ref();
  const children: (Schema | undefined)[] = [
    s.ref,
    s.not,
    s.additionalItems instanceof Object ? s.additionalItems : undefined,
    s.additionalProperties instanceof Object ? s.additionalProperties : undefined,
    s.items2020,
    s.propertyNames,
    s.contains,
    s.ifSchema,
    s.thenSchema,
    s.elseSchema,
    s.unevaluatedItems,
    s.unevaluatedProperties,
    ...(s.allOf ?? []),
    ...(s.anyOf ?? []),
    ...(s.oneOf ?? []),
    ...(s.prefixItems ?? []),
    ...(Array.isArray(s.items) ? s.items : [s.items]),
    ...(s.properties?.values() ?? []),
    ...(s.patternProperties ?? []).map((p) => p[2]),
    ...(s.dependentSchemas?.values() ?? []),
  ];
  for (const c of children) if (c !== undefined) resolveAll(c, seen);
}

/**
 * validateAgainstSchema is Helm's ValidateAgainstSchema: the chart's own schema, then every enabled subchart's
 * against its values table. Returns the text Helm puts after "the following chart(s):\n", or undefined.
 */
export function validateAgainstSchema(chart: Chart, values: ValueMap): string | undefined {
  let sb = '';
  if (chart.schema !== null) {
    const problem = validateSingle(values, new TextDecoder().decode(chart.schema));
    if (problem !== undefined) sb += `${chart.name}:\n${problem}`;
  }
  for (const sub of chart.dependencies) {
    const raw = values.get(sub.name);
    if (raw === undefined || raw === null) continue;
    if (!(raw instanceof Map)) {
      const t =
        typeof raw === 'string'
          ? 'string'
          : typeof raw === 'boolean'
            ? 'bool'
            : typeof raw === 'bigint'
              ? 'int64'
              : typeof raw === 'number'
                ? 'float64'
                : '[]interface {}';
      sb += `${sub.name}:\ninvalid type for values: expected object (map), got ${t}\n`;
      continue;
    }
    const problem = validateAgainstSchema(sub, raw);
    if (problem !== undefined) sb += problem;
  }
  return sb === '' ? undefined : sb;
}
