// The function map and typed test data of the Go reference program (goref/main.go), mirrored on the value model,
// so that the same template runs against both with the same Go types.
import {
  ANY,
  BOOL,
  BYTES,
  defineMethods,
  FLOAT64,
  type FuncMap,
  GoChan,
  GoComplex,
  GoFunc,
  goFunc,
  type GoInt,
  goInt,
  goMethod,
  GoNil,
  GoStruct,
  type GoValue,
  goVariadicFunc,
  goVariadicMethod,
  INT,
  INT64,
  MAP_ANY,
  MAP_STRING,
  namedType,
  ptrTo,
  SLICE_ANY,
  SLICE_INT,
  SLICE_STRING,
  sprint,
  sprintf,
  STRING,
  structType,
  UINT,
  UINT64,
  UINT8,
  withGoType,
  COMPLEX128,
  type GoMap,
} from '../../src/engines/gotemplate/index.ts';

export const POINT = structType('main.Point', [
  { name: 'X', type: INT },
  { name: 'Y', type: INT },
  { name: 'Label', type: STRING },
  { name: 'Any', type: ANY },
  { name: 'hide', type: BOOL, exported: false },
]);
export const POINT_PTR = ptrTo(POINT);

function point(x: bigint, y: bigint, label: string, any: GoValue = null): GoStruct {
  return new GoStruct(POINT_PTR, { X: goInt(x), Y: goInt(y), Label: label, Any: any, hide: false });
}

const int = (v: GoValue): bigint => (v as GoInt).value;

defineMethods(POINT_PTR, {
  Sum: goMethod(POINT_PTR, [], (p) => goInt(int(p.fields.X!) + int(p.fields.Y!)), { type: INT }),
  Scale: goMethod(
    POINT_PTR,
    [INT],
    (p, f) => point(int(p.fields.X!) * f.value, int(p.fields.Y!) * f.value, p.fields.Label as string),
    {
      type: POINT_PTR,
    },
  ),
  Fail: goMethod(
    POINT_PTR,
    [],
    () => {
      throw new Error('point failure');
    },
    { type: STRING, error: true },
  ),
  Greet: goMethod(POINT_PTR, [STRING], (p, s) => `hello ${s} from ${p.fields.Label as string}`, { type: STRING }),
  Variadic: goVariadicMethod(POINT_PTR, [], INT, (_p, ...xs) => goInt(xs.reduce((a, x) => a + x.value, 0n)), {
    type: INT,
  }),
});

export const VERSION = structType('main.Version', [
  { name: 'Major', type: INT },
  { name: 'Minor', type: INT },
]);
defineMethods(VERSION, {
  String: goMethod(VERSION, [], (v) => `v${int(v.fields.Major!)}.${int(v.fields.Minor!)}`, { type: STRING }),
});

export const VALUES = namedType('main.Values', MAP_ANY);
defineMethods(VALUES, {
  AsMap: goMethod(VALUES, [], (v) => Object.assign({}, v), { type: MAP_ANY }),
  Table: goMethod(
    VALUES,
    [STRING],
    (v, name) => {
      const t = v[name];
      if (typeof t === 'object' && t !== null && !Array.isArray(t) && Object.getPrototypeOf(t) === Object.prototype) {
        return withGoType(t as GoMap, VALUES);
      }
      throw new Error(`no table named "${name}"`);
    },
    { type: VALUES, error: true },
  ),
});

function divide(a: GoInt, b: GoInt): GoValue {
  if (b.value === 0n) throw new Error('runtime error: integer divide by zero');
  return goInt(a.value / b.value);
}

/** FUNCS mirrors goref's function map. */
export const FUNCS: FuncMap = {
  list: goVariadicFunc([], ANY, (...xs) => xs, { type: SLICE_ANY }),
  dict: goVariadicFunc(
    [],
    ANY,
    (...kv) => {
      const m: GoMap = {};
      for (let i = 0; i + 1 < kv.length; i += 2) m[sprint(kv[i]!)] = kv[i + 1]!;
      return m;
    },
    { type: MAP_ANY },
  ),
  strs: goVariadicFunc([], STRING, (...xs) => withGoType(xs, SLICE_STRING), { type: SLICE_STRING }),
  ints: goVariadicFunc([], INT, (...xs) => withGoType(xs, SLICE_INT), { type: SLICE_INT }),
  bytes: goFunc([STRING], (s) => new TextEncoder().encode(s), { type: BYTES }),
  strmap: goVariadicFunc(
    [],
    STRING,
    (...kv) => {
      const m: GoMap = {};
      for (let i = 0; i + 1 < kv.length; i += 2) m[kv[i]!] = kv[i + 1]!;
      return withGoType(m, MAP_STRING);
    },
    { type: MAP_STRING },
  ),
  i64: goFunc([INT], (n) => goInt(n.value, INT64), { type: INT64 }),
  u8: goFunc([INT], (n) => goInt(n.value, UINT8), { type: UINT8 }),
  u64: goFunc([INT], (n) => goInt(n.value, UINT64), { type: UINT64 }),
  f64: goFunc([INT], (n) => Number(n.value), { type: FLOAT64 }),
  toFloat: goFunc(
    [STRING],
    (s) => {
      const f = Number(s);
      if (s.trim() !== s || s === '' || Number.isNaN(f))
        throw new Error(`strconv.ParseFloat: parsing ${JSON.stringify(s)}: invalid syntax`);
      return f;
    },
    { type: FLOAT64, error: true },
  ),
  add: goFunc([INT, INT], (a, b) => goInt(a.value + b.value), { type: INT }),
  upper: goFunc([STRING], (s) => s.toUpperCase(), { type: STRING }),
  repeat: goFunc([INT, STRING], (n, s) => s.repeat(Number(n.value)), { type: STRING }),
  concat: goVariadicFunc([STRING], STRING, (sep, ...xs) => xs.join(sep), { type: STRING }),
  fail: goFunc(
    [STRING],
    (msg) => {
      throw new Error(msg);
    },
    { type: STRING, error: true },
  ),
  boom: goFunc(
    [],
    () => {
      throw new Error('kaboom');
    },
    { type: STRING },
  ),
  divide: goFunc([INT, INT], divide, { type: INT }),
  point: goFunc([INT, INT, STRING], (x, y, label) => point(x.value, y.value, label), { type: POINT_PTR }),
  pointv: goFunc(
    [INT, INT],
    (x, y) => new GoStruct(POINT, { X: goInt(x.value), Y: goInt(y.value), Label: '', Any: null, hide: false }),
    { type: POINT },
  ),
  nilpoint: goFunc([], () => new GoNil(POINT_PTR), { type: POINT_PTR }),
  version: goFunc([INT, INT], (a, b) => new GoStruct(VERSION, { Major: a, Minor: b }), { type: VERSION }),
  values: goFunc([MAP_ANY], (m) => withGoType(m, VALUES), { type: VALUES }),
  nilmap: goFunc([], () => new GoNil(MAP_ANY), { type: MAP_ANY }),
  nilslice: goFunc([], () => new GoNil(SLICE_STRING), { type: SLICE_STRING }),
  anynil: goFunc([], () => null),
  adder: goFunc([], () => goFunc([INT, INT], (a, b) => goInt(a.value + b.value), { type: INT })),
  failer: goFunc([], () =>
    goFunc(
      [],
      () => {
        throw new Error('failer failed');
      },
      { type: INT, error: true },
    ),
  ),
  chan: goVariadicFunc([], ANY, (...xs) => new GoChan(ANY, xs)),
  cplx: goFunc([], () => new GoComplex(1, 2), { type: COMPLEX128 }),
  isNil: goFunc([ANY], (v) => v === null, { type: BOOL }),
  typeOf: goFunc([ANY], (v) => sprintf('%T', v), { type: STRING }),
  takeList: goFunc([SLICE_ANY], (l) => goInt(l.length), { type: INT }),
  takeMap: goFunc([MAP_ANY], (m) => goInt(Object.keys(m).length), { type: INT }),
  takeBool: goFunc([BOOL], (b) => !b, { type: BOOL }),
  takeU: goFunc([UINT], (u) => goInt(u.value + 1n, UINT), { type: UINT }),
  takeF: goFunc([FLOAT64], (f) => f * 2, { type: FLOAT64 }),
  takeAny: goFunc([ANY], (v) => sprintf('%T:%v', v, v), { type: STRING }),
};

/** decodeData turns the JSON encoding of typed values (`{"$int": "5"}` …) into values of the model. */
export function decodeData(v: unknown): GoValue {
  if (Array.isArray(v)) return v.map(decodeData);
  if (typeof v === 'object' && v !== null) {
    const keys = Object.keys(v);
    if (keys.length === 1 && keys[0]!.startsWith('$'))
      return decodeTyped(keys[0]!.slice(1), (v as Record<string, unknown>)[keys[0]!]);
    const out: GoMap = {};
    for (const k of keys) out[k] = decodeData((v as Record<string, unknown>)[k]);
    return out;
  }
  return v as GoValue;
}

function decodeTyped(kind: string, v: unknown): GoValue {
  switch (kind) {
    case 'int':
      return goInt(BigInt(v as string));
    case 'int64':
      return goInt(BigInt(v as string), INT64);
    case 'uint8':
      return goInt(BigInt(v as string), UINT8);
    case 'uint64':
      return goInt(BigInt(v as string), UINT64);
    case 'strings':
      return withGoType([...(v as string[])], SLICE_STRING);
    case 'strmap':
      return withGoType({ ...(v as Record<string, string>) }, MAP_STRING);
    case 'bytes':
      return new Uint8Array(Buffer.from(v as string, 'base64'));
    case 'values':
      return withGoType(decodeData(v) as GoMap, VALUES);
    case 'point': {
      const m = v as { X: number; Y: number; Label: string; Any?: unknown };
      return point(BigInt(m.X), BigInt(m.Y), m.Label, decodeData(m.Any ?? null));
    }
    case 'float':
      return v === 'NaN' ? NaN : v === '+Inf' ? Infinity : v === '-Inf' ? -Infinity : Number(v);
  }
  throw new Error(`unknown typed value $${kind}`);
}

export { GoFunc };
