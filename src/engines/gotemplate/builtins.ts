/**
 * The built-in template functions (Go's text/template/funcs.go): `and or not len index slice print printf println
 * eq ne lt le gt ge html js urlquery call`, with Go's signatures (which drive argument checking) and error texts.
 * `and`, `or` and `call` are evaluated by the executor itself; their entries here carry the signatures.
 */
import { sprint, sprintf, sprintln } from './fmt.ts';
import { isPrint } from './strconv.ts';
import {
  ANY,
  GoBoxed,
  assignable,
  BOOL,
  GoChan,
  GoComplex,
  GoFunc,
  GoInt,
  GoKeyedMap,
  GoNil,
  GoStruct,
  type GoType,
  type GoValue,
  goInt,
  INT,
  isGoMap,
  isIntKind,
  isTrue,
  isUintKind,
  MAP_ANY,
  SLICE_ANY,
  withGoType,
  mapGet,
  REFLECT_VALUE,
  STRING,
  typeOf,
  UINT8,
  utf8Decode,
  utf8Encode,
  isAsciiOnly,
  utf8Length,
  compareStrings,
} from './values.ts';

/**
 * Iface is a non-nil value whose static type is `interface {}` (it came out of a `map[string]interface {}` or
 * `[]interface {}`), as built-ins with reflect.Value parameters receive it: some of them see the difference
 * (`slice` does not unwrap its indexes: `cannot index slice/array with type interface {}`).
 */
export class Iface extends GoBoxed {
  override readonly type: GoType = ANY;
  readonly v: GoValue;
  constructor(v: GoValue) {
    super();
    this.v = v;
  }
}

/** A value as builtins receive it: `undefined` is Go's invalid reflect.Value, `null` a nil interface. */
type V = GoValue | undefined;

/** typeNameOfValue names a value's static type; `interface {}` for a nil or wrapped interface. */
function typeNameOf(v: V): string {
  if (v === null) return 'interface {}';
  return typeOf(v as GoValue)!.name;
}

/** indirectInterface forgets the interface: a nil interface becomes no value. */
export function indirectInterface(v: V): V {
  if (v instanceof Iface) return v.v;
  return v === null ? undefined : v;
}

/** deref follows a non-nil pointer to its struct (Go's indirect); nil pointers stay as they are. */
export function deref(v: V): V {
  if (v instanceof GoStruct && v.type.kind === 'ptr' && v.type.elem !== undefined) {
    return new GoStruct(v.type.elem, v.fields, v.native);
  }
  return v;
}

function isNilPointer(v: V): boolean {
  return v === null || (v instanceof GoNil && v.type.kind === 'ptr');
}

/** canBeNil reports whether Go's untyped nil can be assigned to `t`. */
export function canBeNil(t: GoType): boolean {
  switch (t.kind) {
    case 'chan':
    case 'func':
    case 'interface':
    case 'map':
    case 'ptr':
    case 'slice':
      return true;
  }
  return t === REFLECT_VALUE;
}

/** zeroOf is the zero value of `t` (a nil interface is `null`; REFLECT_VALUE's zero is no value). */
export function zeroOf(t: GoType): V {
  if (t === REFLECT_VALUE) return undefined;
  switch (t.kind) {
    case 'interface':
      return null;
    case 'string':
      return '';
    case 'bool':
      return false;
    case 'float32':
    case 'float64':
      return 0;
    case 'complex64':
    case 'complex128':
      return new GoComplex(0, 0);
  }
  if (isIntKind(t.kind)) return new GoInt(0n, t);
  return new GoNil(t);
}

/** emptyOf is an empty slice or map of `t`, as function bodies receive a nil one. */
export function emptyOf(t: GoType): GoValue {
  if (t.kind === 'slice') {
    if (t.elem?.kind === 'uint8') return new Uint8Array(0);
    return t === SLICE_ANY ? [] : withGoType([], t);
  }
  return t === MAP_ANY ? {} : withGoType({}, t);
}

// ---- index, slice, len ----

function indexArg(index: V, cap: number): number {
  let x: bigint;
  if (index instanceof GoInt) x = index.value;
  else if (index === undefined) throw new Error('cannot index slice/array with nil');
  else throw new Error(`cannot index slice/array with type ${typeNameOf(index)}`);
  if (x < 0n || x > BigInt(cap)) throw new Error(`index out of range: ${x}`);
  return Number(x);
}

function prepareArg(value: V, argType: GoType): V {
  if (value === undefined) {
    if (!canBeNil(argType)) throw new Error(`value is nil; should be of type ${argType.name}`);
    value = zeroOf(argType);
    if (value === undefined) return value;
  }
  if (value === null) {
    if (argType.kind === 'interface') return value;
    throw new Error(`value has type interface {}; should be ${argType.name}`);
  }
  const t = typeOf(value)!;
  if (assignable(t, argType)) return value;
  if (value instanceof GoInt && isIntKind(argType.kind)) return goInt(value.value, argType);
  throw new Error(`value has type ${t.name}; should be ${argType.name}`);
}

function bytesOf(s: string): Uint8Array {
  return utf8Encode(s);
}

function index(item: V, ...indexes: V[]): V {
  item = indirectInterface(item);
  if (item === undefined) throw new Error('index of untyped nil');
  for (let index of indexes) {
    index = indirectInterface(index);
    if (isNilPointer(item)) throw new Error('index of nil pointer');
    item = deref(item);
    if (typeof item === 'string') {
      const ascii = isAsciiOnly(item);
      const len = ascii ? item.length : utf8Length(item);
      const x = indexArg(index, len);
      if (x === len) throw new Error('reflect: string index out of range');
      item = new GoInt(BigInt(ascii ? item.charCodeAt(x) : bytesOf(item)[x]!), UINT8);
    } else if (Array.isArray(item) || item instanceof Uint8Array) {
      const x = indexArg(index, item.length);
      if (x === item.length) throw new Error('reflect: slice index out of range');
      item = item instanceof Uint8Array ? new GoInt(BigInt(item[x]!), UINT8) : item[x]!;
    } else if (item instanceof GoNil && item.type.kind === 'slice') {
      indexArg(index, 0);
      throw new Error('reflect: slice index out of range');
    } else if (isGoMap(item) || (item instanceof GoNil && item.type.kind === 'map')) {
      const type = typeOf(item)!;
      const key = prepareArg(index, type.key ?? STRING);
      const found = isGoMap(item) && typeof key === 'string' ? mapGet(item, key) : undefined;
      item = found !== undefined ? found : zeroOf(type.elem ?? ANY);
    } else {
      throw new Error(`can't index item of type ${typeNameOf(item)}`);
    }
  }
  return item;
}

function sliceBuiltin(item: V, ...indexes: V[]): V {
  item = indirectInterface(item);
  if (item === undefined) throw new Error('slice of untyped nil');
  if (isNilPointer(item)) throw new Error('slice of nil pointer');
  item = deref(item);
  if (indexes.length > 3) throw new Error(`too many slice indexes: ${indexes.length}`);
  let cap: number;
  let len: number;
  let bytes: Uint8Array | undefined;
  if (typeof item === 'string') {
    if (indexes.length === 3) throw new Error('cannot 3-index slice a string');
    if (isAsciiOnly(item)) cap = len = item.length;
    else {
      bytes = bytesOf(item);
      cap = len = bytes.length;
    }
  } else if (Array.isArray(item) || item instanceof Uint8Array) {
    cap = len = item.length;
  } else if (item instanceof GoNil && item.type.kind === 'slice') {
    cap = len = 0;
  } else {
    throw new Error(`can't slice item of type ${typeNameOf(item)}`);
  }
  const idx = [0, len, 0];
  indexes.forEach((x, i) => (idx[i] = indexArg(x, cap)));
  if (idx[0]! > idx[1]!) throw new Error(`invalid slice index: ${idx[0]} > ${idx[1]}`);
  if (indexes.length === 3 && idx[1]! > idx[2]!) throw new Error(`invalid slice index: ${idx[1]} > ${idx[2]}`);
  const [i, j] = [idx[0]!, idx[1]!];
  if (typeof item === 'string') return bytes === undefined ? item.slice(i, j) : utf8Decode(bytes.subarray(i, j));
  if (item instanceof GoNil) return item;
  if (item instanceof Uint8Array) return item.slice(i, j);
  const out = item.slice(i, j);
  const t = typeOf(item)!;
  return t.name === '[]interface {}' ? out : tagLike(out, item);
}

function tagLike(out: GoValue[], like: GoValue[]): GoValue[] {
  return withGoType(out, typeOf(like)!);
}

function length(item: V): GoValue {
  if (item instanceof Iface) item = item.v;
  if (isNilPointer(item)) throw new Error('len of nil pointer');
  if (item === undefined) throw new Error('reflect: call of reflect.Value.Type on zero Value');
  item = deref(item);
  if (typeof item === 'string') return goInt(isAsciiOnly(item) ? item.length : utf8Length(item));
  if (Array.isArray(item) || item instanceof Uint8Array) return goInt(item.length);
  if (item instanceof GoChan) return goInt(item.length);
  if (item instanceof GoNil && (item.type.kind === 'slice' || item.type.kind === 'map' || item.type.kind === 'chan')) {
    return goInt(0);
  }
  if (isGoMap(item)) return goInt(Object.keys(item).length);
  if (item instanceof GoKeyedMap) return goInt(item.entries.length);
  throw new Error(`len of type ${typeNameOf(item)}`);
}

// ---- comparison ----

type BasicKind = 'invalid' | 'bool' | 'complex' | 'int' | 'float' | 'string' | 'uint';

function basicKind(v: V): BasicKind {
  switch (typeof v) {
    case 'boolean':
      return 'bool';
    case 'number':
      return 'float';
    case 'string':
      return 'string';
  }
  if (v instanceof GoInt) return isUintKind(v.type.kind) ? 'uint' : 'int';
  if (v instanceof GoComplex) return 'complex';
  return 'invalid';
}

const BAD_COMPARISON = 'invalid type for comparison';

function isNilValue(v: V): boolean {
  return v === undefined || v === null || v instanceof GoNil;
}

function kindName(v: V): string {
  if (v === undefined) return 'invalid';
  if (v === null) return 'interface';
  return typeOf(v)!.kind;
}

function comparable(t: GoType): boolean {
  switch (t.kind) {
    case 'slice':
    case 'map':
    case 'func':
      return false;
    case 'struct':
      return t.fields.every((f) => comparable(f.type));
  }
  return true;
}

function sameValue(a: GoValue, b: GoValue): boolean {
  if (a === b) return true;
  const ta = typeOf(a);
  if (ta !== typeOf(b)) return false;
  if (a instanceof GoInt && b instanceof GoInt) return a.value === b.value;
  if (a instanceof GoComplex && b instanceof GoComplex) return a.re === b.re && a.im === b.im;
  if (a instanceof GoStruct && b instanceof GoStruct) {
    if (a.type.kind === 'ptr') return a.fields === b.fields;
    return a.type.fields.every((f) => sameValue(a.fields[f.name] ?? null, b.fields[f.name] ?? null));
  }
  return false;
}

function eq(arg1: V, ...arg2: V[]): GoValue {
  arg1 = indirectInterface(arg1);
  if (arg2.length === 0) throw new Error('missing argument for comparison');
  const k1 = basicKind(arg1);
  for (let arg of arg2) {
    arg = indirectInterface(arg);
    const k2 = basicKind(arg);
    let truth = false;
    if (k1 !== k2) {
      if (k1 === 'int' && k2 === 'uint') truth = (arg1 as GoInt).value === (arg as GoInt).value;
      else if (k1 === 'uint' && k2 === 'int') truth = (arg1 as GoInt).value === (arg as GoInt).value;
      else if (arg1 !== undefined && arg !== undefined) {
        throw new Error(`incompatible types for comparison: ${typeNameOf(arg1)} and ${typeNameOf(arg)}`);
      }
    } else {
      switch (k1) {
        case 'bool':
        case 'float':
        case 'string':
          truth = arg1 === arg;
          break;
        case 'int':
        case 'uint':
          truth = (arg1 as GoInt).value === (arg as GoInt).value;
          break;
        case 'complex':
          truth = (arg1 as GoComplex).re === (arg as GoComplex).re && (arg1 as GoComplex).im === (arg as GoComplex).im;
          break;
        default: {
          const ka = kindName(arg1);
          const kb = kindName(arg);
          if (ka !== kb && ka !== 'invalid' && kb !== 'invalid') {
            throw new Error(
              `non-comparable types ${sprintf('%s', arg1 ?? null)}: ${typeNameOf(arg1)}, ${typeNameOf(arg)}: ${sprintf('%v', arg ?? null)}`,
            );
          }
          if (isNilValue(arg1) || isNilValue(arg)) truth = isNilValue(arg) === isNilValue(arg1);
          else {
            if (!comparable(typeOf(arg as GoValue)!)) {
              throw new Error(`non-comparable type ${sprintf('%s', arg as GoValue)}: ${typeNameOf(arg)}`);
            }
            truth = sameValue(arg1 as GoValue, arg as GoValue);
          }
        }
      }
    }
    if (truth) return true;
  }
  return false;
}

function lt(arg1: V, arg2: V): boolean {
  arg1 = indirectInterface(arg1);
  const k1 = basicKind(arg1);
  if (k1 === 'invalid') throw new Error(BAD_COMPARISON);
  arg2 = indirectInterface(arg2);
  const k2 = basicKind(arg2);
  if (k2 === 'invalid') throw new Error(BAD_COMPARISON);
  if (k1 !== k2) {
    if ((k1 === 'int' && k2 === 'uint') || (k1 === 'uint' && k2 === 'int')) {
      return (arg1 as GoInt).value < (arg2 as GoInt).value;
    }
    throw new Error(`incompatible types for comparison: ${typeNameOf(arg1)} and ${typeNameOf(arg2)}`);
  }
  switch (k1) {
    case 'bool':
    case 'complex':
      throw new Error(BAD_COMPARISON);
    case 'float':
      return (arg1 as number) < (arg2 as number);
    case 'string':
      return compareStrings(arg1 as string, arg2 as string) < 0;
    default:
      return (arg1 as GoInt).value < (arg2 as GoInt).value;
  }
}

function le(arg1: V, arg2: V): boolean {
  return lt(arg1, arg2) || (eq(arg1, arg2) as boolean);
}

// ---- escapers ----

/** printableValue is what an action prints for a value: pointers followed, no value shown as `<no value>`. */
export function printable(v: V): GoValue {
  if (v instanceof GoStruct && v.type.kind === 'ptr') v = deref(v);
  if (v === undefined || v === null) return '<no value>';
  return v;
}

function evalArgs(args: GoValue[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  return sprint(...args.map((a) => printable(a)));
}

/** htmlEscape is Go's template.HTMLEscapeString. */
export function htmlEscape(s: string): string {
  if (!/['"&<>\0]/.test(s)) return s;
  return s.replace(/['"&<>\0]/g, (c) =>
    c === '"'
      ? '&#34;'
      : c === "'"
        ? '&#39;'
        : c === '&'
          ? '&amp;'
          : c === '<'
            ? '&lt;'
            : c === '>'
              ? '&gt;'
              : '\uFFFD',
  );
}

/** jsEscape is Go's template.JSEscapeString. */
export function jsEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    const r = ch.codePointAt(0)!;
    if (r >= 0x20 && r < 0x80 && !`\\'"<>&=`.includes(ch)) {
      out += ch;
      continue;
    }
    if (r < 0x80) {
      switch (ch) {
        case '\\':
          out += '\\\\';
          break;
        case "'":
          out += "\\'";
          break;
        case '"':
          out += '\\"';
          break;
        case '<':
          out += '\\u003C';
          break;
        case '>':
          out += '\\u003E';
          break;
        case '&':
          out += '\\u0026';
          break;
        case '=':
          out += '\\u003D';
          break;
        default:
          out += '\\u00' + r.toString(16).toUpperCase().padStart(2, '0');
      }
    } else if (isPrint(r) || (r >= 0xd800 && r < 0xe000)) {
      out += ch;
    } else {
      out += '\\u' + r.toString(16).toUpperCase().padStart(4, '0');
    }
  }
  return out;
}

/** urlQueryEscape is Go's url.QueryEscape. */
export function urlQueryEscape(s: string): string {
  let out = '';
  for (const b of utf8Encode(s)) {
    if (
      (b >= 0x30 && b <= 0x39) ||
      (b >= 0x41 && b <= 0x5a) ||
      (b >= 0x61 && b <= 0x7a) ||
      b === 0x2d ||
      b === 0x2e ||
      b === 0x5f ||
      b === 0x7e
    ) {
      out += String.fromCharCode(b);
    } else if (b === 0x20) out += '+';
    else out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

// ---- call ----

/** callFunc is the `call` built-in: call a func value with Go's argument preparation. */
export function callFunc(name: string, fn: V, ...args: V[]): GoValue {
  fn = indirectInterface(fn);
  if (fn === undefined) throw new Error('call of nil');
  if (!(fn instanceof GoFunc)) throw new Error(`non-function ${name} of type ${typeNameOf(fn)}`);
  const numIn = fn.params.length + (fn.variadic ? 1 : 0);
  if (fn.variadic !== undefined) {
    if (args.length < numIn - 1) {
      throw new Error(`wrong number of args for ${name}: got ${args.length} want at least ${numIn - 1}`);
    }
  } else if (args.length !== numIn) {
    throw new Error(`wrong number of args for ${name}: got ${args.length} want ${numIn}`);
  }
  const argv = args.map((arg, i) => {
    const argType = i < fn.params.length ? fn.params[i]! : fn.variadic!;
    try {
      const v = prepareArg(indirectInterface(arg), argType === REFLECT_VALUE ? ANY : argType);
      return v instanceof GoNil && (v.type.kind === 'slice' || v.type.kind === 'map') ? emptyOf(v.type) : v;
    } catch (err) {
      throw new Error(`arg ${i}: ${(err as Error).message}`, { cause: err });
    }
  });
  return fn.impl(...argv);
}

// ---- the map ----

const RV = REFLECT_VALUE;

/** BUILTINS are Go's predefined template functions, by name. */
export const BUILTINS: ReadonlyMap<string, GoFunc> = new Map<string, GoFunc>([
  ['and', new GoFunc([RV], RV, () => null, { type: RV })],
  ['or', new GoFunc([RV], RV, () => null, { type: RV })],
  ['call', new GoFunc([RV], RV, () => null, { type: RV })],
  ['not', new GoFunc([RV], undefined, (a) => !isTrue(indirectInterface(a)), { type: BOOL })],
  ['len', new GoFunc([RV], undefined, (a) => length(a), { type: INT, error: true })],
  ['index', new GoFunc([RV], RV, (item, ...ix) => index(item, ...ix) ?? null, { type: RV, error: true })],
  ['slice', new GoFunc([RV], RV, (item, ...ix) => sliceBuiltin(item, ...ix) ?? null, { type: RV, error: true })],
  ['print', new GoFunc([], ANY, (...a) => sprint(...(a as GoValue[])), { type: STRING })],
  ['printf', new GoFunc([STRING], ANY, (f, ...a) => sprintf(f as string, ...(a as GoValue[])), { type: STRING })],
  ['println', new GoFunc([], ANY, (...a) => sprintln(...(a as GoValue[])), { type: STRING })],
  ['html', new GoFunc([], ANY, (...a) => htmlEscape(evalArgs(a as GoValue[])), { type: STRING })],
  ['js', new GoFunc([], ANY, (...a) => jsEscape(evalArgs(a as GoValue[])), { type: STRING })],
  ['urlquery', new GoFunc([], ANY, (...a) => urlQueryEscape(evalArgs(a as GoValue[])), { type: STRING })],
  ['eq', new GoFunc([RV], RV, (a, ...b) => eq(a, ...b), { type: BOOL, error: true })],
  ['ne', new GoFunc([RV, RV], undefined, (a, b) => !eq(a, b), { type: BOOL, error: true })],
  ['lt', new GoFunc([RV, RV], undefined, (a, b) => lt(a, b), { type: BOOL, error: true })],
  ['le', new GoFunc([RV, RV], undefined, (a, b) => le(a, b), { type: BOOL, error: true })],
  ['gt', new GoFunc([RV, RV], undefined, (a, b) => !le(a, b), { type: BOOL, error: true })],
  ['ge', new GoFunc([RV, RV], undefined, (a, b) => !lt(a, b), { type: BOOL, error: true })],
]);
