// go-yaml v3's block layout (emitterc.go) for a node tree with comments, as an encoder with SetIndent(n) prints it
// (sops' YAML store uses 4): the values of a mapping indent to the next multiple of n, a collection inside a
// sequence item sits 2 columns right of its dash, sequences in mappings are indented, head/line/foot comments
// where yaml.v3 puts them, keys over 128 bytes or spanning lines as complex keys. No line folding.
// Comments are placed for the shapes sops builds (head comments on keys and items, line comments on scalars and
// empty collections, foot comments after a last key or item); yaml.v3 defers a line comment on a non-empty block
// collection to the next item, which sops never asks for and this emitter does not reproduce.
import { analyzeScalar } from './analyze.ts';
import { codePoints } from './chars.ts';
import { Writer, type ScalarStyle } from './writer.ts';

/** Comments are a node's comment lines without the `#`: above it, after it on its line, and below it. */
export interface Comments {
  head: string[];
  line: string[];
  foot: string[];
}

/** YScalar is a scalar's text and the style the encoder asks for (`verbatim` writes the text as is, e.g. tags). */
export type YScalar = { kind: 'scalar'; text: string; style: ScalarStyle | 'verbatim' } & Comments;
/** YMap is a mapping in document order. */
export type YMap = { kind: 'map'; pairs: { key: YScalar; value: YNode }[] } & Comments;
/** YSeq is a sequence. */
export type YSeq = { kind: 'seq'; items: YNode[] } & Comments;
/** YNode is a node of the tree v3 prints. */
export type YNode = YMap | YSeq | YScalar;

/** noComments makes an empty Comments. */
export const noComments = (): Comments => ({ head: [], line: [], foot: [] });

/** isSimpleKey is libyaml's check_simple_key for a scalar key: at most 128 bytes and on one line. */
function isSimpleKey(n: YScalar): boolean {
  return Buffer.byteLength(n.text, 'utf8') <= 128 && !analyzeScalar(codePoints(n.text), true).multiline;
}

const isEmptyCollection = (n: YNode): boolean =>
  (n.kind === 'map' && n.pairs.length === 0) || (n.kind === 'seq' && n.items.length === 0);

class V3Emitter {
  private readonly w: Writer;
  private readonly best: number;
  /** footIndent is where foot comments were just written: a line at that indentation starts after a blank line. */
  private footIndent = -1;

  constructor(indent: number) {
    this.best = indent;
    this.w = new Writer({ version: 3, bestIndent: indent, bestWidth: Infinity });
  }

  document(root: YMap): string {
    if (root.pairs.length === 0) {
      this.comments(root.head, 0);
      this.w.indicator('{}', true, false, false);
    } else this.blockMap(root, -1, false);
    if (this.w.column > 0) this.w.putBreak();
    return this.w.text();
  }

  /** indent is v3's write_indent: a blank line first when a foot comment at this indentation came just before. */
  private indent(indent: number): void {
    if (this.footIndent === indent) this.w.putBreak();
    this.footIndent = -1;
    this.w.writeIndent(indent);
  }

  private footComments(lines: readonly string[], indent: number): void {
    if (lines.length === 0) return;
    this.comments(lines, indent);
    this.footIndent = indent;
  }

  private comments(lines: readonly string[], indent: number): void {
    for (const l of lines) {
      this.indent(indent);
      this.w.put('#' + l, l.length + 1);
      this.endLine();
    }
  }

  private endLine(): void {
    this.w.putBreak();
    this.w.indention = true;
    this.w.whitespace = true;
  }

  private lineComment(lines: readonly string[], indent: number): void {
    const [first, ...rest] = lines;
    if (first === undefined) return;
    this.w.put(' #' + first, first.length + 2);
    this.endLine();
    this.comments(rest, indent);
  }

  /** childIndent is v3's increase_indent for a block collection or scalar below `parent`. */
  private childIndent(parent: number, inSeqItem: boolean): number {
    if (parent < 0) return 0;
    if (inSeqItem) return parent + 2;
    return this.best * Math.floor((parent + this.best) / this.best);
  }

  private blockMap(node: YMap, parent: number, inSeqItem: boolean): void {
    const indent = this.childIndent(parent, inSeqItem);
    this.comments(node.head, indent);
    for (const { key, value } of node.pairs) {
      this.comments(key.head, indent);
      this.indent(indent);
      if (isSimpleKey(key)) {
        this.scalar(key, indent, true);
        this.w.indicator(':', false, false, false);
      } else {
        // Keys longer than 128 bytes, or spanning lines, are complex keys: `? key` then `: value`.
        this.w.indicator('?', true, false, true);
        this.scalar(key, this.childIndent(indent, false), false);
        this.indent(indent);
        this.w.indicator(':', true, false, true);
      }
      this.node(value, indent, false);
      this.footComments(key.foot, indent);
    }
  }

  private blockSeq(node: YSeq, parent: number, inSeqItem: boolean): void {
    const indent = this.childIndent(parent, inSeqItem);
    this.comments(node.head, indent);
    for (const item of node.items) {
      this.comments(item.head, indent);
      this.indent(indent);
      this.w.indicator('-', true, false, true);
      this.node(item, indent, true);
      this.footComments(item.foot, indent);
    }
  }

  private node(n: YNode, parent: number, inSeqItem: boolean): void {
    const w = this.w;
    if (n.kind === 'map' && n.pairs.length === 0 && n.head.length > 0) {
      // yaml.v3 prints the comments of an empty mapping inside its braces.
      w.indicator('{', true, true, false);
      this.endLine();
      this.comments(n.head, this.childIndent(parent, inSeqItem));
      this.indent(Math.max(parent, 0));
      w.indicator('}', false, false, false);
      this.lineComment(n.line, parent);
      return;
    }
    if (isEmptyCollection(n)) {
      w.indicator(n.kind === 'map' ? '{' : '[', true, true, false);
      w.indicator(n.kind === 'map' ? '}' : ']', false, false, false);
      this.lineComment(n.line, parent);
      // yaml.v3 prints the comments of an empty collection after it, at the enclosing block's indentation.
      this.comments(n.head, Math.max(parent, 0));
      return;
    }
    if (n.kind === 'scalar') {
      this.scalar(n, this.childIndent(parent, inSeqItem), false);
      this.lineComment(n.line, parent);
      return;
    }
    if (n.line.length > 0) this.lineComment(n.line, this.childIndent(parent, inSeqItem));
    if (n.kind === 'map') this.blockMap(n, parent, inSeqItem);
    else this.blockSeq(n, parent, inSeqItem);
  }

  private scalar(n: YScalar, indent: number, simpleKey: boolean): void {
    if (n.style === 'verbatim') this.w.indicator(n.text, true, false, false);
    else this.w.scalar(n.text, indent, simpleKey, n.style);
  }
}

/** emitV3 prints one document: a mapping with comments, as go-yaml v3's encoder with SetIndent(indent) does. */
export function emitV3(root: YMap, indent = 4): string {
  return new V3Emitter(indent).document(root);
}
