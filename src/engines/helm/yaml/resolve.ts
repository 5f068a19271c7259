/**
 * YAML 1.1 scalar resolution as go-yaml v2 performs it for an implicit (plain, untagged) scalar, or for a scalar
 * with one of the core tags: null, booleans in every YAML 1.1 spelling, integers with Go's base prefixes (and a
 * leading 0 meaning octal), floats, `.inf`/`.nan`, timestamps, and the merge key `<<`.
 */

export const TAG = {
  null: 'tag:yaml.org,2002:null',
  bool: 'tag:yaml.org,2002:bool',
  str: 'tag:yaml.org,2002:str',
  int: 'tag:yaml.org,2002:int',
  float: 'tag:yaml.org,2002:float',
  timestamp: 'tag:yaml.org,2002:timestamp',
  seq: 'tag:yaml.org,2002:seq',
  map: 'tag:yaml.org,2002:map',
  binary: 'tag:yaml.org,2002:binary',
  merge: 'tag:yaml.org,2002:merge',
} as const;

/** Resolved is a scalar's Go value: ints keep their exact value (int or uint64 range) as bigint. */
export type Resolved =
  | { tag: typeof TAG.null; value: null }
  | { tag: typeof TAG.bool; value: boolean }
  | { tag: typeof TAG.int; value: bigint; unsigned: boolean }
  | { tag: typeof TAG.float; value: number }
  | { tag: typeof TAG.timestamp; value: string }
  | { tag: typeof TAG.merge; value: string }
  | { tag: string; value: string };

const SPECIAL = new Map<string, Resolved>();
for (const s of ['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']) {
  SPECIAL.set(s, { tag: TAG.bool, value: true });
}
for (const s of ['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']) {
  SPECIAL.set(s, { tag: TAG.bool, value: false });
}
for (const s of ['', '~', 'null', 'Null', 'NULL']) SPECIAL.set(s, { tag: TAG.null, value: null });
for (const s of ['.nan', '.NaN', '.NAN']) SPECIAL.set(s, { tag: TAG.float, value: NaN });
for (const s of ['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF'])
  SPECIAL.set(s, { tag: TAG.float, value: Infinity });
for (const s of ['-.inf', '-.Inf', '-.INF']) SPECIAL.set(s, { tag: TAG.float, value: -Infinity });
SPECIAL.set('<<', { tag: TAG.merge, value: '<<' });

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const UINT64_MAX = (1n << 64n) - 1n;
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

/** shortTag writes a core tag as `!!name`, as go-yaml's messages do. */
export function shortTag(tag: string): string {
  return tag.startsWith('tag:yaml.org,2002:') ? '!!' + tag.slice('tag:yaml.org,2002:'.length) : tag;
}

/** ResolveError is a scalar whose explicit tag does not fit its text (`!!int foo`). */
export class ResolveError extends Error {}

function resolvable(tag: string): boolean {
  return (
    tag === '' ||
    tag === TAG.str ||
    tag === TAG.bool ||
    tag === TAG.int ||
    tag === TAG.float ||
    tag === TAG.null ||
    tag === TAG.timestamp
  );
}

/**
 * parseGoInt is strconv.ParseInt/ParseUint with base 0 (sign, then `0x`, `0o`, `0b` or a leading `0` for octal,
 * underscores only after a prefix as Go allows them; the caller has removed underscores already).
 */
export function parseGoInt(text: string, unsigned: boolean): bigint | undefined {
  let s = text;
  let neg = false;
  if (s.startsWith('+') || s.startsWith('-')) {
    if (unsigned) return undefined;
    neg = s[0] === '-';
    s = s.slice(1);
  }
  let body = s;
  let radix: 10 | 16 | 8 | 2 = 10;
  if (/^0[xX]/.test(s)) [radix, body] = [16, s.slice(2)];
  else if (/^0[oO]/.test(s)) [radix, body] = [8, s.slice(2)];
  else if (/^0[bB]/.test(s)) [radix, body] = [2, s.slice(2)];
  else if (s.length > 1 && s[0] === '0') [radix, body] = [8, s.slice(1)];
  const digits = radix === 16 ? /^[0-9a-fA-F]+$/ : radix === 8 ? /^[0-7]+$/ : radix === 2 ? /^[01]+$/ : /^[0-9]+$/;
  if (!digits.test(body)) return undefined;
  const prefix = radix === 16 ? '0x' : radix === 8 ? '0o' : radix === 2 ? '0b' : '';
  const v = (neg ? -1n : 1n) * BigInt(prefix + body);
  if (unsigned) return v <= UINT64_MAX ? v : undefined;
  return v >= INT64_MIN && v <= INT64_MAX ? v : undefined;
}

/** parseGoFloat is strconv.ParseFloat(s, 64) for the decimal forms YAML can hand it; undefined on syntax errors. */
export function parseGoFloat(s: string): number | undefined {
  // Go accepts decimal and hexadecimal mantissas, "inf"/"infinity"/"nan" in any case, and underscores only
  // between digits of a prefixed number; YAML text reaching here is decimal or one of the special words.
  const m = /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf|infinity|nan)$/i.exec(s);
  if (m === null) {
    if (/^[+-]?0[xX]/.test(s)) return parseHexFloat(s);
    return undefined;
  }
  const lower = s.toLowerCase().replace(/^\+/, '');
  if (lower === 'inf' || lower === 'infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  if (lower === 'nan' || lower === '-nan') return NaN;
  const v = Number(s);
  // Go reports a range error (and so fails) for finite text that overflows to ±Inf.
  return Number.isFinite(v) ? v : undefined;
}

function parseHexFloat(s: string): number | undefined {
  const m = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?\d+)$/.exec(s);
  if (m === null) return undefined;
  const [, sign, int = '', frac = '', exp = '0'] = m;
  if (int === '' && frac === '') return undefined;
  const mant = parseInt(int + frac || '0', 16) / 16 ** frac.length;
  const v = mant * 2 ** Number(exp);
  return Number.isFinite(v) ? (sign === '-' ? -v : v) : undefined;
}

const TIMESTAMP_FORMATS: RegExp[] = [
  /^(\d{4})-(\d{1,2})-(\d{1,2})[Tt](\d{1,2}):(\d{1,2}):(\d{1,2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/,
  /^(\d{4})-(\d{1,2})-(\d{1,2}) (\d{1,2}):(\d{1,2}):(\d{1,2})(\.\d+)?$/,
  /^(\d{4})-(\d{1,2})-(\d{1,2})$/,
];

/** isTimestamp mirrors go-yaml's parseTimestamp: four digits and a dash, then one of its time.Parse layouts. */
function isTimestamp(s: string): boolean {
  if (!/^\d{4}-/.test(s)) return false;
  for (const re of TIMESTAMP_FORMATS) {
    const m = re.exec(s);
    if (m === null) continue;
    const [, , mo, d, h, mi, sec] = m;
    const month = Number(mo);
    const day = Number(d);
    if (month < 1 || month > 12 || day < 1 || day > daysIn(Number(m[1]), month)) continue;
    if (h !== undefined && (Number(h) > 23 || Number(mi) > 59 || Number(sec) > 59)) continue;
    if (m[8] !== undefined && m[8] !== 'Z') {
      const [hh, mm] = m[8].slice(1).split(':').map(Number) as [number, number];
      if (hh > 24 || mm > 60) continue;
    }
    return true;
  }
  return false;
}

function daysIn(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function intResult(v: bigint, unsigned: boolean): Resolved {
  return { tag: TAG.int, value: v, unsigned };
}

function resolvePlain(tag: string, text: string): Resolved {
  const first = text.length === 0 ? 'N' : text[0]!;
  const hint = /[+-]/.test(first)
    ? 'S'
    : /[0-9]/.test(first)
      ? 'D'
      : /[yYnNtTfFoO~]/.test(first)
        ? 'M'
        : first === '.'
          ? '.'
          : first === 'N' && text.length === 0
            ? 'N'
            : '';
  if (hint !== '' && tag !== TAG.str && tag !== TAG.binary) {
    const special = SPECIAL.get(text);
    if (special !== undefined) return special;
    if (hint === '.') {
      const f = parseGoFloat(text);
      if (f !== undefined) return { tag: TAG.float, value: f };
    } else if (hint === 'D' || hint === 'S') {
      if ((tag === '' || tag === TAG.timestamp) && isTimestamp(text)) return { tag: TAG.timestamp, value: text };
      const plain = text.replaceAll('_', '');
      const i = parseGoInt(plain, false);
      if (i !== undefined) return intResult(i, false);
      const u = parseGoInt(plain, true);
      if (u !== undefined) return intResult(u, true);
      if (YAML_STYLE_FLOAT.test(plain)) {
        const f = parseGoFloat(plain);
        if (f !== undefined) return { tag: TAG.float, value: f };
      }
      if (plain.startsWith('0b')) {
        const b = /^[01]+$/.test(plain.slice(2)) ? BigInt('0b' + plain.slice(2)) : undefined;
        if (b !== undefined && b <= INT64_MAX) return intResult(b, false);
        if (b !== undefined && b <= UINT64_MAX) return intResult(b, true);
      } else if (plain.startsWith('-0b')) {
        const b = /^[01]+$/.test(plain.slice(3)) ? -BigInt('0b' + plain.slice(3)) : undefined;
        if (b !== undefined && b >= INT64_MIN) return intResult(b, false);
      }
    }
  }
  return { tag: TAG.str, value: text };
}

/**
 * resolve returns the Go value of a scalar with `tag` ('' for a plain scalar without tag). Unknown tags keep the
 * text. A core tag that does not fit the text throws ResolveError with go-yaml's message.
 */
export function resolve(tag: string, text: string): Resolved {
  if (!resolvable(tag)) return { tag, value: text };
  const r = resolvePlain(tag, text);
  if (tag === '' || tag === r.tag || tag === TAG.str || tag === TAG.binary) return r;
  if (tag === TAG.float && r.tag === TAG.int) return { tag: TAG.float, value: Number(r.value) };
  throw new ResolveError(`cannot decode ${shortTag(r.tag)} \`${text}\` as a ${shortTag(tag)}`);
}
