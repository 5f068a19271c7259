import { formatFloatG } from '../../../util/go-float.ts';
import { Branch, Comment, TimeValue, type Value } from '../tree.ts';
import { analyzeScalar, doubleQuoted, needsQuotes } from './yaml-scalar.ts';

/**
 * emitYaml writes branches as sops' YAML store does through go.yaml.in/yaml/v3 with indent 4: the tree becomes
 * nodes with head, line and foot comments (sops' appendTreeBranch/appendSequence), which are then laid out with
 * libyaml's indentation rules (values of a mapping indent to the next multiple of 4, a mapping inside a sequence
 * item sits 2 columns right of its dash) and its scalar style choices. Documents are separated by `---`.
 */
export function emitYaml(branches: Branch[], indent = 4): string {
  return branches.map((b) => new Emitter(indent).document(b)).join('---\n');
}

interface NodeComments {
  head: string[];
  line: string[];
  foot: string[];
}

type Node =
  | ({ kind: 'map'; pairs: { key: Node; value: Node }[] } & NodeComments)
  | ({ kind: 'seq'; items: Node[] } & NodeComments)
  | ({ kind: 'scalar'; text: string; style: 'plain' | 'double' | 'literal' | 'verbatim' } & NodeComments);

const noComments = (): NodeComments => ({ head: [], line: [], foot: [] });

function scalarNode(v: Value): Node {
  const n = noComments();
  if (v === null) return { kind: 'scalar', text: 'null', style: 'plain', ...n };
  if (typeof v === 'boolean') return { kind: 'scalar', text: v ? 'true' : 'false', style: 'plain', ...n };
  if (typeof v === 'bigint') return { kind: 'scalar', text: v.toString(), style: 'plain', ...n };
  if (typeof v === 'number') {
    let t = formatFloatG(v);
    if (t === '+Inf') t = '.inf';
    else if (t === '-Inf') t = '-.inf';
    else if (t === 'NaN') t = '.nan';
    return { kind: 'scalar', text: t, style: 'plain', ...n };
  }
  if (v instanceof TimeValue) return { kind: 'scalar', text: v.text, style: 'plain', ...n };
  if (v instanceof Uint8Array) return { kind: 'scalar', text: Buffer.from(v).toString('utf8'), style: 'double', ...n };
  const s = typeof v === 'string' ? v : '';
  if (s.includes('\n')) return { kind: 'scalar', text: s, style: 'literal', ...n };
  // yaml.v3 resolves `<<` to its merge tag and writes the string with that tag.
  if (s === '<<') return { kind: 'scalar', text: '!!merge <<', style: 'verbatim', ...n };
  return { kind: 'scalar', text: s, style: needsQuotes(s) ? 'double' : 'plain', ...n };
}

function toNode(v: Value): Node {
  if (v instanceof Branch) return mapNode(v);
  if (Array.isArray(v)) return seqNode(v);
  return scalarNode(v);
}

type MapNode = Node & { kind: 'map' };

function mapNode(b: Branch): MapNode {
  const node: MapNode = { kind: 'map', pairs: [], ...noComments() };
  let head: string[] = [];
  let inline: string[] = [];
  let beginning = true;
  for (const item of b.items) {
    if (item.key instanceof Comment) {
      (item.key.inline ? inline : head).push(item.key.value);
      continue;
    }
    if (beginning) {
      node.head.push(...head);
      head = [];
      beginning = false;
    }
    const key = scalarNode(item.key);
    key.head.push(...head);
    head = [];
    const value = toNode(item.value);
    value.line.push(...inline);
    inline = [];
    node.pairs.push({ key, value });
  }
  head.push(...inline);
  if (head.length > 0) {
    const last = node.pairs[node.pairs.length - 1];
    if (last) last.key.foot.push(...head);
    else node.head.push(...head);
  }
  return node;
}

function seqNode(list: Value[]): Node {
  const node: Node & { kind: 'seq' } = { kind: 'seq', items: [], ...noComments() };
  let head: string[] = [];
  let inline: string[] = [];
  let beginning = true;
  for (const v of list) {
    if (v instanceof Comment) {
      (v.inline ? inline : head).push(v.value);
      continue;
    }
    if (beginning) {
      node.head.push(...head);
      head = [];
      beginning = false;
    }
    const item = toNode(v);
    item.head.push(...head);
    item.line.push(...inline);
    head = [];
    inline = [];
    node.items.push(item);
  }
  head.push(...inline);
  if (head.length > 0) {
    const last = node.items[node.items.length - 1];
    if (last) last.foot.push(...head);
    else node.head.push(...head);
  }
  return node;
}

/** isSimpleKey is libyaml's check_simple_key for a scalar key: at most 128 bytes and on one line. */
function isSimpleKey(n: Node & { kind: 'scalar' }): boolean {
  return Buffer.byteLength(n.text, 'utf8') <= 128 && !analyzeScalar(n.text).multiline;
}

const isEmptyCollection = (n: Node): boolean =>
  (n.kind === 'map' && n.pairs.length === 0) || (n.kind === 'seq' && n.items.length === 0);

/** Emitter keeps libyaml's cursor state: column, and whether the line so far is only indentation/whitespace. */
class Emitter {
  private out = '';
  private column = 0;
  private whitespace = true;
  private indention = true;
  private readonly best: number;

  constructor(best: number) {
    this.best = best;
  }

  document(b: Branch): string {
    const root = mapNode(b);
    if (root.pairs.length === 0) {
      this.comments(root.head, 0);
      this.write('{}');
    } else this.blockMap(root, -1, false);
    if (this.column > 0) this.putBreak();
    return this.out;
  }

  private write(s: string): void {
    this.out += s;
    this.column += s.length;
  }

  private putBreak(): void {
    this.out += '\n';
    this.column = 0;
  }

  private writeIndent(indent: number): void {
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.putBreak();
    while (this.column < indent) this.write(' ');
    this.whitespace = true;
    this.indention = true;
  }

  private indicator(s: string, needWhitespace: boolean, isWhitespace: boolean, isIndention: boolean): void {
    if (needWhitespace && !this.whitespace) this.write(' ');
    this.write(s);
    this.whitespace = isWhitespace;
    this.indention = this.indention && isIndention;
  }

  private comments(lines: string[], indent: number): void {
    for (const l of lines) {
      this.writeIndent(indent);
      this.write('#' + l);
      this.putBreak();
      this.indention = true;
      this.whitespace = true;
    }
  }

  private lineComment(lines: string[], indent: number): void {
    const [first, ...rest] = lines;
    if (first === undefined) return;
    this.write(' #' + first);
    this.putBreak();
    this.indention = true;
    this.whitespace = true;
    this.comments(rest, indent);
  }

  /** childIndent is libyaml's increase_indent for a block collection or scalar below `parent`. */
  private childIndent(parent: number, inSeqItem: boolean): number {
    if (parent < 0) return 0;
    if (inSeqItem) return parent + 2;
    return this.best * Math.floor((parent + this.best) / this.best);
  }

  private blockMap(node: Node & { kind: 'map' }, parent: number, inSeqItem: boolean): void {
    const indent = this.childIndent(parent, inSeqItem);
    this.comments(node.head, indent);
    for (const { key, value } of node.pairs) {
      this.comments(key.head, indent);
      this.writeIndent(indent);
      const k = key as Node & { kind: 'scalar' };
      if (isSimpleKey(k)) {
        this.scalar(k, indent, false, true);
        this.indicator(':', false, false, false);
      } else {
        // libyaml writes keys longer than 128 bytes, or spanning lines, as complex keys: `? key` then `: value`.
        this.indicator('?', true, false, true);
        this.scalar(k, this.childIndent(indent, false), true, false);
        this.writeIndent(indent);
        this.indicator(':', true, false, true);
      }
      this.node(value, indent, false);
      this.comments(key.foot, indent);
    }
  }

  private blockSeq(node: Node & { kind: 'seq' }, parent: number, inSeqItem: boolean): void {
    const indent = this.childIndent(parent, inSeqItem);
    this.comments(node.head, indent);
    for (const item of node.items) {
      this.comments(item.head, indent);
      this.writeIndent(indent);
      this.indicator('-', true, false, true);
      this.node(item, indent, true);
      this.comments(item.foot, indent);
    }
  }

  private node(n: Node, parent: number, inSeqItem: boolean): void {
    if (n.kind === 'map' && n.pairs.length === 0 && n.head.length > 0) {
      // yaml.v3 prints the comments of an empty mapping inside its braces.
      this.indicator('{', true, true, false);
      this.putBreak();
      this.indention = true;
      this.comments(n.head, this.childIndent(parent, inSeqItem));
      this.writeIndent(Math.max(parent, 0));
      this.indicator('}', false, false, false);
      this.trailingLine(n.line, parent);
      return;
    }
    if (isEmptyCollection(n)) {
      this.indicator(n.kind === 'map' ? '{' : '[', true, true, false);
      this.indicator(n.kind === 'map' ? '}' : ']', false, false, false);
      this.trailingLine(n.line, parent);
      // yaml.v3 prints the comments of an empty collection after it, at the enclosing block's indentation.
      this.comments(n.head, Math.max(parent, 0));
      return;
    }
    if (n.kind === 'scalar') {
      this.scalar(n, this.childIndent(parent, inSeqItem), true, false);
      this.trailingLine(n.line, parent);
      return;
    }
    if (n.line.length > 0) this.lineComment(n.line, this.childIndent(parent, inSeqItem));
    if (n.kind === 'map') this.blockMap(n, parent, inSeqItem);
    else this.blockSeq(n, parent, inSeqItem);
  }

  private trailingLine(lines: string[], indent: number): void {
    if (lines.length > 0) this.lineComment(lines, indent);
  }

  private scalar(n: Node & { kind: 'scalar' }, indent: number, allowBlock: boolean, simpleKey: boolean): void {
    if (n.style === 'verbatim') {
      this.indicator(n.text, true, false, false);
      return;
    }
    const a = analyzeScalar(n.text);
    let style: 'plain' | 'single' | 'double' | 'literal' = n.style;
    if (simpleKey && a.multiline) style = 'double';
    if (style === 'plain') {
      if (!a.blockPlain) style = 'single';
      if (n.text === '' && simpleKey) style = 'single';
    }
    if (style === 'single' && !a.singleQuoted) style = 'double';
    if (style === 'literal' && (!a.block || simpleKey || !allowBlock)) style = 'double';
    switch (style) {
      case 'plain':
        if (!this.whitespace && n.text !== '') this.write(' ');
        this.write(n.text);
        this.whitespace = false;
        this.indention = false;
        return;
      case 'single':
        this.indicator("'" + n.text.replaceAll("'", "''") + "'", true, false, false);
        return;
      case 'double':
        this.indicator(doubleQuoted(n.text), true, false, false);
        return;
      case 'literal':
        this.literal(n.text, indent);
    }
  }

  private literal(value: string, indent: number): void {
    let hints = '|';
    if (value.startsWith(' ') || value.startsWith('\n')) hints += String(this.best);
    if (!value.endsWith('\n')) hints += '-';
    else if (value === '\n' || value.endsWith('\n\n')) hints += '+';
    this.indicator(hints, true, false, false);
    this.putBreak();
    this.indention = true;
    this.whitespace = true;
    let breaks = true;
    for (const ch of value) {
      if (ch === '\n') {
        this.putBreak();
        this.indention = true;
        this.whitespace = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent(indent);
        this.out += ch;
        this.column += 1;
        this.indention = false;
        this.whitespace = false;
        breaks = false;
      }
    }
  }
}
