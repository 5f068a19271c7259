import { type Document, isAlias, isMap, isScalar, isSeq, type YAMLMap } from 'yaml';

import { plainString } from '../nodes.ts';
import { plainWouldRetype, type Typed } from './resolve.ts';
import { scalarText, scalarValue } from './to-value.ts';
import { yamlEscape } from '../../../util/yaml-escape.ts';

/**
 * Value is a resource after kustomize's JSON round trip: typed scalars, arrays and string-keyed maps (in any order;
 * the emitter sorts keys as go-yaml v2 does).
 */
export type Value = Typed | Value[] | Map<string, Value>;

const ALPHA = /^[A-Za-z]+$/;

function isEmptyOrNull(v: unknown): boolean {
  if (v === null || v === undefined) return true;
  if (isMap(v)) return v.items.length === 0;
  return (
    isScalar(v) &&
    (v.value === null || ((v.value === '' || v.value === '~' || v.value === 'null') && v.type === 'PLAIN'))
  );
}

/** SIMPLE matches strings without spaces or indicators: always plain unless they would read back as non-strings. */
const SIMPLE = /^[A-Za-z0-9_./][A-Za-z0-9_./=+-]*$/;

/** BEST_WIDTH is go-yaml v2's preferred line width; longer plain and quoted scalars fold at spaces past it. */
const BEST_WIDTH = 80;

const isBreak = (c: number): boolean => c === 0x0a || c === 0x0d || c === 0x85 || c === 0x2028 || c === 0x2029;
const isSpace = (c: number | undefined): boolean => c === 0x20;
const isBlankz = (c: number | undefined): boolean =>
  c === undefined || c === 0x20 || c === 0x09 || isBreak(c) || c === 0;
/** isPrintable is go-yaml v2's byte-level test: no NEL, and nothing beyond the Basic Multilingual Plane. */
const isPrintable = (c: number): boolean =>
  c === 0x0a || (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff);

interface Analysis {
  blockPlain: boolean;
  single: boolean;
  block: boolean;
}

/** analyze is go-yaml's yaml_emitter_analyze_scalar reduced to the block context kustomize output uses. */
function analyze(cps: number[]): Analysis {
  if (cps.length === 0) return { blockPlain: true, single: true, block: false };
  let blockIndicators = false;
  let flowIndicators = false;
  const str = String.fromCodePoint(...cps.slice(0, 3));
  if (str === '---' || str === '...') blockIndicators = flowIndicators = true;
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let previousSpace = false;
  let previousBreak = false;
  let precededByWhitespace = true;
  let followedByWhitespace = isBlankz(cps[1]);
  const last = cps.length - 1;
  for (let i = 0; i < cps.length; i++) {
    const c = cps[i] ?? 0;
    const ch = String.fromCodePoint(c);
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) flowIndicators = blockIndicators = true;
      if (ch === '?' || ch === ':') {
        flowIndicators = true;
        if (followedByWhitespace) blockIndicators = true;
      }
      if (ch === '-' && followedByWhitespace) flowIndicators = blockIndicators = true;
    } else {
      if (',?[]{}'.includes(ch)) flowIndicators = true;
      if (ch === ':') {
        flowIndicators = true;
        if (followedByWhitespace) blockIndicators = true;
      }
      if (ch === '#' && precededByWhitespace) flowIndicators = blockIndicators = true;
    }
    if (!isPrintable(c)) special = true;
    if (isBreak(c)) lineBreaks = true;
    if (isSpace(c)) {
      if (i === 0) leadingSpace = true;
      if (i === last) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreak(c)) {
      if (i === 0) leadingBreak = true;
      if (i === last) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousBreak = true;
      previousSpace = false;
    } else {
      previousSpace = previousBreak = false;
    }
    precededByWhitespace = isBlankz(c);
    followedByWhitespace = isBlankz(cps[i + 2]);
  }
  let blockPlain = true;
  let single = true;
  let block = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) blockPlain = false;
  if (trailingSpace) block = false;
  if (breakSpace) blockPlain = single = false;
  if (spaceBreak || special) blockPlain = single = block = false;
  if (lineBreaks) blockPlain = false;
  void flowIndicators; // flow context never occurs in kustomize output
  if (blockIndicators) blockPlain = false;
  return { blockPlain, single, block };
}

/** fromCps turns code points back into a string, in chunks so huge values cannot overflow the call stack. */
function fromCps(cps: readonly number[]): string {
  if (cps.length < 4096) return String.fromCodePoint(...cps);
  let out = '';
  for (let i = 0; i < cps.length; i += 4096) out += String.fromCodePoint(...cps.slice(i, i + 4096));
  return out;
}

/** Emitter writes block-style YAML exactly as go-yaml v2's emitter (sigs.k8s.io/yaml) does for kustomize. */
class Emitter {
  private chunks: string[] = [];
  private out = '';
  private column = 0;
  private whitespace = true;
  private indention = true;

  text(): string {
    this.chunks.push(this.out);
    this.out = '';
    return this.chunks.join('');
  }

  private put(s: string, chars: number): void {
    this.out += s;
    this.column += chars;
  }

  private putBreak(): void {
    this.out += '\n';
    this.column = 0;
    if (this.out.length > 4096) {
      this.chunks.push(this.out);
      this.out = '';
    }
  }

  private writeIndent(indent: number): void {
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.putBreak();
    if (this.column < indent) {
      this.out += ' '.repeat(indent - this.column);
      this.column = indent;
    }
    this.whitespace = true;
    this.indention = true;
  }

  private indicator(s: string, needWhitespace: boolean, isWhitespace: boolean, isIndention: boolean): void {
    if (needWhitespace && !this.whitespace) this.put(' ', 1);
    this.put(s, s.length);
    this.whitespace = isWhitespace;
    this.indention = this.indention && isIndention;
  }

  private raw(s: string): void {
    if (!this.whitespace) this.put(' ', 1);
    this.put(s, s.length);
    this.whitespace = false;
    this.indention = false;
  }

  scalar(v: Typed, indent: number, simpleKey: boolean): void {
    if (typeof v !== 'string') {
      this.raw(renderNonString(v));
      return;
    }
    // Fast path: short identifier-like strings that go-yaml writes plain without further analysis.
    if (SIMPLE.test(v) && !v.startsWith('...') && !plainWouldRetype(v)) {
      if (!this.whitespace) this.put(' ', 1);
      this.put(v, v.length);
      this.whitespace = false;
      this.indention = false;
      return;
    }
    const cps = Array.from(v, (ch) => ch.codePointAt(0) ?? 0);
    const a = analyze(cps);
    let style: 'plain' | 'single' | 'double' | 'literal';
    if (v.includes('\n')) style = 'literal';
    else style = plainWouldRetype(v) ? 'double' : 'plain';
    if (style === 'plain' && (!a.blockPlain || (cps.length === 0 && simpleKey))) style = 'single';
    if (style === 'single' && !a.single) style = 'double';
    if (style === 'literal' && (!a.block || simpleKey)) style = 'double';
    const breaks = !simpleKey;
    if (style === 'plain') this.plain(cps, indent, breaks);
    else if (style === 'single') this.singleQuoted(cps, indent, breaks);
    else if (style === 'double') this.doubleQuoted(cps, indent, breaks);
    else this.literal(cps, indent);
  }

  private plain(cps: number[], indent: number, allowBreaks: boolean): void {
    if (!this.whitespace) this.put(' ', 1);
    if (!allowBreaks || this.column + cps.length <= BEST_WIDTH + 1 || !cps.includes(0x20)) {
      this.put(fromCps(cps), cps.length);
      this.whitespace = false;
      this.indention = false;
      return;
    }
    let spaces = false;
    for (let i = 0; i < cps.length; i++) {
      const c = cps[i] ?? 0;
      if (isSpace(c)) {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && !isSpace(cps[i + 1])) this.writeIndent(indent);
        else this.put(' ', 1);
        spaces = true;
      } else {
        this.put(String.fromCodePoint(c), 1);
        spaces = false;
      }
      this.indention = false;
    }
    this.whitespace = false;
    this.indention = false;
  }

  private singleQuoted(cps: number[], indent: number, allowBreaks: boolean): void {
    this.indicator("'", true, false, false);
    let spaces = false;
    let breaks = false;
    for (let i = 0; i < cps.length; i++) {
      const c = cps[i] ?? 0;
      if (isSpace(c)) {
        if (
          allowBreaks &&
          !spaces &&
          this.column > BEST_WIDTH &&
          i !== 0 &&
          i !== cps.length - 1 &&
          !isSpace(cps[i + 1])
        )
          this.writeIndent(indent);
        else this.put(' ', 1);
        spaces = true;
      } else if (isBreak(c)) {
        if (!breaks && c === 0x0a) this.putBreak();
        if (c === 0x0a) this.putBreak();
        else {
          this.out += String.fromCodePoint(c);
          this.column = 0;
        }
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent(indent);
        this.put(c === 0x27 ? "''" : String.fromCodePoint(c), c === 0x27 ? 2 : 1);
        this.indention = false;
        spaces = breaks = false;
      }
    }
    if (breaks) this.writeIndent(indent);
    this.indicator("'", false, false, false);
  }

  private doubleQuoted(cps: number[], indent: number, allowBreaks: boolean): void {
    this.indicator('"', true, false, false);
    let spaces = false;
    // go-yaml v2's is_bom looks at the first character of the value whatever the index, so a value that starts
    // with a byte order mark has every character escaped (`"\uFEFF\x62..."`); kustomize prints exactly that.
    const bomFirst = cps[0] === 0xfeff;
    for (let i = 0; i < cps.length; i++) {
      const c = cps[i] ?? 0;
      if (bomFirst || !isPrintable(c) || c === 0xfeff || isBreak(c) || c === 0x22 || c === 0x5c) {
        const s = yamlEscape(c);
        this.put(s, s.length);
        spaces = false;
      } else if (isSpace(c)) {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i !== 0 && i !== cps.length - 1) {
          this.writeIndent(indent);
          if (isSpace(cps[i + 1])) this.put('\\', 1);
        } else this.put(' ', 1);
        spaces = true;
      } else {
        this.put(String.fromCodePoint(c), 1);
        spaces = false;
      }
      this.indention = false;
    }
    this.indicator('"', false, false, false);
  }

  private literal(cps: number[], indent: number): void {
    this.indicator('|', true, false, false);
    const first = cps[0];
    if (first !== undefined && (isSpace(first) || isBreak(first))) this.indicator('2', false, false, false);
    const last = cps[cps.length - 1];
    let chomp = '';
    if (last === undefined || !isBreak(last)) chomp = '-';
    else if (cps.length === 1) chomp = '+';
    else if (isBreak(cps[cps.length - 2] ?? 0)) chomp = '+';
    if (chomp) this.indicator(chomp, false, false, false);
    this.putBreak();
    this.indention = true;
    this.whitespace = true;
    let breaks = true;
    let run: number[] = [];
    const flush = (): void => {
      if (run.length) this.put(fromCps(run), run.length);
      run = [];
    };
    for (const c of cps) {
      if (isBreak(c)) {
        flush();
        this.putBreak();
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent(indent);
        run.push(c);
        this.indention = false;
        breaks = false;
      }
    }
    flush();
  }

  /** finish ends the document the way go-yaml's document-end indent does: with exactly one final line break. */
  finish(): void {
    if (!this.indention || this.column > 0 || !this.whitespace) this.putBreak();
  }

  /** mapping writes a non-empty block mapping whose keys sit at `indent`. */
  mapping(map: Map<string, Value>, indent: number): void {
    for (const key of sortedKeys(map)) {
      this.writeIndent(indent);
      this.scalar(key, indent + 2, true);
      this.indicator(':', false, false, false);
      this.node(map.get(key) ?? null, indent, true);
    }
  }

  /** sequence writes a non-empty block sequence whose dashes sit at `indent`. */
  sequence(seq: Value[], indent: number): void {
    for (const item of seq) {
      this.writeIndent(indent);
      this.indicator('-', true, false, true);
      this.node(item, indent, false);
    }
  }

  /**
   * nodeMapping writes a `yaml` mapping node directly (no intermediate Value tree): keys sorted as go-yaml v2 sorts
   * them, scalars typed as kustomize types them. `level` tracks root (0) and root metadata (1), whose
   * `annotations` values are always strings.
   */
  nodeMapping(map: YAMLMap, indent: number, level: number, stringValues: boolean, doc: Document | undefined): void {
    const keyed: { key: string; alpha: boolean; value: unknown }[] = [];
    for (const it of map.items) {
      const key = scalarText(it.key) ?? plainString(it.key);
      keyed.push({ key, alpha: ALPHA.test(key), value: it.value });
    }
    keyed.sort((a, b) =>
      a.alpha && b.alpha
        ? a.key < b.key
          ? -1
          : a.key > b.key
            ? 1
            : 0
        : keyLess(a.key, b.key)
          ? -1
          : keyLess(b.key, a.key)
            ? 1
            : 0,
    );
    for (let i = 0; i < keyed.length; i++) {
      const e = keyed[i] as { key: string; value: unknown };
      if (i + 1 < keyed.length && keyed[i + 1]?.key === e.key) continue; // duplicate keys: the last one wins
      // kustomize drops an empty or null metadata.annotations (its annotation bookkeeping rewrites the field).
      if (level === 1 && e.key === 'annotations' && isEmptyOrNull(e.value)) continue;
      this.writeIndent(indent);
      this.scalar(e.key, indent + 2, true);
      this.indicator(':', false, false, false);
      const childLevel = level === 0 && e.key === 'metadata' ? 1 : 2;
      const strings = level === 1 && e.key === 'annotations';
      this.nodeValue(e.value, indent, true, childLevel, strings, stringValues, doc);
    }
  }

  private nodeValue(
    v: unknown,
    indent: number,
    inMapping: boolean,
    level: number,
    childStrings: boolean,
    asString: boolean,
    doc: Document | undefined,
  ): void {
    if (isAlias(v)) v = v.resolve(doc as Document);
    if (isMap(v)) {
      if (v.items.length === 0) this.raw('{}');
      else this.nodeMapping(v, indent + 2, level, childStrings, doc);
    } else if (isSeq(v)) {
      if (v.items.length === 0) this.raw('[]');
      else {
        const seqIndent = inMapping ? indent : indent + 2;
        for (const item of v.items) {
          this.writeIndent(seqIndent);
          this.indicator('-', true, false, true);
          this.nodeValue(item, seqIndent, false, 2, false, false, doc);
        }
      }
    } else if (isScalar(v)) {
      this.scalar(asString ? (scalarText(v) ?? '') : scalarValue(v), indent + 2, false);
    } else {
      this.scalar(
        v === undefined || v === null ? null : typeof v === 'object' ? plainString(v) : (v as Typed),
        indent + 2,
        false,
      );
    }
  }

  /** node writes a value after `key:` (inMapping) or `- `, with the parent collection at `indent`. */
  private node(v: Value, indent: number, inMapping: boolean): void {
    if (v instanceof Map) {
      if (v.size === 0) this.raw('{}');
      else this.mapping(v, indent + 2);
    } else if (Array.isArray(v)) {
      if (v.length === 0) this.raw('[]');
      else this.sequence(v, inMapping ? indent : indent + 2);
    } else {
      this.scalar(v, indent + 2, false);
    }
  }
}

/** renderNonString prints integers, floats, booleans and null as go-yaml v2 does after a JSON round trip. */
export function renderNonString(v: Exclude<Typed, string>): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'bigint') return v.toString();
  // JSON writes the float; go-yaml v2 reads integral text back as an integer, anything else as a float.
  const json = String(v);
  if (/^-?\d+$/.test(json)) {
    const b = BigInt(json);
    if (b >= -(1n << 63n) && b < 1n << 64n) return b.toString();
  }
  return goFormatG(v);
}

/** goFormatG is Go's strconv.FormatFloat(f, 'g', -1, 64). */
export function goFormatG(f: number): string {
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const [mant = '', e = '0'] = f.toExponential().split('e');
  const x = Number(e);
  if (x < -4 || x >= 6) {
    return `${mant}e${x < 0 ? '-' : '+'}${String(Math.abs(x)).padStart(2, '0')}`;
  }
  return String(f);
}

/** sortedKeys orders map keys with go-yaml v2's key comparison: digits compare as numbers, letters after others. */
export function sortedKeys(map: Map<string, Value>): string[] {
  return [...map.keys()].sort((a, b) => (keyLess(a, b) ? -1 : keyLess(b, a) ? 1 : 0));
}

const isLetter = (ch: string): boolean => /\p{L}/u.test(ch);
const isDigit = (ch: string | undefined): boolean => ch !== undefined && /\p{Nd}/u.test(ch);

/** keyLess is go-yaml v2's keyList.Less for two string keys. */
export function keyLess(a: string, b: string): boolean {
  const ar = Array.from(a);
  const br = Array.from(b);
  for (let i = 0; i < ar.length && i < br.length; i++) {
    const ac = ar[i] ?? '';
    const bc = br[i] ?? '';
    if (ac === bc) continue;
    const al = isLetter(ac);
    const bl = isLetter(bc);
    if (al && bl) return (ac.codePointAt(0) ?? 0) < (bc.codePointAt(0) ?? 0);
    if (al || bl) return bl;
    let an = 0n;
    let bn = 0n;
    if (ac === '0' || bc === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]); j--) {
        if (ar[j] !== '0') {
          an = bn = 1n;
          break;
        }
      }
    }
    let ai = i;
    for (; ai < ar.length && isDigit(ar[ai]); ai++) an = an * 10n + BigInt((ar[ai] ?? '0').charCodeAt(0) - 48);
    let bi = i;
    for (; bi < br.length && isDigit(br[bi]); bi++) bn = bn * 10n + BigInt((br[bi] ?? '0').charCodeAt(0) - 48);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return (ac.codePointAt(0) ?? 0) < (bc.codePointAt(0) ?? 0);
  }
  return ar.length < br.length;
}

/** emitNodeDocument renders one resource straight from its `yaml` mapping node, as kustomize prints it. */
export function emitNodeDocument(node: YAMLMap, doc?: Document): string {
  if (node.items.length === 0) return '{}\n';
  const e = new Emitter();
  e.nodeMapping(node, 0, 0, false, doc);
  e.finish();
  return e.text();
}

/** emitDocument renders one resource as kustomize prints it (without the `---` separator). */
export function emitDocument(v: Value): string {
  const e = new Emitter();
  if (v instanceof Map && v.size > 0) e.mapping(v, 0);
  else if (Array.isArray(v) && v.length > 0) e.sequence(v, 0);
  else if (v instanceof Map) return '{}\n';
  else if (Array.isArray(v)) return '[]\n';
  else e.scalar(v, 0, false);
  e.finish();
  return e.text();
}
