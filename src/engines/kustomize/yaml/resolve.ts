/**
 * Scalar resolution rules of the two Go YAML libraries kustomize chains: go-yaml v3 types plain scalars when a
 * resource is decoded for output (`resolvePlain`), and go-yaml v2 decides whether an emitted string must be quoted
 * (`plainWouldRetype`). The two differ (v2 still reads `yes`/`on`/`y` as booleans), which is why kustomize prints
 * `"yes"` quoted although it read it as a string.
 */

/** Typed is a resolved scalar: strings, booleans, null, integers (exact, as bigint) and floats. */
export type Typed = string | boolean | null | bigint | number;

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const UINT64_MAX = (1n << 64n) - 1n;

const DIGITS: Record<number, RegExp> = { 2: /^[01]+$/, 8: /^[0-7]+$/, 10: /^[0-9]+$/, 16: /^[0-9a-fA-F]+$/ };

/** goParseInt mimics Go's strconv.ParseInt/ParseUint with base 0 (sign, 0x/0o/0b/0 prefixes), without underscores. */
export function goParseInt(s: string, unsigned: boolean): bigint | undefined {
  let body = s;
  let neg = false;
  if (!unsigned && (body.startsWith('+') || body.startsWith('-'))) {
    neg = body.startsWith('-');
    body = body.slice(1);
  }
  let base = 10;
  if (body.length > 1 && body[0] === '0') {
    const p = body[1]?.toLowerCase();
    if (p === 'x') [base, body] = [16, body.slice(2)];
    else if (p === 'o') [base, body] = [8, body.slice(2)];
    else if (p === 'b') [base, body] = [2, body.slice(2)];
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

const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const BASE60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** parseTimestamp recognises the timestamp layouts both Go YAML libraries accept and returns RFC 3339 text. */
export function parseTimestamp(s: string): string | undefined {
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:([Tt ])(\d{1,2}):(\d{1,2}):(\d{1,2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?)?$/.exec(
    s,
  );
  if (!m) return undefined;
  const [, y, mo, d, sep, h, mi, se, frac, zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1) return undefined;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  if (day > (month === 2 && !leap ? 28 : (DAYS[month - 1] ?? 31))) return undefined;
  const pad = (v: string | undefined): string => (v ?? '0').padStart(2, '0');
  const date = `${y}-${pad(mo)}-${pad(d)}`;
  if (sep === undefined) return `${date}T00:00:00Z`;
  if (Number(h) > 23 || Number(mi) > 59 || Number(se) > 59) return undefined;
  // Layouts with T/t need a zone; the space-separated one must not have one.
  if ((sep === ' ') !== (zone === undefined)) return undefined;
  let fraction = (frac ?? '').replace(/0+$/, '');
  if (fraction === '.') fraction = '';
  return `${date}T${pad(h)}:${pad(mi)}:${pad(se)}${fraction}${zone ?? 'Z'}`;
}

const V3_NULL = new Set(['', '~', 'null', 'Null', 'NULL']);
const V3_TRUE = new Set(['true', 'True', 'TRUE']);
const V3_FALSE = new Set(['false', 'False', 'FALSE']);

/** ResolveError is raised for plain scalars that JSON cannot carry (`.inf`, `.nan`). */
export class UnsupportedScalarError extends Error {}

/**
 * resolvePlain types an unquoted scalar the way go-yaml v3 does when kustomize decodes a resource: YAML 1.2 core
 * booleans and nulls, Go-style integers (with `_` separators and legacy `0777` octals), floats, and timestamps
 * (which JSON turns into RFC 3339 strings).
 */
export function resolvePlain(s: string): Typed {
  if (V3_NULL.has(s)) return null;
  if (V3_TRUE.has(s)) return true;
  if (V3_FALSE.has(s)) return false;
  const c = s.charCodeAt(0);
  if (c === 0x2e /* . */) {
    if (/^\.(inf|Inf|INF|nan|NaN|NAN)$/.test(s)) throw new UnsupportedScalarError(`json: unsupported value: ${s}`);
    if (/^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(s)) return Number(s);
    return s;
  }
  const isDigit = c >= 0x30 && c <= 0x39;
  if (!isDigit && c !== 0x2b && c !== 0x2d) return s;
  if (/^[-+]\.(inf|Inf|INF)$/.test(s)) throw new UnsupportedScalarError(`json: unsupported value: ${s}`);
  const ts = parseTimestamp(s);
  if (ts !== undefined) return ts;
  const plain = s.includes('_') ? s.replaceAll('_', '') : s;
  const i = goParseInt(plain, false) ?? goParseInt(plain, true);
  if (i !== undefined) return i;
  if (YAML_FLOAT.test(plain)) return Number(plain);
  return s;
}

const V2_MAP = new Set([
  'y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON',
  'n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF',
  '', '~', 'null', 'Null', 'NULL', '.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF',
  '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF',
]); // prettier-ignore

/**
 * plainWouldRetype is true when go-yaml v2 would read the string back as something other than a string if it
 * were written plain, so the emitter must double-quote it.
 */
export function plainWouldRetype(s: string): boolean {
  if (V2_MAP.has(s)) return true;
  const c = s.charCodeAt(0);
  if (c === 0x2e) return /^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(s);
  const isDigit = c >= 0x30 && c <= 0x39;
  if (isDigit || c === 0x2b || c === 0x2d) {
    if (parseTimestamp(s) !== undefined) return true;
    const plain = s.includes('_') ? s.replaceAll('_', '') : s;
    if (goParseInt(plain, false) !== undefined || goParseInt(plain, true) !== undefined) return true;
    if (YAML_FLOAT.test(plain)) return true;
  }
  return BASE60_FLOAT.test(s);
}
