// The writing half of libyaml's emitter (emitterc.go in go-yaml v2 and v3): the cursor (column, whether the line
// so far is whitespace or indentation), indentation and indicators, and the four scalar styles with their
// escapes and line folding. The block layouts of the two libraries (v2.ts, v3.ts) drive it.
import { analyzeScalar } from './analyze.ts';
import { codePoints, fromCodePoints, isBreak, isPrintable, isSpace } from './chars.ts';
import { yamlEscape } from './escape.ts';
import { needsQuotes, type YamlVersion } from './resolve.ts';

/** ScalarStyle is a style the encoder asks for; the emitter may fall back (plain → single → double). */
export type ScalarStyle = 'plain' | 'single' | 'double' | 'literal';

/** WriterOptions are the emitter settings a library uses. */
export interface WriterOptions {
  version: YamlVersion;
  /** bestIndent is the indentation step (go-yaml v2: 2; v3: the encoder's SetIndent, 4 by default). */
  bestIndent: number;
  /** bestWidth is the column past which scalars fold at spaces (v2: 80); Infinity never folds (v3). */
  bestWidth: number;
}

/** SIMPLE matches strings without spaces, breaks or indicators: plain unless they would read back as non-strings. */
const SIMPLE = /^[A-Za-z0-9_./][A-Za-z0-9_./=+-]*$/;

/** Writer accumulates one document. Methods mirror libyaml's write_* and emitter state. */
export class Writer {
  readonly options: WriterOptions;
  private chunks: string[] = [];
  private out = '';
  column = 0;
  /** whitespace: the last character written was whitespace, so what follows needs no separating space. */
  whitespace = true;
  /** indention: the line so far holds only indentation (and indicators that count as such, like `- `). */
  indention = true;

  constructor(options: WriterOptions) {
    this.options = options;
  }

  /** text returns everything written so far. */
  text(): string {
    this.chunks.push(this.out);
    this.out = '';
    return this.chunks.join('');
  }

  /** put writes text of `chars` columns. */
  put(s: string, chars: number): void {
    this.out += s;
    this.column += chars;
  }

  putBreak(): void {
    this.out += '\n';
    this.column = 0;
    if (this.out.length > 4096) {
      this.chunks.push(this.out);
      this.out = '';
    }
  }

  /** writeBreak is write_break: a line feed starts a new line; CR, NEL, LS and PS are written as they are. */
  private writeBreak(c: number): void {
    if (c === 0x0a) this.putBreak();
    else {
      this.put(String.fromCodePoint(c), 0);
      this.column = 0;
    }
    this.indention = true;
  }

  /** writeIndent is yaml_emitter_write_indent: a new line unless the cursor already sits at the indentation. */
  writeIndent(indent: number): void {
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.putBreak();
    if (this.column < indent) {
      this.out += ' '.repeat(indent - this.column);
      this.column = indent;
    }
    this.whitespace = true;
    this.indention = true;
  }

  /** indicator is yaml_emitter_write_indicator. */
  indicator(s: string, needWhitespace: boolean, isWhitespace: boolean, isIndention: boolean): void {
    if (needWhitespace && !this.whitespace) this.put(' ', 1);
    this.put(s, s.length);
    this.whitespace = isWhitespace;
    this.indention = this.indention && isIndention;
  }

  /** raw writes a plain token that needs no analysis (numbers, booleans, null, `{}`, `[]`), space-separated. */
  raw(s: string): void {
    if (!this.whitespace) this.put(' ', 1);
    this.put(s, s.length);
    this.whitespace = false;
    this.indention = false;
  }

  /** chooseStyle is the encoder's choice for a string (go-yaml's stringv): literal, plain, or double-quoted. */
  chooseStyle(s: string): ScalarStyle {
    if (s.includes('\n')) return 'literal';
    return needsQuotes(s, this.options.version) ? 'double' : 'plain';
  }

  /**
   * scalar writes a string in the style the encoder asked for, after libyaml's select_scalar_style has checked it:
   * a simple key is never a block scalar, a style the text cannot take falls back towards double quotes. `indent`
   * is where folded and block lines continue.
   */
  scalar(s: string, indent: number, simpleKey: boolean, requested: ScalarStyle = this.chooseStyle(s)): void {
    // Fast path: short identifier-like strings, which every style check leaves plain.
    if (requested === 'plain' && SIMPLE.test(s) && !s.startsWith('...')) {
      if (!this.whitespace) this.put(' ', 1);
      this.put(s, s.length);
      this.whitespace = false;
      this.indention = false;
      return;
    }
    const cps = codePoints(s);
    const a = analyzeScalar(cps, this.options.version === 3);
    let style = requested;
    if (simpleKey && a.multiline) style = 'double';
    if (style === 'plain' && (!a.blockPlain || (cps.length === 0 && simpleKey))) style = 'single';
    if (style === 'single' && !a.singleQuoted) style = 'double';
    if (style === 'literal' && (!a.block || simpleKey)) style = 'double';
    const breaks = !simpleKey;
    if (style === 'plain') this.plain(cps, indent, breaks);
    else if (style === 'single') this.singleQuoted(cps, indent, breaks);
    else if (style === 'double') this.doubleQuoted(cps, indent, breaks);
    else this.literal(cps, indent);
  }

  private plain(cps: number[], indent: number, allowBreaks: boolean): void {
    // go-yaml v3 writes no separating space before an empty plain scalar (no trailing space in block mode).
    if (!this.whitespace && (cps.length > 0 || this.options.version === 2)) this.put(' ', 1);
    const width = this.options.bestWidth;
    if (!allowBreaks || this.column + cps.length <= width + 1 || !cps.includes(0x20)) {
      this.put(fromCodePoints(cps), cps.length);
      this.whitespace = false;
      this.indention = false;
      return;
    }
    let spaces = false;
    for (let i = 0; i < cps.length; i++) {
      const c = cps[i] ?? 0;
      if (isSpace(c)) {
        if (!spaces && this.column > width && !isSpace(cps[i + 1])) this.writeIndent(indent);
        else this.put(' ', 1);
        spaces = true;
      } else {
        this.put(String.fromCodePoint(c), 1);
        spaces = false;
      }
    }
    this.whitespace = false;
    this.indention = false;
  }

  private singleQuoted(cps: number[], indent: number, allowBreaks: boolean): void {
    this.indicator("'", true, false, false);
    const width = this.options.bestWidth;
    let spaces = false;
    let breaks = false;
    for (let i = 0; i < cps.length; i++) {
      const c = cps[i] ?? 0;
      if (isSpace(c)) {
        const last = i === cps.length - 1;
        if (allowBreaks && !spaces && this.column > width && i !== 0 && !last && !isSpace(cps[i + 1])) {
          this.writeIndent(indent);
        } else this.put(' ', 1);
        spaces = true;
      } else if (isBreak(c)) {
        if (!breaks && c === 0x0a) this.putBreak();
        this.writeBreak(c);
        breaks = true;
      } else {
        if (breaks) this.writeIndent(indent);
        this.put(c === 0x27 ? "''" : String.fromCodePoint(c), c === 0x27 ? 2 : 1);
        this.indention = false;
        spaces = breaks = false;
      }
    }
    this.indicator("'", false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private doubleQuoted(cps: number[], indent: number, allowBreaks: boolean): void {
    this.indicator('"', true, false, false);
    const width = this.options.bestWidth;
    let spaces = false;
    // libyaml's is_bom looks at the first character of the value whatever the index, so a value that starts with
    // a byte order mark has every character escaped (`"\uFEFF\x62..."`).
    const bomFirst = cps[0] === 0xfeff;
    for (let i = 0; i < cps.length; i++) {
      const c = cps[i] ?? 0;
      if (bomFirst || !isPrintable(c) || c === 0xfeff || isBreak(c) || c === 0x22 || c === 0x5c) {
        const s = yamlEscape(c);
        this.put(s, s.length);
        spaces = false;
      } else if (isSpace(c)) {
        if (allowBreaks && !spaces && this.column > width && i !== 0 && i !== cps.length - 1) {
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
    if (first !== undefined && (isSpace(first) || isBreak(first))) {
      this.indicator(String(this.options.bestIndent), false, false, false);
    }
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
      if (run.length) this.put(fromCodePoints(run), run.length);
      run = [];
    };
    for (const c of cps) {
      if (isBreak(c)) {
        flush();
        this.writeBreak(c);
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
}
