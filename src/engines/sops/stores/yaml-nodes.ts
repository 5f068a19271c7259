// sops' YAML output: the tree becomes go-yaml v3 nodes with head, line and foot comments as sops' appendTreeBranch
// and appendSequence build them, printed by the goyaml engine's v3 preset with the encoder indent sops sets (4).
import {
  emitV3,
  formatDirect,
  needsQuotes,
  noComments,
  type YMap,
  type YNode,
  type YScalar,
  type YSeq,
} from '../../goyaml/index.ts';
import { Branch, Comment, TimeValue, type Value } from '../tree.ts';

/** emitYaml writes branches as sops' YAML store does; documents are separated by `---`. */
export function emitYaml(branches: Branch[], indent = 4): string {
  return branches.map((b) => emitV3(mapNode(b), indent)).join('---\n');
}

function scalarNode(v: Value): YScalar {
  const n = noComments();
  if (v === null || typeof v === 'boolean' || typeof v === 'bigint' || typeof v === 'number') {
    return { kind: 'scalar', text: formatDirect(v), style: 'plain', ...n };
  }
  if (v instanceof TimeValue) return { kind: 'scalar', text: v.text, style: 'plain', ...n };
  if (v instanceof Uint8Array) return { kind: 'scalar', text: Buffer.from(v).toString('utf8'), style: 'double', ...n };
  const s = typeof v === 'string' ? v : '';
  if (s.includes('\n')) return { kind: 'scalar', text: s, style: 'literal', ...n };
  // yaml.v3 resolves `<<` to its merge tag and writes the string with that tag.
  if (s === '<<') return { kind: 'scalar', text: '!!merge <<', style: 'verbatim', ...n };
  return { kind: 'scalar', text: s, style: needsQuotes(s, 3) ? 'double' : 'plain', ...n };
}

function toNode(v: Value): YNode {
  if (v instanceof Branch) return mapNode(v);
  if (Array.isArray(v)) return seqNode(v);
  return scalarNode(v);
}

function mapNode(b: Branch): YMap {
  const node: YMap = { kind: 'map', pairs: [], ...noComments() };
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

function seqNode(list: Value[]): YSeq {
  const node: YSeq = { kind: 'seq', items: [], ...noComments() };
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
