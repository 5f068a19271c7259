import {
  isAlias,
  isCollection,
  isMap,
  isScalar,
  isSeq,
  parseAllDocuments,
  type Document,
  type Node as YNode,
  type Scalar as YScalar,
} from 'yaml';

import { SopsFormatError } from '../errors.ts';
import { Branch, Comment, TimeValue, type Item, type Value } from '../tree.ts';
import { resolvePlain as resolveGo } from '../../goyaml/index.ts';

/** MAX_NODES bounds alias expansion ("billion laughs"): no real secret document comes close. */
const MAX_NODES = 1_000_000;
const INT64_MAX = 2n ** 63n - 1n;

/**
 * loadYaml parses a (multi-document) YAML stream into branches the way sops' YAML store does: mappings keep key
 * order, aliases are expanded, `<<` is an ordinary key, plain scalars are typed like yaml.v3 types them, and
 * comments become comment items where yaml.v3 attaches them (see attachComments).
 */
export function loadYaml(text: string): Branch[] {
  const docs = parseAllDocuments(text, { schema: 'failsafe', uniqueKeys: false, strict: false });
  if (!Array.isArray(docs)) return [];
  const lines = new Lines(text);
  return docs.map((doc, i) => {
    if (doc.errors.length > 0) {
      const e = doc.errors[0];
      const pos = e?.linePos?.[0];
      throw new SopsFormatError(
        `yaml document: ${e?.code ?? 'parse error'}${pos ? ` at line ${pos.line}, column ${pos.col}` : ''}`,
      );
    }
    const start = i === 0 ? 0 : (docs[i - 1]?.range[2] ?? 0);
    return new Loader(doc, lines, start, doc.range[2]).document();
  });
}

/** Lines maps offsets to line numbers and columns. */
class Lines {
  readonly text: string;
  private readonly starts: number[] = [0];

  constructor(text: string) {
    this.text = text;
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') this.starts.push(i + 1);
  }

  line(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  col(offset: number): number {
    return offset - (this.starts[this.line(offset)] ?? 0);
  }

  start(line: number): number {
    return this.starts[line] ?? this.text.length;
  }

  get count(): number {
    return this.starts.length;
  }

  /** lineText returns a line without its newline. */
  lineText(line: number): string {
    const end = this.text.indexOf('\n', this.start(line));
    return this.text.slice(this.start(line), end < 0 ? undefined : end);
  }

  /** trailingComment returns the comment after `offset` on its line (`# …` preceded by a blank), if any. */
  trailingComment(offset: number): string | undefined {
    const end = this.text.indexOf('\n', offset);
    const rest = this.text.slice(offset, end < 0 ? undefined : end);
    const m = /^[ \t]*#(.*)$/.exec(rest) ?? /[ \t]#(.*)$/.exec(rest);
    return m ? m[1] : undefined;
  }
}

/** Container is a block mapping or sequence: the column of its entries and the comments at its end. */
interface Container {
  col: number;
  parent: Container | undefined;
  foot: string[];
}

/** Entry is a mapping key or a sequence item (its dash): where it starts and which container holds it. */
interface Entry {
  line: number;
  col: number;
  container: Container;
  head: string[];
}

function isInside(inner: Container | undefined, outer: Container): boolean {
  for (let c = inner; c; c = c.parent) if (c === outer) return true;
  return false;
}

class Loader {
  private readonly doc: Document.Parsed;
  private readonly lines: Lines;
  private readonly from: number;
  private readonly to: number;
  private readonly entries = new Map<unknown, Entry>();
  private readonly order: Entry[] = [];
  private readonly containers = new Map<unknown, Container>();
  private readonly root: Container = { col: -1, parent: undefined, foot: [] };
  /** busy marks lines covered by multi-line scalars and flow collections, where `#` is not a comment line. */
  private readonly busy = new Set<number>();
  private visits = 0;
  private expanding = 0;

  constructor(doc: Document.Parsed, lines: Lines, from: number, to: number) {
    this.doc = doc;
    this.lines = lines;
    this.from = from;
    this.to = to;
  }

  document(): Branch {
    const root = this.doc.contents;
    if (isSeq(root)) throw new SopsFormatError('yaml document: documents that are sequences are not supported');
    if (isScalar(root) && typeof root.value === 'string' && !['', '~', 'null', 'Null', 'NULL'].includes(root.value)) {
      throw new SopsFormatError('yaml document: documents that are values are not supported');
    }
    if (isMap(root)) this.index(root, this.root);
    this.attachComments();
    if (isMap(root)) return new Branch(this.mapItems(root, this.root));
    return new Branch(this.root.foot.map((c) => ({ key: new Comment(c), value: null })));
  }

  /** index records the position of every entry and the lines that cannot hold comment lines. */
  private index(node: unknown, container: Container): void {
    if (isAlias(node) || !node) return;
    const n = node as YNode;
    const [start, , end] = n.range ?? [0, 0, 0];
    if (isScalar(n) || (isCollection(n) && n.flow)) {
      const a = this.lines.line(start);
      const b = this.lines.line(Math.max(start, (n.range?.[1] ?? end) - 1));
      for (let l = a + 1; l <= b; l++) this.busy.add(l);
      return;
    }
    if (isMap(n)) {
      for (const pair of n.items) {
        const k = pair.key as YNode | null;
        const at = k?.range?.[0] ?? start;
        const entry: Entry = { line: this.lines.line(at), col: this.lines.col(at), container, head: [] };
        this.entries.set(pair, entry);
        this.order.push(entry);
        if (k) this.index(k, container);
        this.indexChild(pair.value, entry);
      }
    } else if (isSeq(n)) {
      for (const item of n.items) {
        const at = this.dash((item as YNode | null)?.range?.[0] ?? start);
        const entry: Entry = { line: this.lines.line(at), col: this.lines.col(at), container, head: [] };
        this.entries.set(item, entry);
        this.order.push(entry);
        this.indexChild(item, entry);
      }
    }
  }

  private indexChild(node: unknown, entry: Entry): void {
    if (isCollection(node) && !node.flow && node.items.length > 0) {
      const first = node.items[0] as { key?: YNode | null } | YNode | null;
      const at =
        first && 'key' in first && first.key !== undefined
          ? (first.key?.range?.[0] ?? 0)
          : this.dash((first as YNode | null)?.range?.[0] ?? 0);
      const c: Container = { col: this.lines.col(at), parent: entry.container, foot: [] };
      this.containers.set(node, c);
      this.index(node, c);
    } else this.index(node, entry.container);
  }

  /** dash finds the `-` of a sequence item that starts at `offset` (it may be several dashes back on the line). */
  private dash(offset: number): number {
    const lineStart = this.lines.start(this.lines.line(offset));
    let i = offset - 1;
    while (i >= lineStart && this.lines.text[i] === ' ') i--;
    return i >= lineStart && this.lines.text[i] === '-' ? i : offset;
  }

  /**
   * attachComments places every comment-only line the way yaml.v3 attaches it: a line indented no deeper than the
   * next entry is that entry's head comment; otherwise a run of comment lines ends the innermost block before it
   * (whatever its indentation), and each line indented less than the line above moves out to the enclosing block
   * it fits in. A line that would end a block enclosing the next entry is that entry's head comment instead.
   */
  private attachComments(): void {
    const first = this.lines.line(this.from);
    const last = this.lines.line(Math.max(this.from, this.to - 1));
    let e = 0;
    let runAt = -1;
    let target: Container | undefined;
    let lastCol = 0;
    for (let l = first; l <= last && l < this.lines.count; l++) {
      if (this.busy.has(l)) continue;
      const m = /^([ \t]*)#(.*)$/.exec(this.lines.lineText(l));
      if (!m) continue;
      const col = (m[1] ?? '').length;
      const comment = m[2] ?? '';
      while (e < this.order.length && (this.order[e]?.line ?? 0) <= l) e++;
      const next = this.order[e];
      const prev = e > 0 ? this.order[e - 1] : undefined;
      if (runAt !== e) {
        runAt = e;
        target = prev?.container;
      } else if (col < lastCol) {
        while (target && target.col > col) target = target.parent;
      }
      lastCol = col;
      if (next && (!prev || col <= next.col || isInside(next.container, target ?? this.root))) {
        next.head.push(comment);
      } else (target ?? this.root).foot.push(comment);
    }
  }

  private comments(lines: string[], inline = false): Comment[] {
    return this.expanding > 0 ? [] : lines.map((c) => new Comment(c, inline));
  }

  private key(node: unknown): string {
    if (isScalar(node)) {
      const v = this.scalar(node);
      if (typeof v === 'string') return v;
      throw new SopsFormatError('yaml document: only string keys are supported (found a non-string key)');
    }
    if (isAlias(node)) return this.key(node.resolve(this.doc));
    throw new SopsFormatError('yaml document: only string keys are supported (found a complex key)');
  }

  private lineComment(node: YNode | null): string | undefined {
    if (!node || this.expanding > 0) return undefined;
    if (isScalar(node) && (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED')) return undefined;
    const end = node.range?.[1];
    return end === undefined ? undefined : this.lines.trailingComment(end);
  }

  private mapItems(map: unknown, own: Container | undefined): Item[] {
    if (!isMap(map)) return [];
    const items: Item[] = [];
    for (const pair of map.items) {
      const entry = this.entries.get(pair);
      items.push(...this.comments(entry?.head ?? []).map((c) => ({ key: c, value: null })));
      const key = this.key(pair.key);
      const v = pair.value as YNode | null;
      if (v === null || isScalar(v) || isAlias(v)) {
        const lc = this.lineComment(v ?? (pair.key as YNode | null));
        if (lc !== undefined) items.push(...this.comments([lc], true).map((c) => ({ key: c, value: null })));
      } else if (!(isCollection(v) && v.flow)) {
        // `key: # comment` before a block collection is the key's line comment: a plain comment item in sops.
        const lc = this.lineComment(pair.key as YNode | null);
        if (lc !== undefined) items.push(...this.comments([lc]).map((c) => ({ key: c, value: null })));
      }
      items.push({ key, value: this.value(v) });
    }
    items.push(...this.comments(own?.foot ?? []).map((c) => ({ key: c, value: null })));
    return items;
  }

  private seqItems(seq: unknown, own: Container | undefined): Value[] {
    if (!isSeq(seq)) return [];
    const out: Value[] = [];
    for (const item of seq.items as (YNode | null)[]) {
      out.push(...this.comments(this.entries.get(item)?.head ?? []));
      if (item === null || isScalar(item) || isAlias(item)) {
        const lc = this.lineComment(item);
        if (lc !== undefined) out.push(...this.comments([lc], true));
      }
      out.push(this.value(item));
    }
    out.push(...this.comments(own?.foot ?? []));
    return out;
  }

  private scalar(node: YScalar): Value {
    const v = node.value;
    const text = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
    if (node.type !== 'PLAIN' && !node.tag) return text;
    const v2 = resolvePlain(text, node.tag ? shortTag(node.tag) : '');
    // yaml.v3 yields uint64 beyond int64, a type sops cannot encrypt or hash.
    if (typeof v2 === 'bigint' && v2 > INT64_MAX) {
      throw new SopsFormatError('yaml document: integer beyond the signed 64-bit range is not supported by sops');
    }
    return v2;
  }

  private value(node: unknown): Value {
    if (node === null || node === undefined) return null;
    if (++this.visits > MAX_NODES) throw new SopsFormatError('yaml document: too many nodes (alias expansion)');
    if (isAlias(node)) {
      this.expanding++;
      try {
        return this.value(node.resolve(this.doc));
      } finally {
        this.expanding--;
      }
    }
    if (isScalar(node)) return this.scalar(node);
    const own = this.expanding > 0 ? undefined : this.containers.get(node);
    if (isMap(node)) {
      const items = this.mapItems(node, own);
      // A flow mapping's end-of-line comment becomes one of its items in sops.
      const lc = node.flow ? this.lineComment(node) : undefined;
      if (lc !== undefined) items.push(...this.comments([lc]).map((c) => ({ key: c, value: null })));
      return new Branch(items);
    }
    if (isSeq(node)) {
      const items = this.seqItems(node, own);
      const lc = node.flow ? this.lineComment(node) : undefined;
      if (lc !== undefined) items.push(...this.comments([lc]));
      return items;
    }
    throw new SopsFormatError('yaml document: unsupported node');
  }
}

function shortTag(tag: string): string {
  return tag.startsWith('tag:yaml.org,2002:') ? '!!' + tag.slice('tag:yaml.org,2002:'.length) : tag;
}

const TYPED_TAGS = new Set(['!!bool', '!!int', '!!float', '!!timestamp', '!!null']);

/**
 * resolvePlain types a scalar as yaml.v3 decodes it into an interface (engines/goyaml): null, bool, int, float,
 * timestamp, else string. `tag` narrows it: `!!str`, `!!binary` and unknown tags keep the text, and only an
 * untagged or `!!timestamp` scalar may be a timestamp.
 */
function resolvePlain(s: string, tag: string): Value {
  if (tag !== '' && !TYPED_TAGS.has(tag)) return s;
  const r = resolveGo(s, 3, { timestamps: tag === '' || tag === '!!timestamp' });
  if (r.tag === 'timestamp') return new TimeValue(r.value as string);
  if (r.tag === 'merge') return s;
  return r.value;
}
