import type { Scalar as YScalar } from 'yaml';
import { isAlias, isMap, isScalar, isSeq, parseAllDocuments, type Document, type Node as YNode } from 'yaml';

import { SopsFormatError } from '../errors.ts';
import { Branch, Comment, type Item, type Value } from '../tree.ts';
import { resolvePlain } from './yaml-scalar.ts';

/**
 * loadYaml parses a (multi-document) YAML stream into branches the way sops' YAML store does: mappings keep key
 * order, aliases are expanded, `<<` is an ordinary key, plain scalars are typed like yaml.v3 types them, and
 * comments become comment items placed before the entry they precede (a value's end-of-line comment included).
 */
export function loadYaml(text: string): Branch[] {
  const docs = parseAllDocuments(text, { schema: 'failsafe', uniqueKeys: false, strict: false });
  if (!Array.isArray(docs)) return [];
  const out: Branch[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) {
      const e = doc.errors[0];
      const pos = e?.linePos?.[0];
      throw new SopsFormatError(
        `yaml document: ${e?.code ?? 'parse error'}${pos ? ` at line ${pos.line}, column ${pos.col}` : ''}`,
      );
    }
    out.push(new Loader(doc, text).document());
  }
  return out;
}

function commentLines(c: string | null | undefined, inline = false): Comment[] {
  if (!c) return [];
  return c
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => new Comment(l, inline));
}

class Loader {
  private readonly doc: Document.Parsed;
  private readonly text: string;
  private depth = 0;

  constructor(doc: Document.Parsed, text: string) {
    this.doc = doc;
    this.text = text;
  }

  document(): Branch {
    const items: Item[] = commentLines(this.doc.commentBefore).map((c) => ({ key: c, value: null }));
    const root = this.doc.contents;
    if (isMap(root)) items.push(...this.mapItems(root));
    else if (isSeq(root)) throw new SopsFormatError('yaml document: documents that are sequences are not supported');
    else if (
      isScalar(root) &&
      !(root.value === '' || root.value === null || root.value === '~' || root.value === 'null')
    ) {
      throw new SopsFormatError('yaml document: documents that are values are not supported');
    } else if (root && isScalar(root)) items.push(...commentLines(root.comment).map((c) => ({ key: c, value: null })));
    items.push(...commentLines(this.doc.comment).map((c) => ({ key: c, value: null })));
    return new Branch(items);
  }

  /** inlineSplit separates a scalar's end-of-line comment from comment lines that follow it. */
  private inlineSplit(node: YNode): { inline: Comment[]; after: Comment[] } {
    const lines = commentLines(node.comment);
    const end = node.range?.[1];
    if (lines.length === 0 || end === undefined) return { inline: [], after: lines };
    const nl = this.text.indexOf('\n', end);
    const rest = this.text.slice(end, nl < 0 ? undefined : nl);
    if (!rest.includes('#')) return { inline: [], after: lines };
    const [first, ...others] = lines;
    return { inline: first ? [new Comment(first.value, true)] : [], after: others };
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

  private mapItems(map: YNode): Item[] {
    if (!isMap(map)) return [];
    const items: Item[] = commentLines(map.commentBefore).map((c) => ({ key: c, value: null }));
    for (const pair of map.items) {
      const k = pair.key as YNode | null;
      if (k && (isScalar(k) || isMap(k) || isSeq(k)))
        items.push(...commentLines(k.commentBefore).map((c) => ({ key: c, value: null })));
      const key = this.key(k);
      const v = pair.value as YNode | null;
      if (v && isScalar(v)) {
        items.push(...commentLines(v.commentBefore).map((c) => ({ key: c, value: null })));
        const { inline, after } = this.inlineSplit(v);
        items.push(...inline.map((c) => ({ key: c, value: null })));
        items.push({ key, value: this.value(v) });
        items.push(...after.map((c) => ({ key: c, value: null })));
      } else {
        items.push({ key, value: this.value(v) });
        if (v && (isMap(v) || isSeq(v))) items.push(...commentLines(v.comment).map((c) => ({ key: c, value: null })));
      }
    }
    items.push(...commentLines(map.comment).map((c) => ({ key: c, value: null })));
    return items;
  }

  private seqItems(seq: YNode): Value[] {
    if (!isSeq(seq)) return [];
    const out: Value[] = [...commentLines(seq.commentBefore)];
    for (const item of seq.items as (YNode | null)[]) {
      if (item && (isScalar(item) || isMap(item) || isSeq(item))) {
        out.push(...commentLines(item.commentBefore));
        if (isScalar(item)) {
          const { inline, after } = this.inlineSplit(item);
          out.push(...inline, this.value(item), ...after);
          continue;
        }
      }
      out.push(this.value(item));
      if (item && (isMap(item) || isSeq(item))) out.push(...commentLines(item.comment));
    }
    out.push(...commentLines(seq.comment));
    return out;
  }

  private scalar(node: YScalar): Value {
    const v = node.value;
    const text = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
    if (node.type === 'PLAIN' || node.tag) return resolvePlain(text, node.tag ? shortTag(node.tag) : '');
    return text;
  }

  private value(node: unknown): Value {
    if (node === null || node === undefined) return null;
    if (++this.depth > 10_000) throw new SopsFormatError('yaml document: nesting or alias expansion too deep');
    try {
      if (isAlias(node)) return this.value(node.resolve(this.doc));
      if (isScalar(node)) return this.scalar(node);
      if (isMap(node)) return new Branch(this.mapItems(node));
      if (isSeq(node)) return this.seqItems(node as YNode);
      throw new SopsFormatError('yaml document: unsupported node');
    } finally {
      this.depth--;
    }
  }
}

function shortTag(tag: string): string {
  return tag.startsWith('tag:yaml.org,2002:') ? '!!' + tag.slice('tag:yaml.org,2002:'.length) : tag;
}
