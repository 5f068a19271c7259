// goyaml: marshals plain data to YAML exactly as the flux CLI prints it. flux marshals objects with sigs.k8s.io/yaml
// (JSON first, then go.yaml.in/yaml/v2), so every mapping is sorted with yaml.v2's key order, numbers went through a
// float64, and each string gets the scalar style yaml.v2's emitter picks (plain, 'single', "double", |literal).
// Only block style is produced, like yaml.v2's default.

/** YamlValue is the plain data goyaml can print: what JSON can hold. */
export type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue };

/** LINE_WIDTH is yaml.v2's preferred width: plain and quoted scalars fold at a space past this column. */
const LINE_WIDTH = 80;
const INDENT = 2;

/** marshalYaml renders a value as yaml.v2 would after a JSON round trip (sigs.k8s.io/yaml.Marshal). */
export function marshalYaml(value: YamlValue): string {
  const w = new Writer();
  w.node(value, 0, 'root');
  if (w.column !== 0) w.raw('\n');
  return w.out;
}

// ---- key order (yaml.v2 sorter.go keyList.Less, strings only) ----

const isLetter = (c: string): boolean => /\p{L}/u.test(c);
const isDigit = (c: string): boolean => /\p{Nd}/u.test(c);
const digitValue = (c: string): number => (c.codePointAt(0) ?? 48) - 48;

/** compareKeys orders mapping keys like yaml.v2: letters by code point, non-letters first, digit runs numerically. */
export function compareKeys(a: string, b: string): number {
  return keyLess(a, b) ? -1 : keyLess(b, a) ? 1 : 0;
}

function keyLess(a: string, b: string): boolean {
  const ar = Array.from(a);
  const br = Array.from(b);
  for (let i = 0; i < ar.length && i < br.length; i++) {
    const ai0 = ar[i] as string;
    const bi0 = br[i] as string;
    if (ai0 === bi0) continue;
    const al = isLetter(ai0);
    const bl = isLetter(bi0);
    if (al && bl) return (ai0.codePointAt(0) ?? 0) < (bi0.codePointAt(0) ?? 0);
    if (al || bl) return bl;
    let an = 0;
    let bn = 0;
    if (ai0 === '0' || bi0 === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j] as string); j--) {
        if (ar[j] !== '0') {
          an = 1;
          bn = 1;
          break;
        }
      }
    }
    let ai = i;
    for (; ai < ar.length && isDigit(ar[ai] as string); ai++) an = an * 10 + digitValue(ar[ai] as string);
    let bi = i;
    for (; bi < br.length && isDigit(br[bi] as string); bi++) bn = bn * 10 + digitValue(br[bi] as string);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return (ai0.codePointAt(0) ?? 0) < (bi0.codePointAt(0) ?? 0);
  }
  return ar.length < br.length;
}

// ---- numbers: a float64 printed by Go's JSON encoder, read back by yaml.v2, printed again ----

/** formatNumber prints a number the way it comes out of flux's JSON → yaml.v2 round trip. */
export function formatNumber(n: number): string {
  if (Number.isNaN(n)) return '.nan';
  if (!Number.isFinite(n)) return n > 0 ? '.inf' : '-.inf';
  const json = String(n);
  // An integer-looking JSON number becomes a YAML int (int64 or uint64) and prints as is.
  if (/^-?\d+$/.test(json) && Math.abs(n) < 2 ** 64) return json;
  return formatFloatG(n);
}

/** formatFloatG is Go's strconv.FormatFloat(n, 'g', -1, 64). */
function formatFloatG(n: number): string {
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  const [mant = '0', expText = '0'] = Math.abs(n).toExponential().split('e');
  const digits = mant.replace('.', '');
  const exp = Number(expText);
  const sign = n < 0 ? '-' : '';
  if (exp < -4 || exp >= 6) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp);
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  }
  const dp = exp + 1;
  if (dp <= 0) return `${sign}0.${'0'.repeat(-dp)}${digits}`;
  if (dp >= digits.length) return `${sign}${digits}${'0'.repeat(dp - digits.length)}`;
  return `${sign}${digits.slice(0, dp)}.${digits.slice(dp)}`;
}

// ---- string resolution (yaml.v2 resolve.go): would this text read back as something other than a string? ----

const NON_STRINGS = new Set([
  '',
  '~',
  'null',
  'Null',
  'NULL',
  ...['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', 'true', 'True', 'TRUE'],
  ...['n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF', 'false', 'False', 'FALSE'],
  ...['.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF'],
  '<<',
]);
const GO_INT = /^[-+]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;
const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const BASE60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;
const TIMESTAMPS = [
  /^\d{4}-\d{1,2}-\d{1,2}$/,
  /^\d{4}-\d{1,2}-\d{1,2}[Tt ]\d{1,2}:\d{1,2}:\d{1,2}(\.\d+)?(Z|[-+]\d{2}:\d{2})?$/,
];

function resolvesToNonString(s: string): boolean {
  if (NON_STRINGS.has(s)) return true;
  const first = s[0] ?? '';
  if (first === '.') return /^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(s);
  if (!/[-+0-9]/.test(first)) return false;
  if (TIMESTAMPS.some((re) => re.test(s)) && validDate(s)) return true;
  const plain = s.replaceAll('_', '');
  return GO_INT.test(plain) || YAML_FLOAT.test(plain);
}

function validDate(s: string): boolean {
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})/.exec(s);
  if (!m) return false;
  const month = Number(m[2]);
  const day = Number(m[3]);
  return month >= 1 && month <= 12 && day >= 1 && day <= new Date(Date.UTC(Number(m[1]), month, 0)).getUTCDate();
}

// ---- scalar analysis (yaml.v2 emitterc.go yaml_emitter_analyze_scalar) ----

const isBreak = (c: number): boolean => c === 0x0a || c === 0x0d || c === 0x85 || c === 0x2028 || c === 0x2029;
const isPrintable = (c: number): boolean =>
  c === 0x0a || (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff);

interface Analysis {
  multiline: boolean;
  blockPlain: boolean;
  singleQuoted: boolean;
  block: boolean;
}

function analyze(value: string): Analysis {
  if (value.length === 0) return { multiline: false, blockPlain: true, singleQuoted: true, block: false };
  const cps = Array.from(value, (ch) => ch.codePointAt(0) ?? 0);
  let blockIndicators = value.startsWith('---') || value.startsWith('...');
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let precededByWhitespace = true;
  let previousSpace = false;
  let previousBreak = false;
  for (let i = 0; i < cps.length; i++) {
    const c = cps[i] as number;
    const next = cps[i + 1];
    const followedByWhitespace = next === undefined || next === 0x20 || next === 0x09 || isBreak(next);
    const ch = String.fromCodePoint(c);
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) blockIndicators = true;
      else if ((ch === '?' || ch === ':' || ch === '-') && followedByWhitespace) blockIndicators = true;
    } else if (ch === ':' && followedByWhitespace) blockIndicators = true;
    else if (ch === '#' && precededByWhitespace) blockIndicators = true;
    if (!isPrintable(c)) special = true;
    if (c === 0x20) {
      if (i === 0) leadingSpace = true;
      if (i === cps.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreak(c)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (i === cps.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = c === 0x20 || c === 0x09 || isBreak(c) || c === 0;
  }
  const a: Analysis = { multiline: lineBreaks, blockPlain: true, singleQuoted: true, block: true };
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) a.blockPlain = false;
  if (trailingSpace) a.block = false;
  if (breakSpace) {
    a.blockPlain = false;
    a.singleQuoted = false;
  }
  if (spaceBreak || special) {
    a.blockPlain = false;
    a.singleQuoted = false;
    a.block = false;
  }
  if (lineBreaks || blockIndicators) a.blockPlain = false;
  return a;
}

type Style = 'plain' | 'single' | 'double' | 'literal';

function selectStyle(value: string, simpleKey: boolean): Style {
  let style: Style = value.includes('\n')
    ? 'literal'
    : resolvesToNonString(value) || BASE60_FLOAT.test(value)
      ? 'double'
      : 'plain';
  const a = analyze(value);
  if (simpleKey && a.multiline) style = 'double';
  if (style === 'plain' && (!a.blockPlain || (value.length === 0 && simpleKey))) style = 'single';
  if (style === 'single' && !a.singleQuoted) style = 'double';
  if (style === 'literal' && (!a.block || simpleKey)) style = 'double';
  return style;
}

// ---- the writer ----

type Context = 'root' | 'key' | 'value' | 'item';

class Writer {
  out = '';
  column = 0;
  /** whitespace: the last character written was whitespace, so a scalar needs no separating space. */
  private whitespace = true;

  raw(text: string): void {
    for (const ch of text) {
      this.out += ch;
      this.column = ch === '\n' ? 0 : this.column + 1;
    }
    this.whitespace = text.endsWith(' ') || text.endsWith('\n');
  }

  /** newLine moves to a fresh line at the given indent (no empty line when already at column 0). */
  private newLine(indent: number): void {
    if (this.column !== 0) this.raw('\n');
    this.raw(' '.repeat(indent));
    this.whitespace = true;
  }

  node(value: YamlValue, indent: number, ctx: Context): void {
    if (Array.isArray(value)) this.sequence(value, indent, ctx);
    else if (value !== null && typeof value === 'object') this.mapping(value, indent, ctx);
    else this.scalar(value, indent, ctx);
  }

  private mapping(map: { [key: string]: YamlValue }, indent: number, ctx: Context): void {
    const keys = Object.keys(map).sort(compareKeys);
    if (keys.length === 0) {
      this.raw(this.whitespace ? '{}' : ' {}');
      return;
    }
    // A mapping inside a sequence item starts on the item's line; elsewhere on a new line.
    const childIndent = ctx === 'root' ? 0 : ctx === 'item' ? indent : indent + INDENT;
    keys.forEach((key, i) => {
      if (!(ctx === 'item' && i === 0)) this.newLine(childIndent);
      this.string(key, childIndent, true);
      this.raw(':');
      this.whitespace = false;
      this.node(map[key] as YamlValue, childIndent, 'value');
    });
  }

  private sequence(items: YamlValue[], indent: number, ctx: Context): void {
    if (items.length === 0) {
      this.raw(this.whitespace ? '[]' : ' []');
      return;
    }
    // yaml.v2 does not indent a sequence that is the value of a mapping key.
    const itemIndent = ctx === 'item' ? indent : ctx === 'root' || ctx === 'value' ? indent : indent + INDENT;
    items.forEach((item, i) => {
      if (!(ctx === 'item' && i === 0)) this.newLine(itemIndent);
      this.raw('- ');
      this.node(item, itemIndent + INDENT, 'item');
    });
  }

  private scalar(value: string | number | boolean | null, indent: number, ctx: Context): void {
    const scalarIndent = ctx === 'item' ? indent : indent + INDENT;
    if (typeof value === 'string') {
      this.string(value, scalarIndent, false);
      return;
    }
    const text = value === null ? 'null' : typeof value === 'number' ? formatNumber(value) : String(value);
    this.raw(this.whitespace ? text : ` ${text}`);
  }

  private string(value: string, indent: number, simpleKey: boolean): void {
    const style = selectStyle(value, simpleKey);
    const allowBreaks = !simpleKey;
    if (style === 'literal') this.literal(value, indent);
    else if (style === 'plain') this.plain(value, indent, allowBreaks);
    else if (style === 'single') this.singleQuoted(value, indent, allowBreaks);
    else this.doubleQuoted(value, indent, allowBreaks);
  }

  private fold(indent: number): void {
    this.raw('\n' + ' '.repeat(indent));
  }

  private plain(value: string, indent: number, allowBreaks: boolean): void {
    if (!this.whitespace) this.raw(' ');
    const chars = Array.from(value);
    let spaces = false;
    chars.forEach((ch, i) => {
      if (ch === ' ') {
        if (allowBreaks && !spaces && this.column > LINE_WIDTH && chars[i + 1] !== ' ') this.fold(indent);
        else this.raw(ch);
        spaces = true;
      } else {
        this.raw(ch);
        spaces = false;
      }
    });
    this.whitespace = false;
  }

  private singleQuoted(value: string, indent: number, allowBreaks: boolean): void {
    this.raw(this.whitespace ? "'" : " '");
    const chars = Array.from(value);
    let spaces = false;
    chars.forEach((ch, i) => {
      if (ch === ' ') {
        const fold =
          allowBreaks && !spaces && this.column > LINE_WIDTH && i > 0 && i < chars.length - 1 && chars[i + 1] !== ' ';
        if (fold) this.fold(indent);
        else this.raw(ch);
        spaces = true;
      } else {
        this.raw(ch === "'" ? "''" : ch);
        spaces = false;
      }
    });
    this.raw("'");
    this.whitespace = false;
  }

  private doubleQuoted(value: string, indent: number, allowBreaks: boolean): void {
    this.raw(this.whitespace ? '"' : ' "');
    const chars = Array.from(value);
    let spaces = false;
    chars.forEach((ch, i) => {
      const c = ch.codePointAt(0) ?? 0;
      if (!isPrintable(c) || c === 0xfeff || isBreak(c) || ch === '"' || ch === '\\') {
        this.raw('\\' + escapeChar(c));
        spaces = false;
      } else if (ch === ' ') {
        if (allowBreaks && !spaces && this.column > LINE_WIDTH && i > 0 && i < chars.length - 1) {
          this.fold(indent);
          if (chars[i + 1] === ' ') this.raw('\\');
        } else this.raw(ch);
        spaces = true;
      } else {
        this.raw(ch);
        spaces = false;
      }
    });
    this.raw('"');
    this.whitespace = false;
  }

  private literal(value: string, indent: number): void {
    let header = this.whitespace ? '|' : ' |';
    const first = value.codePointAt(0) ?? 0;
    if (first === 0x20 || isBreak(first)) header += String(INDENT);
    const last = value.codePointAt(value.length - 1) ?? 0;
    if (!isBreak(last)) header += '-';
    else if (value.length === 1 || isBreak(value.codePointAt(value.length - 2) ?? 0)) header += '+';
    this.raw(header + '\n');
    let breaks = true;
    for (const ch of value) {
      if (isBreak(ch.codePointAt(0) ?? 0)) {
        this.raw('\n');
        breaks = true;
      } else {
        if (breaks) this.raw(' '.repeat(indent));
        this.raw(ch);
        breaks = false;
      }
    }
    this.whitespace = false;
  }
}

function escapeChar(c: number): string {
  const named: Record<number, string> = {
    0x00: '0',
    0x07: 'a',
    0x08: 'b',
    0x09: 't',
    0x0a: 'n',
    0x0b: 'v',
    0x0c: 'f',
    0x0d: 'r',
    0x1b: 'e',
    0x22: '"',
    0x5c: '\\',
    0x85: 'N',
    0xa0: '_',
    0x2028: 'L',
    0x2029: 'P',
  };
  const n = named[c];
  if (n !== undefined) return n;
  const hex = c.toString(16).toUpperCase();
  if (c <= 0xff) return 'x' + hex.padStart(2, '0');
  if (c <= 0xffff) return 'u' + hex.padStart(4, '0');
  return 'U' + hex.padStart(8, '0');
}
