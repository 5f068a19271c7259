/**
 * The Go value model every template engine layer shares (gotemplate, Sprig, Helm).
 *
 * Go templates run over reflection: what a template prints, which comparisons fail and which error a function call
 * reports depend on the Go type of each value. The common values stay plain JavaScript so that rendering a chart
 * does not box every number and map; everything else carries its Go type explicitly:
 *
 * | Go                                   | JavaScript                                                          |
 * |--------------------------------------|---------------------------------------------------------------------|
 * | `nil` (a nil `interface{}`)          | `null`                                                              |
 * | `bool`                               | `boolean`                                                           |
 * | `float64`                            | `number` (every YAML/JSON number, as in Helm)                       |
 * | `string`                             | `string` (Go strings are UTF-8 bytes; lengths and indexes in bytes) |
 * | `int`, `int64`, `uint8`, … (any int) | {@link GoInt} (a `bigint` and its {@link GoType})                  |
 * | `[]byte`                             | `Uint8Array` (so a `Buffer` is one)                                 |
 * | `[]interface {}`                     | a JS array                                                          |
 * | `[]string`, `[]int`, named slices    | a JS array tagged with its type ({@link withGoType})                |
 * | `map[string]interface {}`            | a plain JS object (own enumerable string keys)                     |
 * | `map[string]string`, named maps      | a plain object tagged with its type                                 |
 * | structs, pointers to structs         | {@link GoStruct}                                                    |
 * | funcs, channels, complex, typed nils | {@link GoFunc}, {@link GoChan}, {@link GoComplex}, {@link GoNil}    |
 *
 * A tag is a non-enumerable symbol property: `Object.keys`, `JSON.stringify`, spreads and `Array.prototype.map`
 * ignore it, so tagged values stay ordinary arrays and objects for code that does not care about Go types.
 *
 * `undefined` is never a {@link GoValue}: the executor uses it internally for Go's invalid `reflect.Value` ("no
 * value", printed `<no value>`), and functions receive `null` for it.
 */

/** GoValue is any value a template can hold; see the module comment for the mapping. */
export type GoValue = null | boolean | number | string | GoBoxed | Uint8Array | GoValue[] | GoMap;

/** GoMap is a Go map with string keys: a plain object, optionally tagged with a map type. */
export interface GoMap {
  [key: string]: GoValue;
}

/** Kind is reflect.Kind as Go prints it (`reflect.Pointer` prints as `ptr`). */
export type Kind =
  | 'invalid'
  | 'bool'
  | 'int'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'uint'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'uint64'
  | 'uintptr'
  | 'float32'
  | 'float64'
  | 'complex64'
  | 'complex128'
  | 'array'
  | 'chan'
  | 'func'
  | 'interface'
  | 'map'
  | 'ptr'
  | 'slice'
  | 'string'
  | 'struct'
  | 'unsafe.Pointer';

/** GoField describes one struct field in declaration order; unexported fields exist for printing only. */
export interface GoField {
  readonly name: string;
  readonly type: GoType;
  /** false for lower-case Go fields: templates cannot read them (`x is an unexported field of struct type T`). */
  readonly exported?: boolean;
  /** json is the field's encoding/json struct tag (`git_commit,omitempty`), which toJson and toYaml honour. */
  readonly json?: string;
}

/**
 * GoType is a Go type as reflection sees it: its printed name (`reflect.Type.String()`), its kind, element and
 * key types, struct fields and methods. Unnamed composite types are interned (`sliceOf(STRING) === sliceOf(STRING)`),
 * so identity is type identity. The type parameter is the JavaScript representation of the type's values; it only
 * types function implementations (see {@link goFunc}).
 */
export class GoType<T = GoValue> {
  declare readonly __value?: T;
  /** Go's name for the type: `int`, `[]interface {}`, `map[string]string`, `*semver.Version`, `chartutil.Values`. */
  readonly name: string;
  readonly kind: Kind;
  /** Element type of slices, arrays, maps, pointers and channels. */
  readonly elem: GoType | undefined;
  /** Key type of maps. */
  readonly key: GoType | undefined;
  /** Struct fields (of the struct itself, or of the pointed-to struct for a pointer type). */
  readonly fields: readonly GoField[];
  /**
   * Methods declared on this type, by name; their implementations receive the receiver first. A pointer type
   * also has its element type's methods (see {@link GoType.method}).
   */
  readonly methods: Map<string, GoFunc>;
  /** For a defined (named) type, the type it is defined on; for others, the type itself. */
  readonly underlying: GoType;
  /** Whether this is a defined type (`type Values map[string]interface{}`), which changes assignability. */
  readonly named: boolean;

  constructor(init: {
    name: string;
    kind: Kind;
    elem?: GoType;
    key?: GoType;
    fields?: readonly GoField[];
    methods?: Record<string, GoFunc>;
    underlying?: GoType;
  }) {
    this.name = init.name;
    this.kind = init.kind;
    this.elem = init.elem;
    this.key = init.key;
    this.fields = init.fields ?? init.underlying?.fields ?? [];
    this.methods = new Map(Object.entries(init.methods ?? {}));
    this.underlying = init.underlying ?? (this as GoType);
    this.named = init.underlying !== undefined;
  }

  /** method returns the method `name` of the type's method set (for `*T`: its own, then T's). */
  method(name: string): GoFunc | undefined {
    return this.methods.get(name) ?? (this.kind === 'ptr' ? this.elem?.method(name) : undefined);
  }

  /** hasMethods reports whether the method set is not empty. */
  hasMethods(): boolean {
    return this.methods.size > 0 || (this.kind === 'ptr' && this.elem !== undefined && this.elem.hasMethods());
  }

  /** field returns the struct field named `name`, if any. */
  field(name: string): GoField | undefined {
    for (const f of this.fields) if (f.name === name) return f;
    return undefined;
  }

  toString(): string {
    return this.name;
  }
}

function basic<T>(kind: Kind): GoType<T> {
  return new GoType<T>({ name: kind, kind });
}

export const BOOL = basic<boolean>('bool');
export const INT = basic<GoInt>('int');
export const INT8 = basic<GoInt>('int8');
export const INT16 = basic<GoInt>('int16');
export const INT32 = basic<GoInt>('int32');
export const INT64 = basic<GoInt>('int64');
export const UINT = basic<GoInt>('uint');
export const UINT8 = basic<GoInt>('uint8');
export const UINT16 = basic<GoInt>('uint16');
export const UINT32 = basic<GoInt>('uint32');
export const UINT64 = basic<GoInt>('uint64');
export const UINTPTR = basic<GoInt>('uintptr');
export const FLOAT64 = basic<number>('float64');
export const COMPLEX128 = basic<GoComplex>('complex128');
export const STRING = basic<string>('string');
/** ANY is `interface {}`: parameters of this type accept every value (a missing value arrives as `null`). */
export const ANY = new GoType<GoValue>({ name: 'interface {}', kind: 'interface' });
/** ERROR is Go's `error` interface: values whose type has an `Error` method. */
export const ERROR = new GoType<GoValue>({ name: 'error', kind: 'interface' });
/**
 * REFLECT_VALUE is `reflect.Value`: a parameter of this type receives the argument as evaluated, with
 * `undefined` for "no value" and `null` for a nil interface (the built-ins `eq`, `len`, `index`… use it).
 */
export const REFLECT_VALUE = new GoType<GoValue>({ name: 'reflect.Value', kind: 'struct' });

const interned = new Map<string, GoType>();
function intern<T>(name: string, make: () => GoType<T>): GoType<T> {
  let t = interned.get(name);
  if (t === undefined) {
    t = make() as GoType;
    interned.set(name, t);
  }
  return t as GoType<T>;
}

/** sliceOf returns the (interned) type `[]elem`. */
export function sliceOf<T>(elem: GoType<T>): GoType<T[]> {
  const name = `[]${elem.name}`;
  return intern(name, () => new GoType<T[]>({ name, kind: 'slice', elem: elem as GoType }));
}

/** mapOf returns the (interned) type `map[key]elem`; only string keys have a JavaScript representation. */
export function mapOf<T>(key: GoType<string>, elem: GoType<T>): GoType<GoMap> {
  const name = `map[${key.name}]${elem.name}`;
  return intern(name, () => new GoType<GoMap>({ name, kind: 'map', key: key, elem: elem as GoType }));
}

/**
 * ptrTo returns the (interned) type `*elem`. The struct's fields and methods are visible through the pointer;
 * methods with pointer receivers are declared on the pointer type with {@link defineMethods}.
 */
export function ptrTo<T>(elem: GoType<T>): GoType<GoStruct> {
  const name = `*${elem.name}`;
  return intern(name, () => new GoType<GoStruct>({ name, kind: 'ptr', elem: elem as GoType, fields: elem.fields }));
}

/** defineMethods adds methods to a type (typically pointer-receiver methods to `ptrTo(T)`) and returns it. */
export function defineMethods<T extends GoType<unknown>>(type: T, methods: Record<string, GoFunc>): T {
  for (const [name, fn] of Object.entries(methods)) type.methods.set(name, fn);
  return type;
}

/** chanOf returns the (interned) type `chan elem`. */
export function chanOf<T>(elem: GoType<T>): GoType<GoChan> {
  const name = `chan ${elem.name}`;
  return intern(name, () => new GoType<GoChan>({ name, kind: 'chan', elem: elem as GoType }));
}

/** BYTES is `[]byte`, which Go prints as `[]uint8`. */
export const BYTES = sliceOf(UINT8) as unknown as GoType<Uint8Array>;
export const SLICE_ANY = sliceOf(ANY);
export const SLICE_STRING = sliceOf(STRING);
export const SLICE_INT = sliceOf(INT);
export const MAP_ANY = mapOf(STRING, ANY);
export const MAP_STRING = mapOf(STRING, STRING);

/**
 * namedType defines a Go type on top of another (`type Values map[string]interface{}`), with its own methods.
 * A value of the named type is assignable to a parameter of the unnamed underlying type and vice versa.
 */
export function namedType<T>(name: string, underlying: GoType<T>, methods: Record<string, GoFunc> = {}): GoType<T> {
  return new GoType<T>({
    name,
    kind: underlying.kind,
    elem: underlying.elem,
    key: underlying.key,
    fields: underlying.fields,
    methods,
    underlying: underlying.underlying,
  });
}

/** structType defines a struct type (`semver.Version`) with fields in declaration order and methods. */
export function structType(name: string, fields: readonly GoField[], methods: Record<string, GoFunc> = {}) {
  return new GoType<GoStruct>({ name, kind: 'struct', fields, methods });
}

/** GoBoxed is the base of the values that carry their Go type with them. */
export abstract class GoBoxed {
  abstract readonly type: GoType;
}

/** GoInt is a value of any Go integer type; `value` is kept within the type's range by {@link goInt}. */
export class GoInt extends GoBoxed {
  readonly value: bigint;
  override readonly type: GoType;
  constructor(value: bigint, type: GoType = INT) {
    super();
    this.value = value;
    this.type = type;
  }
  override toString(): string {
    return this.value.toString();
  }
}

const INT_BITS: Partial<Record<Kind, [bits: number, signed: boolean]>> = {
  int: [64, true],
  int8: [8, true],
  int16: [16, true],
  int32: [32, true],
  int64: [64, true],
  uint: [64, false],
  uint8: [8, false],
  uint16: [16, false],
  uint32: [32, false],
  uint64: [64, false],
  uintptr: [64, false],
};

/** isIntKind reports whether `kind` is one of Go's integer kinds. */
export function isIntKind(kind: Kind): boolean {
  return INT_BITS[kind] !== undefined;
}

/** isUintKind reports whether `kind` is one of Go's unsigned integer kinds. */
export function isUintKind(kind: Kind): boolean {
  const b = INT_BITS[kind];
  return b !== undefined && !b[1];
}

const smallInts: GoInt[] = [];
for (let i = 0; i < 1024; i++) smallInts.push(new GoInt(BigInt(i), INT));

/**
 * goInt makes a Go integer of `type` (default `int`), wrapping around like a Go conversion does
 * (`goInt(300, UINT8)` is 44). Numbers must be integral.
 */
export function goInt(value: number | bigint, type: GoType = INT): GoInt {
  if (typeof value === 'number') {
    if (type === INT && value >= 0 && value < 1024 && Number.isInteger(value)) return smallInts[value]!;
    if (!Number.isInteger(value)) throw new RangeError(`goInt: ${value} is not an integer`);
    value = BigInt(value);
  }
  const bits = INT_BITS[type.kind];
  if (bits === undefined) throw new TypeError(`goInt: ${type.name} is not an integer type`);
  const v = bits[1] ? BigInt.asIntN(bits[0], value) : BigInt.asUintN(bits[0], value);
  return new GoInt(v, type);
}

/** goInt64 makes an `int64`, the type of Sprig's integer math results and of Helm's `--set` integers. */
export function goInt64(value: number | bigint): GoInt {
  return goInt(value, INT64);
}

/** GoComplex is a `complex128`. */
export class GoComplex extends GoBoxed {
  override readonly type: GoType = COMPLEX128;
  readonly re: number;
  readonly im: number;
  constructor(re: number, im: number) {
    super();
    this.re = re;
    this.im = im;
  }
}

/**
 * GoStruct is a struct value, or a pointer to one when its type's kind is `ptr`. Exported and unexported fields
 * live in `fields` by name (printing follows the type's declaration order); `native` may hold the JavaScript
 * state that methods work on (a Date for `time.Time`, parsed parts for `*semver.Version`).
 */
export class GoStruct extends GoBoxed {
  override readonly type: GoType;
  readonly fields: Record<string, GoValue>;
  readonly native: unknown;
  constructor(type: GoType, fields: Record<string, GoValue> = {}, native?: unknown) {
    super();
    this.type = type;
    this.fields = fields;
    this.native = native;
  }
}

/**
 * GoKeyedMap is a Go map whose keys are not strings (struct keys, as image-automation-controller's
 * `map[ObjectIdentifier][]Change`). Entries are kept in Go's `range` order (internal/fmtsort: structs field by field,
 * strings bytewise, numbers by value), computed once here.
 */
export class GoKeyedMap extends GoBoxed {
  override readonly type: GoType;
  readonly entries: readonly (readonly [GoValue, GoValue])[];
  constructor(type: GoType, entries: Iterable<readonly [GoValue, GoValue]>) {
    super();
    this.type = type;
    this.entries = [...entries].sort(([a], [b]) => compareKeys(a, b));
  }
}

/** compareKeys orders map keys as Go's internal/fmtsort does for the kinds templates use as keys. */
function compareKeys(a: GoValue, b: GoValue): number {
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (a instanceof GoInt && b instanceof GoInt) return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
  if (a instanceof GoStruct && b instanceof GoStruct) {
    for (const f of a.type.fields) {
      const c = compareKeys(a.fields[f.name] ?? null, b.fields[f.name] ?? null);
      if (c !== 0) return c;
    }
  }
  return 0;
}

/** GoNil is a typed nil: a nil pointer, slice, map, func or channel of `type` (untyped nil is `null`). */
export class GoNil extends GoBoxed {
  override readonly type: GoType;
  constructor(type: GoType) {
    super();
    this.type = type;
  }
}

/** GoChan is a channel holding buffered values; ranging over it receives them in order until it is empty. */
export class GoChan extends GoBoxed {
  override readonly type: GoType;
  private readonly buffered: GoValue[];
  constructor(elem: GoType, values: Iterable<GoValue>) {
    super();
    this.type = chanOf(elem);
    this.buffered = [...values];
  }
  /** receive takes the next value; `undefined` once the (closed) channel is drained. */
  receive(): GoValue | undefined {
    return this.buffered.shift();
  }
  get length(): number {
    return this.buffered.length;
  }
}

/** ArgsOf maps a tuple of parameter types to the JavaScript types their arguments arrive as. */
export type ArgsOf<P extends readonly GoType<unknown>[]> = {
  -readonly [K in keyof P]: P[K] extends GoType<infer T> ? T : never;
};

/** GoFuncImpl is the JavaScript body of a Go function: it returns the result, or throws an Error for Go's error. */
export type GoFuncImpl = (...args: never[]) => GoValue;

/**
 * GoFunc is a Go function: a template function, a method, or a func value. Its parameter types drive Go's argument
 * checking (`wrong number of args for NAME: want 2 got 1`, `wrong type for value; expected string; got float64`),
 * and its body runs with the converted arguments. A body reports Go's non-nil error result (or a panic) by throwing;
 * the executor turns that into `error calling NAME: <message>`.
 */
export class GoFunc extends GoBoxed {
  override readonly type: GoType;
  readonly params: readonly GoType[];
  /** Element type of the trailing `...` parameter, if the function is variadic. */
  readonly variadic: GoType | undefined;
  readonly impl: (...args: (GoValue | undefined)[]) => GoValue;
  /** The Go result type; `interface {}` unless given. */
  readonly result: GoType;

  constructor(
    params: readonly GoType[],
    variadic: GoType | undefined,
    impl: (...args: (GoValue | undefined)[]) => GoValue,
    result: { type?: GoType; error?: boolean } = {},
  ) {
    super();
    this.params = params;
    this.variadic = variadic;
    this.impl = impl;
    this.result = result.type ?? ANY;
    const ins = params.map((p) => p.name);
    if (variadic !== undefined) ins.push(`...${variadic.name}`);
    const out = result.type?.name ?? ANY.name;
    const name = `func(${ins.join(', ')}) ${result.error ? `(${out}, error)` : out}`;
    this.type = intern(name, () => new GoType({ name, kind: 'func' }));
  }
}

/**
 * goFunc defines a template function with fixed parameters.
 *
 *     const repeat = goFunc([INT, STRING], (count, s) => s.repeat(Number(count.value)));
 *     template.funcs({ repeat });
 *
 * `result` names the Go result type (for `%T` and `typeOf`); `error: true` documents a second `error` result.
 */
export function goFunc<const P extends readonly GoType<unknown>[]>(
  params: P,
  impl: (...args: ArgsOf<P>) => GoValue,
  result: { type?: GoType; error?: boolean } = {},
): GoFunc {
  return new GoFunc(params as readonly GoType[], undefined, impl as (...args: unknown[]) => GoValue, result);
}

/**
 * goVariadicFunc defines a template function whose last parameter is `...variadic`.
 *
 *     const list = goVariadicFunc([], ANY, (...items) => items);
 *     const join = goVariadicFunc([STRING], ANY, (sep, ...items) => items.map(String).join(sep));
 */
export function goVariadicFunc<const P extends readonly GoType<unknown>[], V>(
  params: P,
  variadic: GoType<V>,
  impl: (...args: [...ArgsOf<P>, ...V[]]) => GoValue,
  result: { type?: GoType; error?: boolean } = {},
): GoFunc {
  return new GoFunc(params as readonly GoType[], variadic as GoType, impl as (...args: unknown[]) => GoValue, result);
}

/**
 * goMethod defines a method of `receiver`'s type: the body gets the receiver first, then the arguments.
 *
 *     const VERSION = structType('semver.Version', fields);
 *     defineMethods(ptrTo(VERSION), { Major: goMethod(ptrTo(VERSION), [], (v) => goInt64(major(v)), { type: INT64 }) });
 */
export function goMethod<R, const P extends readonly GoType<unknown>[]>(
  receiver: GoType<R>,
  params: P,
  impl: (self: R, ...args: ArgsOf<P>) => GoValue,
  result: { type?: GoType; error?: boolean } = {},
): GoFunc {
  return new GoFunc(params as readonly GoType[], undefined, impl as (...args: unknown[]) => GoValue, result);
}

/** goVariadicMethod is {@link goMethod} for a method whose last parameter is `...variadic`. */
export function goVariadicMethod<R, const P extends readonly GoType<unknown>[], V>(
  receiver: GoType<R>,
  params: P,
  variadic: GoType<V>,
  impl: (self: R, ...args: [...ArgsOf<P>, ...V[]]) => GoValue,
  result: { type?: GoType; error?: boolean } = {},
): GoFunc {
  return new GoFunc(params as readonly GoType[], variadic as GoType, impl as (...args: unknown[]) => GoValue, result);
}

/** FuncMap maps function names to functions, like Go's template.FuncMap. */
export type FuncMap = Record<string, GoFunc>;

const GO_TYPE: unique symbol = Symbol.for('fluxts.gotemplate.type');
type Tagged = { [GO_TYPE]?: GoType };

/**
 * withGoType tags an array or plain object with its Go type (`[]string`, `map[string]string`, `chartutil.Values`)
 * and returns it. Untagged arrays are `[]interface {}` and untagged objects `map[string]interface {}`.
 *
 *     const names = withGoType(['a', 'b'], SLICE_STRING);
 */
export function withGoType<T extends GoValue[] | GoMap | Uint8Array>(value: T, type: GoType): T {
  Object.defineProperty(value, GO_TYPE, { value: type, enumerable: false, configurable: true, writable: true });
  return value;
}

/** taggedType returns the type a {@link withGoType} tag gave an array or object, if any. */
export function taggedType(value: object): GoType | undefined {
  return (value as Tagged)[GO_TYPE];
}

/**
 * typeOf returns the dynamic Go type of a value (`reflect.TypeOf`); `undefined` for `null`, which has none.
 */
export function typeOf(v: GoValue): GoType | undefined {
  switch (typeof v) {
    case 'string':
      return STRING;
    case 'number':
      return FLOAT64;
    case 'boolean':
      return BOOL;
  }
  if (v === null) return undefined;
  if (v instanceof GoBoxed) return v.type;
  return (v as Tagged)[GO_TYPE] ?? (Array.isArray(v) ? SLICE_ANY : v instanceof Uint8Array ? BYTES : MAP_ANY);
}

/** kindOf returns the reflect.Kind of a value; `invalid` for `null`. */
export function kindOf(v: GoValue): Kind {
  return typeOf(v)?.kind ?? 'invalid';
}

/** typeName prints a value's type as Go's `%T` does (`<nil>` for nil). */
export function typeName(v: GoValue): string {
  return typeOf(v)?.name ?? '<nil>';
}

/** isGoMap reports whether a value is a Go map (a plain object, tagged or not). */
export function isGoMap(v: GoValue | undefined): v is GoMap {
  return (
    typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof GoBoxed) && !(v instanceof Uint8Array)
  );
}

/** isGoSlice reports whether a value is a Go slice held as a JS array (not `[]byte`). */
export function isGoSlice(v: GoValue | undefined): v is GoValue[] {
  return Array.isArray(v);
}

/** mapGet reads a map entry; `undefined` when the key is absent (inherited properties never count). */
export function mapGet(m: GoMap, key: string): GoValue | undefined {
  const v = m[key];
  // Map values are never JavaScript functions, so a function is Object.prototype's; so is __proto__'s object.
  if (v === undefined || ((typeof v === 'function' || key === '__proto__') && !Object.hasOwn(m, key))) return undefined;
  return v;
}

/** mapSet writes a map entry; safe for every key, including `__proto__`. */
export function mapSet(m: GoMap, key: string, value: GoValue): void {
  if (key === '__proto__')
    Object.defineProperty(m, key, { value, enumerable: true, configurable: true, writable: true });
  else m[key] = value;
}

/** mapLen counts a map's entries. */
export function mapLen(m: GoMap): number {
  return Object.keys(m).length;
}

/**
 * compareStrings orders strings as Go does (bytewise on UTF-8, which is code point order): JavaScript's `<`
 * compares UTF-16 units and puts U+E000–U+FFFF after astral characters.
 */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (astral code points) sort after the rest of the BMP.
    if (x >= 0xd800 && y >= 0xd800) {
      if (x < 0xe000) x += 0x2000;
      else if (x >= 0xe000) x -= 0x800;
      if (y < 0xe000) y += 0x2000;
      else if (y >= 0xe000) y -= 0x800;
    }
    return x < y ? -1 : 1;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

/** sortedKeys returns a map's keys in Go's order (`range`, `%v`, `encoding/json`). */
export function sortedKeys(m: GoMap): string[] {
  return Object.keys(m).sort(compareStrings);
}

/**
 * isTrue is Go's template truth (`if`, `with`, `and`, `or`, `not`): false for no value, nil, false, zero numbers
 * and empty strings, slices and maps; structs and non-nil pointers, funcs and channels are true.
 */
export function isTrue(v: GoValue | undefined): boolean {
  switch (typeof v) {
    case 'string':
      return v.length > 0;
    case 'number':
      return v !== 0;
    case 'boolean':
      return v;
    case 'undefined':
      return false;
  }
  if (v === null) return false;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof GoInt) return v.value !== 0n;
  if (v instanceof GoNil) return false;
  if (v instanceof GoComplex) return v.re !== 0 || v.im !== 0;
  if (v instanceof GoKeyedMap) return v.entries.length > 0;
  if (v instanceof GoBoxed) return true;
  if (v instanceof Uint8Array) return v.length > 0;
  for (const k in v) if (Object.hasOwn(v, k)) return true;
  return false;
}

/** goLen is the length `len` reports for strings (UTF-8 bytes), slices, maps and channels; undefined otherwise. */
export function goLen(v: GoValue): number | undefined {
  if (typeof v === 'string') return utf8Length(v);
  if (Array.isArray(v) || v instanceof Uint8Array) return v.length;
  if (v instanceof GoChan) return v.length;
  if (v instanceof GoNil) return v.type.kind === 'ptr' || v.type.kind === 'func' ? undefined : 0;
  if (isGoMap(v)) return mapLen(v);
  if (v instanceof GoKeyedMap) return v.entries.length;
  return undefined;
}

/**
 * Go strings are byte strings and may hold invalid UTF-8 (a binary file read with `.Files.Get`, `b64dec` of
 * binary data). A JavaScript string holds such a byte as a lone low surrogate U+DC80..U+DCFF ("byte escape", as
 * Python's surrogateescape): valid UTF-8 never decodes to a lone surrogate, so `utf8Decode` then `utf8Encode`
 * gives back the exact bytes, and `len`, hashes, `b64enc` and `%q` see what Go sees.
 */
const BYTE_ESCAPE = 0xdc00;

/** isByteEscape reports whether the UTF-16 unit at s[i] is a byte escape (a lone U+DC80..U+DCFF). */
export function isByteEscape(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  if (c < 0xdc80 || c > 0xdcff) return false;
  const prev = i > 0 ? s.charCodeAt(i - 1) : 0;
  return !(prev >= 0xd800 && prev < 0xdc00);
}

/** utf8Length is len(s) in Go: the UTF-8 bytes of a string (a byte escape is one byte, other lone surrogates U+FFFD). */
export function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 2; // 4 bytes for 2 UTF-16 units
      i++;
    } else if (!(c >= 0xdc80 && c <= 0xdcff)) n += 2;
  }
  return n;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true });

/** hasByteEscape reports whether a string holds any byte escape (then it is not plain UTF-8 text). */
function hasByteEscape(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xdc80 && c <= 0xdcff && isByteEscape(s, i)) return true;
  }
  return false;
}

/** utf8Encode returns a Go string's bytes: UTF-8, with byte escapes written back as the bytes they stand for. */
export function utf8Encode(s: string): Uint8Array {
  if (!hasByteEscape(s)) return encoder.encode(s);
  const parts: Uint8Array[] = [];
  let total = 0;
  let start = 0;
  const flush = (end: number): void => {
    if (end <= start) return;
    const b = encoder.encode(s.slice(start, end));
    parts.push(b);
    total += b.length;
  };
  for (let i = 0; i < s.length; i++) {
    if (!isByteEscape(s, i)) continue;
    flush(i);
    parts.push(Uint8Array.of(s.charCodeAt(i) - BYTE_ESCAPE));
    total += 1;
    start = i + 1;
  }
  flush(s.length);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * utf8Decode turns Go string bytes into a JavaScript string; each byte of an invalid UTF-8 sequence becomes a
 * byte escape, so that utf8Encode restores it.
 */
export function utf8Decode(b: Uint8Array): string {
  try {
    return strictDecoder.decode(b);
  } catch {
    let out = '';
    let start = 0;
    for (let i = 0; i < b.length;) {
      const w = validRuneWidth(b, i);
      if (w > 0) {
        i += w;
        continue;
      }
      out += decoder.decode(b.subarray(start, i)) + String.fromCharCode(BYTE_ESCAPE + b[i]!);
      i++;
      start = i;
    }
    return out + decoder.decode(b.subarray(start));
  }
}

/** validRuneWidth is the width of the valid UTF-8 sequence at b[i] as Go's utf8.DecodeRune accepts it, or 0. */
function validRuneWidth(b: Uint8Array, i: number): number {
  const c0 = b[i]!;
  if (c0 < 0x80) return 1;
  const need = c0 >= 0xf0 && c0 <= 0xf4 ? 4 : c0 >= 0xe0 && c0 <= 0xef ? 3 : c0 >= 0xc2 && c0 <= 0xdf ? 2 : 0;
  if (need === 0 || i + need > b.length) return 0;
  const c1 = b[i + 1]!;
  // Second-byte ranges that exclude overlong forms, surrogates and values above U+10FFFF.
  const lo = c0 === 0xe0 ? 0xa0 : c0 === 0xf0 ? 0x90 : 0x80;
  const hi = c0 === 0xed ? 0x9f : c0 === 0xf4 ? 0x8f : 0xbf;
  if (c1 < lo || c1 > hi) return 0;
  for (let k = 2; k < need; k++) if ((b[i + k]! & 0xc0) !== 0x80) return 0;
  return need;
}

/** isAsciiOnly reports whether a string has only ASCII characters (its bytes are its characters). */
export function isAsciiOnly(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return false;
  return true;
}

/**
 * assignable reports whether a value of type `from` can be passed where Go expects `to`: identical types, any
 * type to `interface {}`, types with an `Error` method to `error`, and a named type to its unnamed underlying type
 * (or back).
 */
export function assignable(from: GoType, to: GoType): boolean {
  if (from === to || to === ANY) return true;
  if (to === ERROR) return from.method('Error') !== undefined;
  if (from.underlying === to.underlying) return !from.named || !to.named;
  return false;
}

/** methodOf returns the method `name` of a value's type, if it has one. */
export function methodOf(v: GoValue, name: string): GoFunc | undefined {
  if (v === null) return undefined;
  return typeOf(v)?.method(name);
}
