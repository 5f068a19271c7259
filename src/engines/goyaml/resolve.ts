// Scalar resolution of go-yaml v2 and v3 (resolve.go): what an unquoted scalar reads back as. One table for both:
// v3 dropped YAML 1.1's y/yes/on/n/no/off booleans and the binary `0b` fallbacks, and decodes timestamps into
// time.Time where v2 keeps the text. Decoders type values with it; encoders quote a string whose plain form would
// read back as something else.

/** GoTag is the resolved tag of a plain scalar. */
export type GoTag = 'str' | 'null' | 'bool' | 'int' | 'float' | 'timestamp' | 'merge';

/** Resolved is a tag and the Go value: ints as bigint (exact), floats as number, timestamps as RFC 3339 text. */
export interface Resolved {
  tag: GoTag;
  value: string | boolean | null | bigint | number;
}

/** YamlVersion names the library: go-yaml v2 (sigs.k8s.io/yaml, Helm, Flux's JSON bridge) or v3 (kyaml, sops). */
export type YamlVersion = 2 | 3;

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const UINT64_MAX = (1n << 64n) - 1n;
const DIGITS: Readonly<Record<number, RegExp>> = { 2: /^[01]+$/, 8: /^[0-7]+$/, 10: /^[0-9]+$/, 16: /^[0-9a-fA-F]+$/ };

/**
 * goParseInt is strconv.ParseInt(s, 0, 64), or ParseUint when `unsigned` (no sign then): 0x, 0o, 0b and leading-0
 * octal prefixes; undefined where Go returns an error (syntax or range). Underscores are the caller's business.
 */
export function goParseInt(s: string, unsigned: boolean): bigint | undefined {
  let body = s;
  let neg = false;
  if (body.startsWith('+') || body.startsWith('-')) {
    if (unsigned) return undefined;
    neg = body.startsWith('-');
    body = body.slice(1);
  }
  let base = 10;
  if (body.length > 1 && body[0] === '0') {
    const p = body[1];
    if (p === 'x' || p === 'X') [base, body] = [16, body.slice(2)];
    else if (p === 'o' || p === 'O') [base, body] = [8, body.slice(2)];
    else if (p === 'b' || p === 'B') [base, body] = [2, body.slice(2)];
    else [base, body] = [8, body.slice(1)];
  }
  const re = DIGITS[base];
  if (body === '' || re === undefined || !re.test(body)) return undefined;
  const prefix = base === 16 ? '0x' : base === 8 ? '0o' : base === 2 ? '0b' : '';
  let v = BigInt(prefix + body);
  if (neg) v = -v;
  if (unsigned) return v <= UINT64_MAX ? v : undefined;
  return v >= INT64_MIN && v <= INT64_MAX ? v : undefined;
}

const DECIMAL_FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** goParseFloat is strconv.ParseFloat for decimal text: undefined on a syntax error or an out-of-range value. */
export function goParseFloat(s: string): number | undefined {
  if (!DECIMAL_FLOAT.test(s)) return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

const TIMESTAMP =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt](\d{1,2}):(\d{1,2}):(\d{1,2})(\.\d+)?(Z|[+-]\d{2}:\d{2}))|(?: (\d{1,2}):(\d{1,2}):(\d{1,2})(\.\d+)?))?$/;

/**
 * parseTimestamp is go-yaml's parseTimestamp: the layouts `2006-1-2T15:4:5.999999999Z07:00` (also with `t`),
 * `2006-1-2 15:4:5.999999999` and `2006-1-2`, validated as Go's time.Parse does. Returns the time as Go's
 * RFC3339Nano prints it (what time.Time becomes in JSON): fraction cut to nanoseconds and trimmed, `Z` for a zero
 * offset.
 */
export function parseTimestamp(s: string): string | undefined {
  const m = TIMESTAMP.exec(s);
  if (!m) return undefined;
  const num = (i: number): number => Number(m[i] ?? 0);
  const [y, mo, d] = [num(1), num(2), num(3)];
  const hh = Number(m[4] ?? m[9] ?? 0);
  const mi = Number(m[5] ?? m[10] ?? 0);
  const ss = Number(m[6] ?? m[11] ?? 0);
  const probe = new Date(Date.UTC(2000, mo - 1, d));
  probe.setUTCFullYear(y);
  if (mo < 1 || mo > 12 || d < 1 || probe.getUTCDate() !== d || hh > 23 || mi > 59 || ss > 59) return undefined;
  const frac = (m[7] ?? m[12] ?? '').slice(1, 10).replace(/0+$/, '');
  const zone = m[8] ?? 'Z';
  const p2 = (n: number): string => String(n).padStart(2, '0');
  const z = zone === '+00:00' || zone === '-00:00' ? 'Z' : zone;
  return `${String(y).padStart(4, '0')}-${p2(mo)}-${p2(d)}T${p2(hh)}:${p2(mi)}:${p2(ss)}${frac ? `.${frac}` : ''}${z}`;
}

const COMMON = new Map<string, Resolved>([
  ...['true', 'True', 'TRUE'].map((s): [string, Resolved] => [s, { tag: 'bool', value: true }]),
  ...['false', 'False', 'FALSE'].map((s): [string, Resolved] => [s, { tag: 'bool', value: false }]),
  ...['', '~', 'null', 'Null', 'NULL'].map((s): [string, Resolved] => [s, { tag: 'null', value: null }]),
  ...['.nan', '.NaN', '.NAN'].map((s): [string, Resolved] => [s, { tag: 'float', value: NaN }]),
  ...['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF'].map((s): [string, Resolved] => [
    s,
    { tag: 'float', value: Infinity },
  ]),
  ...['-.inf', '-.Inf', '-.INF'].map((s): [string, Resolved] => [s, { tag: 'float', value: -Infinity }]),
  ['<<', { tag: 'merge', value: '<<' }],
]);

/** OLD_BOOLS are YAML 1.1's other booleans: v2 reads them, v3 reads them as strings but still quotes them. */
const OLD_TRUE = ['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON'];
const OLD_FALSE = ['n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF'];
const V2 = new Map<string, Resolved>([
  ...COMMON,
  ...OLD_TRUE.map((s): [string, Resolved] => [s, { tag: 'bool', value: true }]),
  ...OLD_FALSE.map((s): [string, Resolved] => [s, { tag: 'bool', value: false }]),
]);
const OLD_BOOLS = new Set([...OLD_TRUE, ...OLD_FALSE]);

const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const BASE60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

const STR = (s: string): Resolved => ({ tag: 'str', value: s });

/**
 * resolvePlain resolves a plain scalar as the given library does. `timestamps: false` is resolution under an
 * explicit tag other than `!!timestamp`, where the libraries do not try the timestamp layouts.
 */
export function resolvePlain(s: string, version: YamlVersion, options: { timestamps?: boolean } = {}): Resolved {
  const known = (version === 2 ? V2 : COMMON).get(s);
  if (known) return known;
  const c = s.charCodeAt(0);
  if (c === 0x2e /* . */) {
    const f = goParseFloat(s);
    return f === undefined ? STR(s) : { tag: 'float', value: f };
  }
  const digit = c >= 0x30 && c <= 0x39;
  if (!digit && c !== 0x2b && c !== 0x2d) return STR(s);
  const ts = options.timestamps === false ? undefined : parseTimestamp(s);
  if (ts !== undefined) return { tag: 'timestamp', value: ts };
  const plain = s.includes('_') ? s.replaceAll('_', '') : s;
  const i = goParseInt(plain, false) ?? goParseInt(plain, true);
  if (i !== undefined) return { tag: 'int', value: i };
  if (YAML_STYLE_FLOAT.test(plain)) {
    const f = goParseFloat(plain);
    if (f !== undefined) return { tag: 'float', value: f };
  }
  return STR(s);
}

/**
 * needsQuotes says whether the encoder must quote a string because its plain form would not read back as the
 * same string: another tag (but merge), a YAML 1.1 base-60 float, or (v3) a YAML 1.1 boolean.
 */
export function needsQuotes(s: string, version: YamlVersion): boolean {
  // `<<` resolves to the merge tag, yet both encoders write it plain.
  const tag = resolvePlain(s, version).tag;
  if (tag !== 'str' && tag !== 'merge') return true;
  if (version === 3 && OLD_BOOLS.has(s)) return true;
  return BASE60_FLOAT.test(s);
}
