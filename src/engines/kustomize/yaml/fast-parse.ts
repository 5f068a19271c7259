import type { Scalar, YAMLMap, YAMLSeq } from 'yaml';

import { newMap, newPair, newScalar, newSeq } from './fast-nodes.ts';

/**
 * A fast reader for the block-style YAML that Kubernetes manifests are written in. It builds the same `yaml`
 * package nodes the general parser builds (failsafe schema: every scalar a string with its style), several times
 * faster, because the `yaml` package's CST layer dominates large builds. Anything outside its subset (anchors,
 * aliases, tags, non-empty flow collections, folded or multi-line scalars, tabs in indentation, directives) makes
 * it give up on the whole text, and the caller falls back to the `yaml` package, which also reports errors.
 */

/** FastNode is what the fast reader yields per document (null for an empty document). */
export type FastNode = YAMLMap | YAMLSeq | Scalar | null;

class GiveUp extends Error {}
const giveUp = (): never => {
  throw new GiveUp();
};

interface Line {
  indent: number;
  /** text after the indentation, with trailing spaces kept (block scalars need them). */
  text: string;
  raw: string;
}

/** fastParseDocuments returns the documents of `text`, or undefined when the text needs the full parser. */
export function fastParseDocuments(text: string): FastNode[] | undefined {
  try {
    return parseAll(text);
  } catch (err) {
    // Nesting deep enough to exhaust the stack is the general parser's to report, with the depth limit.
    if (err instanceof GiveUp || err instanceof RangeError) return undefined;
    throw err;
  }
}

function parseAll(src: string): FastNode[] {
  if (src.charCodeAt(0) === 0xfeff) src = src.slice(1);
  if (src.includes('\r') || src.includes('\t')) giveUp();
  const raws = src.split('\n');
  if (raws[raws.length - 1] === '') raws.pop();
  const docs: FastNode[] = [];
  let cur: Line[] = [];
  let started = false;
  const flush = (): void => {
    const p = new DocParser(cur);
    docs.push(p.document());
    cur = [];
  };
  for (const raw of raws) {
    if (raw.startsWith('---') && (raw.length === 3 || raw[3] === ' ')) {
      const rest = raw.slice(3).trim();
      if (rest !== '' && !rest.startsWith('#')) giveUp();
      if (started || cur.some((l) => !isBlankOrComment(l.text))) flush();
      started = true;
      continue;
    }
    if (raw.startsWith('...') || raw.startsWith('%')) giveUp();
    let i = 0;
    while (raw.charCodeAt(i) === 0x20) i++;
    cur.push({ indent: i, text: raw.slice(i), raw });
  }
  if (cur.some((l) => !isBlankOrComment(l.text)) || !started || docs.length === 0) flush();
  return docs;
}

function isBlankOrComment(t: string): boolean {
  return t === '' || t.startsWith('#') || t.trim() === '';
}

function mkScalar(value: string, type: Scalar.Type): Scalar {
  return newScalar(value, type);
}

class DocParser {
  private i = 0;
  private readonly lines: Line[];

  constructor(lines: Line[]) {
    this.lines = lines;
  }

  document(): FastNode {
    const first = this.peek();
    if (first === undefined) return null;
    const node = this.block(first.indent, -1);
    if (this.peek() !== undefined) giveUp();
    return node;
  }

  /** peek skips blank and comment lines and returns the next significant line. */
  private peek(): Line | undefined {
    while (this.i < this.lines.length) {
      const l = this.lines[this.i] as Line;
      if (!isBlankOrComment(l.text)) return l;
      this.i++;
    }
    return undefined;
  }

  /** block parses the collection starting at the next line, whose indent must be `indent` (> parent). */
  private block(indent: number, parent: number): FastNode {
    const l = this.peek();
    if (l === undefined || l.indent <= parent) return null;
    if (l.indent !== indent) giveUp();
    if (l.text === '-' || l.text.startsWith('- ')) return this.sequence(indent);
    return this.mapping(indent);
  }

  private sequence(indent: number): YAMLSeq {
    const seq = newSeq();
    for (;;) {
      const l = this.peek();
      if (l === undefined || l.indent !== indent || !(l.text === '-' || l.text.startsWith('- '))) break;
      let off = 1;
      while (l.text.charCodeAt(off) === 0x20) off++;
      const rest = l.text.slice(off);
      if (rest === '' || rest.startsWith('#')) {
        this.i++;
        const next = this.peek();
        seq.items.push(next && next.indent > indent ? this.block(next.indent, indent) : mkScalar('', 'PLAIN'));
        continue;
      }
      if (rest === '-' || rest.startsWith('- ')) giveUp();
      if (keyEnd(rest) >= 0) {
        // `- key: value` opens a mapping whose keys sit at the column of `key`.
        this.lines[this.i] = { indent: indent + off, text: rest, raw: l.raw };
        seq.items.push(this.mapping(indent + off));
        continue;
      }
      this.i++;
      seq.items.push(this.inlineValue(rest, indent));
    }
    return seq;
  }

  private mapping(indent: number): YAMLMap {
    const map = newMap();
    for (;;) {
      const l = this.peek();
      if (l === undefined || l.indent !== indent) break;
      if (l.text === '-' || l.text.startsWith('- ')) break;
      const t = l.text;
      let key: Scalar;
      let after: number;
      if (t[0] === '"' || t[0] === "'") {
        const q = quoted(t, 0);
        key = q.node;
        if (t[q.end] !== ':') giveUp();
        after = q.end + 1;
        if (after < t.length && t[after] !== ' ') giveUp();
      } else {
        const k = keyEnd(t);
        if (k <= 0) giveUp();
        const name = t.slice(0, k).trimEnd();
        if (!plainOk(name) || name.includes(' #')) giveUp();
        key = mkScalar(name, 'PLAIN');
        after = k + 1;
      }
      const rest = t.slice(after).trimStart();
      this.i++;
      let value: unknown;
      if (rest === '' || rest.startsWith('#')) {
        const next = this.peek();
        if (next && next.indent > indent) value = this.block(next.indent, indent);
        else if (next && next.indent === indent && (next.text === '-' || next.text.startsWith('- ')))
          value = this.sequence(indent);
        else value = mkScalar('', 'PLAIN');
      } else {
        value = this.inlineValue(rest, indent);
      }
      map.items.push(newPair(key, value));
    }
    return map;
  }

  /** inlineValue parses the value text that follows `key:` or `- ` on the same line. */
  private inlineValue(rest: string, parentIndent: number): Scalar | YAMLMap | YAMLSeq {
    const c = rest[0];
    if (c === '|') return this.literal(rest, parentIndent);
    if (c === '"' || c === "'") {
      const q = quoted(rest, 0);
      const tail = rest.slice(q.end).trim();
      if (tail !== '' && !tail.startsWith('#')) giveUp();
      this.noContinuation(parentIndent);
      return q.node;
    }
    if (c === '{' || c === '[') {
      const v = stripComment(rest);
      if (v === '{}') return newMap();
      if (v === '[]') return newSeq();
      return giveUp();
    }
    const v = stripComment(rest);
    if (!plainOk(v) || v.includes(': ') || v.endsWith(':')) giveUp();
    this.noContinuation(parentIndent);
    return mkScalar(v, 'PLAIN');
  }

  /** noContinuation gives up when the next line would continue a multi-line scalar. */
  private noContinuation(parentIndent: number): void {
    // A deeper line after a complete value is either a continuation or an error: leave both to the full parser.
    const next = this.peek();
    if (next && next.indent > parentIndent) giveUp();
  }

  /** literal reads a `|` block scalar. */
  private literal(header: string, parentIndent: number): Scalar {
    const m = /^\|([+-]?)([1-9]?)([+-]?)\s*(#.*)?$/.exec(header);
    if (!m) return giveUp();
    const chomp = m[1] || m[3] || '';
    const explicit = m[2] ? parentIndent + Number(m[2]) : -1;
    // Collect raw lines: blank lines and lines indented deeper than the parent.
    const body: string[] = [];
    let contentIndent = explicit;
    while (this.i < this.lines.length) {
      const l = this.lines[this.i] as Line;
      const blank = l.text.trim() === '';
      if (!blank && l.indent <= parentIndent) break;
      if (!blank && contentIndent < 0) contentIndent = l.indent;
      if (!blank && l.indent < contentIndent) giveUp();
      body.push(l.raw);
      this.i++;
    }
    if (contentIndent < 0) {
      // Only blank lines: the value is empty (keep chomping would keep the breaks; leave that to the full parser).
      if (body.some((r) => r.length > 0) || (chomp === '+' && body.length)) giveUp();
      return mkScalar('', 'BLOCK_LITERAL');
    }
    // Trailing blank lines belong to chomping; leading blank lines must not be deeper than the content.
    let end = body.length;
    while (end > 0 && (body[end - 1] as string).trim() === '') end--;
    const parts: string[] = [];
    for (let j = 0; j < end; j++) {
      const r = body[j] as string;
      if (r.trim() === '') {
        if (r.length > contentIndent) parts.push(r.slice(contentIndent));
        else parts.push('');
      } else parts.push(r.slice(contentIndent));
    }
    let value = parts.join('\n');
    if (chomp === '-') return mkScalar(value, 'BLOCK_LITERAL');
    if (chomp === '+') {
      const trailing = body.slice(end);
      if (trailing.some((r) => r.length > contentIndent)) giveUp();
      value += '\n' + '\n'.repeat(trailing.length);
      return mkScalar(value, 'BLOCK_LITERAL');
    }
    return mkScalar(value + '\n', 'BLOCK_LITERAL');
  }
}

/** keyEnd finds the `:` that ends a plain mapping key on this line (followed by space or end), or -1. */
function keyEnd(t: string): number {
  if (t[0] === '"' || t[0] === "'") {
    try {
      const q = quoted(t, 0);
      return t[q.end] === ':' && (q.end + 1 === t.length || t[q.end + 1] === ' ') ? q.end : -1;
    } catch {
      return -1;
    }
  }
  for (let j = t.indexOf(':'); j >= 0; j = t.indexOf(':', j + 1)) {
    if (j + 1 === t.length || t[j + 1] === ' ') {
      const before = t.slice(0, j);
      if (before.includes(' #') || before.startsWith('#')) return -1;
      return j;
    }
  }
  return -1;
}

/** stripComment removes a trailing ` #comment` and trailing spaces from a plain value. */
function stripComment(v: string): string {
  const h = v.indexOf(' #');
  return (h >= 0 ? v.slice(0, h) : v).trimEnd();
}

const INDICATOR_START = new Set(['[', ']', '{', '}', '&', '*', '!', '|', '>', "'", '"', '%', '@', '`', '#', ',']);

/** plainOk is true for text that is a plain scalar on its own (no indicators that change its meaning). */
function plainOk(v: string): boolean {
  if (v === '') return false;
  const c = v[0] as string;
  if (INDICATOR_START.has(c)) return false;
  if ((c === '-' || c === '?' || c === ':') && (v.length === 1 || v[1] === ' ')) return false;
  if (v.startsWith('---') || v.startsWith('...')) return false;
  if (v.includes(' #')) return false;
  for (let j = 0; j < v.length; j++) {
    const ch = v.charCodeAt(j);
    if (ch < 0x20 || ch === 0x7f) return false;
  }
  return true;
}

const ESC: Record<string, string> = {
  '0': '\0', a: '\x07', b: '\b', t: '\t', n: '\n', v: '\v', f: '\f', r: '\r', e: '\x1b', ' ': ' ', '"': '"',
  '/': '/', '\\': '\\', N: '\x85', _: '\xa0', L: '\u2028', P: '\u2029',
}; // prettier-ignore

/** quoted reads a single-line quoted scalar starting at `start`; multi-line ones are left to the full parser. */
function quoted(t: string, start: number): { node: Scalar; end: number } {
  const q = t[start];
  let out = '';
  let j = start + 1;
  if (q === "'") {
    for (;;) {
      const k = t.indexOf("'", j);
      if (k < 0) return giveUp();
      out += t.slice(j, k);
      if (t[k + 1] === "'") {
        out += "'";
        j = k + 2;
        continue;
      }
      return { node: mkScalar(out, 'QUOTE_SINGLE'), end: k + 1 };
    }
  }
  while (j < t.length) {
    const ch = t[j] as string;
    if (ch === '"') return { node: mkScalar(out, 'QUOTE_DOUBLE'), end: j + 1 };
    if (ch === '\\') {
      const e = t[j + 1];
      if (e === undefined) return giveUp();
      const simple = ESC[e];
      if (simple !== undefined) {
        out += simple;
        j += 2;
        continue;
      }
      const len = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
      if (len === 0) return giveUp();
      const hex = t.slice(j + 2, j + 2 + len);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) return giveUp();
      out += String.fromCodePoint(parseInt(hex, 16));
      j += 2 + len;
      continue;
    }
    out += ch;
    j++;
  }
  return giveUp();
}
