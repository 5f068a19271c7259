import { TimeValue, type Scalar } from '../tree.ts';
import { yamlEscape } from '../../../util/yaml-escape.ts';

/**
 * Scalar resolution and quoting as go.yaml.in/yaml/v3 (the YAML library of sops) does them, so that a value is
 * typed and printed the way `sops` types and prints it.
 */

const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
const TRUES = new Set(['true', 'True', 'TRUE']);
const FALSES = new Set(['false', 'False', 'FALSE']);
const NANS = new Set(['.nan', '.NaN', '.NAN']);
const PINF = new Set(['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF']);
const NINF = new Set(['-.inf', '-.Inf', '-.INF']);
const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const OLD_BOOLS = new Set([
  'y',
  'Y',
  'yes',
  'Yes',
  'YES',
  'on',
  'On',
  'ON',
  'n',
  'N',
  'no',
  'No',
  'NO',
  'off',
  'Off',
  'OFF',
]);
const BASE60 = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** goParseInt is strconv.ParseInt(s, 0, 64) (and ParseUint when `unsigned`): prefixes 0x, 0o, 0b and 0 octal. */
function goParseInt(s: string, unsigned: boolean): bigint | undefined {
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return undefined;
  const [, sign = '', body = ''] = m;
  if (unsigned && sign !== '') return undefined;
  let n: bigint;
  if (/^0[xXoObB]/.test(body)) n = BigInt(body.slice(0, 2).toLowerCase() + body.slice(2));
  else if (body.length > 1 && body.startsWith('0')) n = BigInt('0o' + body.slice(1));
  else n = BigInt(body);
  if (sign === '-') n = -n;
  if (unsigned ? n > UINT64_MAX : n < INT64_MIN || n > INT64_MAX) return undefined;
  return n;
}

/** goParseFloat accepts what strconv.ParseFloat does for the shapes YAML lets through. */
function goParseFloat(s: string): number | undefined {
  if (/^[+-]?(inf|infinity)$/i.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(s)) return NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return undefined;
  const n = Number(s);
  // Go reports overflow as an error (ErrRange), so yaml.v3 keeps such a scalar as a string.
  return Number.isFinite(n) ? n : undefined;
}

const TS_RE =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt](\d{1,2}):(\d{1,2}):(\d{1,2})(\.\d+)?(Z|[+-]\d{2}:\d{2}))|(?: (\d{1,2}):(\d{1,2}):(\d{1,2})(\.\d+)?))?$/;

/** parseTimestamp recognises yaml.v3's timestamp forms and returns the time in Go's RFC3339Nano text. */
export function parseTimestamp(s: string): TimeValue | undefined {
  const m = TS_RE.exec(s);
  if (!m) return undefined;
  const num = (i: number): number => Number(m[i] ?? 0);
  const [y, mo, d] = [num(1), num(2), num(3)];
  const h = m[4] ?? m[9];
  const hh = h === undefined ? 0 : Number(h);
  const mi = Number(m[5] ?? m[10] ?? 0);
  const ss = Number(m[6] ?? m[11] ?? 0);
  const frac = (m[7] ?? m[12] ?? '').slice(1);
  const zone = m[8] ?? 'Z';
  const probe = new Date(Date.UTC(y, mo - 1, d));
  if (mo < 1 || mo > 12 || probe.getUTCDate() !== d || hh > 23 || mi > 59 || ss > 59) return undefined;
  const p2 = (n: number): string => String(n).padStart(2, '0');
  const f = frac.slice(0, 9).replace(/0+$/, '');
  const z = zone === 'Z' || zone === '+00:00' || zone === '-00:00' ? 'Z' : zone;
  return new TimeValue(
    `${String(y).padStart(4, '0')}-${p2(mo)}-${p2(d)}T${p2(hh)}:${p2(mi)}:${p2(ss)}${f ? '.' + f : ''}${z}`,
  );
}

/**
 * resolvePlain types an untagged plain scalar as yaml.v3 decodes it into an interface: null, bool, int, float,
 * timestamp, else string. `tag` narrows it for explicit `!!int`, `!!str`, … tags.
 */
export function resolvePlain(s: string, tag = ''): Scalar {
  if (tag === '!!str' || tag === '!!binary') return s;
  if (tag !== '' && !['!!bool', '!!int', '!!float', '!!timestamp', '!!null'].includes(tag)) return s;
  const c = s[0];
  const hint =
    s === ''
      ? 'N'
      : c && '+-'.includes(c)
        ? 'S'
        : c && c >= '0' && c <= '9'
          ? 'D'
          : c && 'yYnNtTfFoO~'.includes(c)
            ? 'M'
            : c === '.'
              ? '.'
              : '';
  if (hint === '') return s;
  if (NULLS.has(s)) return null;
  if (TRUES.has(s)) return true;
  if (FALSES.has(s)) return false;
  if (NANS.has(s)) return NaN;
  if (PINF.has(s)) return Infinity;
  if (NINF.has(s)) return -Infinity;
  if (hint === '.') return goParseFloat(s) ?? s;
  if (hint === 'D' || hint === 'S') {
    if (tag === '' || tag === '!!timestamp') {
      const t = parseTimestamp(s);
      if (t) return t;
    }
    const plain = s.replaceAll('_', '');
    const i = goParseInt(plain, false) ?? goParseInt(plain, true);
    if (i !== undefined) return i;
    if (YAML_FLOAT.test(plain)) {
      const f = goParseFloat(plain);
      if (f !== undefined) return f;
    }
  }
  return s;
}

/** needsQuotes is yaml.v3's test for a string that would not read back as the same string if left plain. */
export function needsQuotes(s: string): boolean {
  return typeof resolvePlain(s) !== 'string' || BASE60.test(s) || OLD_BOOLS.has(s);
}

/** isPrintable is libyaml's printable test, per code point (note: no characters beyond the BMP). */
export function isPrintable(cp: number): boolean {
  return (
    cp === 0x0a ||
    (cp >= 0x20 && cp <= 0x7e) ||
    (cp >= 0xa0 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff)
  );
}

const isBreak = (cp: number): boolean => cp === 0x0a || cp === 0x0d || cp === 0x85 || cp === 0x2028 || cp === 0x2029;

/** ScalarAnalysis is libyaml's yaml_emitter_analyze_scalar result: which styles may represent a string. */
export interface ScalarAnalysis {
  multiline: boolean;
  flowPlain: boolean;
  blockPlain: boolean;
  singleQuoted: boolean;
  block: boolean;
}

/** analyzeScalar ports libyaml's scalar analysis (unicode output on, as yaml.v3 sets it). */
export function analyzeScalar(value: string): ScalarAnalysis {
  if (value === '') return { multiline: false, flowPlain: false, blockPlain: true, singleQuoted: true, block: false };
  let blockInd = false;
  let flowInd = false;
  let lineBreaks = false;
  let special = false;
  let tabs = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let prevSpace = false;
  let prevBreak = false;
  if (value.startsWith('---') || value.startsWith('...')) blockInd = flowInd = true;
  const cps = Array.from(value, (ch) => ch.codePointAt(0) ?? 0);
  let precededByWs = true;
  cps.forEach((cp, i) => {
    const next = cps[i + 1];
    const followedByWs = next === undefined || next === 0x20 || next === 0x09 || isBreak(next);
    const ch = String.fromCodePoint(cp);
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) flowInd = blockInd = true;
      else if (ch === '?' || ch === ':') {
        flowInd = true;
        if (followedByWs) blockInd = true;
      } else if (ch === '-' && followedByWs) flowInd = blockInd = true;
    } else if (',?[]{}'.includes(ch)) flowInd = true;
    else if (ch === ':') {
      flowInd = true;
      if (followedByWs) blockInd = true;
    } else if (ch === '#' && precededByWs) flowInd = blockInd = true;
    if (cp === 0x09) tabs = true;
    else if (!isPrintable(cp)) special = true;
    if (cp === 0x20) {
      if (i === 0) leadingSpace = true;
      if (i === cps.length - 1) trailingSpace = true;
      if (prevBreak) breakSpace = true;
      prevSpace = true;
      prevBreak = false;
    } else if (isBreak(cp)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (i === cps.length - 1) trailingBreak = true;
      if (prevSpace) spaceBreak = true;
      prevSpace = false;
      prevBreak = true;
    } else {
      prevSpace = prevBreak = false;
    }
    precededByWs = cp === 0x20 || cp === 0x09 || isBreak(cp);
  });
  const a: ScalarAnalysis = {
    multiline: lineBreaks,
    flowPlain: true,
    blockPlain: true,
    singleQuoted: true,
    block: true,
  };
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) a.flowPlain = a.blockPlain = false;
  if (trailingSpace) a.block = false;
  if (breakSpace) a.flowPlain = a.blockPlain = a.singleQuoted = false;
  if (spaceBreak || tabs || special) a.flowPlain = a.blockPlain = a.singleQuoted = false;
  if (spaceBreak || special) a.block = false;
  if (lineBreaks) a.flowPlain = a.blockPlain = false;
  if (flowInd) a.flowPlain = false;
  if (blockInd) a.blockPlain = false;
  return a;
}

/** doubleQuoted writes a double-quoted scalar with libyaml's escapes (upper-case hex). */
export function doubleQuoted(value: string): string {
  // libyaml's BOM test looks at the start of the value, not the current character: a value that starts with a
  // BOM has every character escaped.
  const bom = value.startsWith('\ufeff');
  let out = '"';
  for (const ch of value) {
    const cp = ch.codePointAt(0) ?? 0;
    if (bom || !isPrintable(cp) || isBreak(cp) || ch === '"' || ch === '\\') {
      out += yamlEscape(cp);
    } else out += ch;
  }
  return out + '"';
}
