// goyaml: marshals plain data to YAML exactly as the flux CLI prints it. flux marshals objects with sigs.k8s.io/yaml
// (JSON first, then go.yaml.in/yaml/v2), so every mapping is sorted with yaml.v2's key order, numbers went through a
// float64, and each string gets the scalar style yaml.v2's emitter picks (plain, 'single', "double", |literal).
// Only block style is produced, like yaml.v2's default.

import { compareKeys, formatNumber } from './goyaml-order.ts';
import { yamlEscape } from '../../../util/yaml-escape.ts';
import { isBreak, isPrintable, selectStyle } from './goyaml-scalar.ts';

export { compareKeys, formatNumber } from './goyaml-order.ts';

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
        this.raw(yamlEscape(c));
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
