import { isAlias, isMap, isPair, isScalar, isSeq, type Node, type Pair, type YAMLMap } from 'yaml';

import { newMap, newPair, newScalar, newSeq } from './fast-nodes.ts';

import type { Problems } from '../errors.ts';

/**
 * YAML_LIMITS bound what one YAML file may cost, whoever wrote it: the repository is not trusted to be kind.
 * go-yaml v3 (what kustomize reads with) stops at a nesting depth of 10,000 and at "excessive aliasing" past
 * 400,000 decoded nodes; we stop much earlier on depth because the parser and every stage of a build walk the tree recursively, and
 * count alias expansion exactly instead of go-yaml's ratio. No manifest comes near any of these.
 */
export const YAML_LIMITS = {
  /** maxBytes caps one YAML file. */
  maxBytes: 64 << 20,
  /** maxDocuments caps the documents of one file. */
  maxDocuments: 100_000,
  /**
   * maxDepth caps the nesting of mappings and sequences. The `yaml` package itself runs out of stack somewhere
   * past 800 levels (depending on the shape and the caller's stack); that is reported as this limit too.
   */
  maxDepth: 512,
  /** maxAliasNodes caps the nodes that alias expansion may add to one file ("billion laughs"). */
  maxAliasNodes: 400_000,
} as const;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * decodeYaml turns a file's bytes into text the way go-yaml's reader does: UTF-16 with a byte order mark is
 * decoded, anything else must be valid UTF-8. A file it refuses is reported (with the offending byte's position)
 * and read as empty, so the build fails with every problem it finds.
 */
export function decodeYaml(bytes: Uint8Array, file: string, problems: Problems): string {
  if (bytes.length > YAML_LIMITS.maxBytes) {
    problems.add(file, `invalid YAML: the file is ${bytes.length} bytes, over the limit of ${YAML_LIMITS.maxBytes}`);
    return '';
  }
  const utf16 = bytes[0] === 0xff && bytes[1] === 0xfe ? 'utf-16le' : bytes[0] === 0xfe && bytes[1] === 0xff;
  if (utf16 !== false) {
    try {
      return new TextDecoder(utf16 === true ? 'utf-16be' : utf16, { fatal: true }).decode(bytes);
    } catch {
      problems.add(file, 'invalid YAML: incomplete or invalid UTF-16 after a UTF-16 byte order mark');
      return '';
    }
  }
  try {
    return utf8.decode(bytes);
  } catch {
    const at = invalidUtf8Offset(bytes);
    const before = utf8.decode(bytes.subarray(0, at));
    const line = before.split('\n').length;
    const col = before.length - before.lastIndexOf('\n');
    problems.add(
      file,
      `invalid YAML: invalid UTF-8 (byte 0x${(bytes[at] ?? 0).toString(16)} at offset ${at})`,
      line,
      col,
    );
    return '';
  }
}

// The first offset at which bytes stop being well-formed UTF-8 (overlongs, surrogates and > U+10FFFF included).
function invalidUtf8Offset(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i] as number;
    const n = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (n < 0) return i;
    if (n > 0) {
      try {
        utf8.decode(b.subarray(i, i + n + 1));
      } catch {
        return i;
      }
    }
    i += n + 1;
  }
  return b.length;
}

// YAML's printable set (go-yaml's reader refuses the rest): tab, LF, CR, 0x20–0x7E, NEL, 0xA0–0xD7FF,
// 0xE000–0xFFFD and the astral planes; a lone surrogate is not a character either.
const NOT_PRINTABLE =
  // eslint-disable-next-line no-control-regex -- the point is to find control characters
  /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/u;

/** checkText reports the first character YAML does not allow (NUL and other controls); false when it found one. */
export function checkText(text: string, file: string, problems: Problems): boolean {
  const m = NOT_PRINTABLE.exec(text);
  if (m === null) return true;
  const before = text.slice(0, m.index);
  const line = before.split('\n').length;
  const code = (m[0].codePointAt(0) ?? 0).toString(16).padStart(4, '0');
  problems.add(
    file,
    `invalid YAML: control characters are not allowed (U+${code.toUpperCase()})`,
    line,
    m.index - before.lastIndexOf('\n'),
  );
  return false;
}

/**
 * checkDocumentCount refuses a text with more document markers (`---` opening a line) than
 * YAML_LIMITS.maxDocuments, before any parser spends time on it; false when it refused.
 */
export function checkDocumentCount(text: string, file: string, problems: Problems): boolean {
  let count = text.startsWith('---') ? 1 : 0;
  for (let i = text.indexOf('\n---'); i >= 0; i = text.indexOf('\n---', i + 4)) {
    if (++count > YAML_LIMITS.maxDocuments) {
      problems.add(file, `invalid YAML: more than ${YAML_LIMITS.maxDocuments} documents in one file`);
      return false;
    }
  }
  return true;
}

/** isStackOverflow tells a parser error that is really the nesting depth (the `yaml` package's message). */
export function isStackOverflow(message: string): boolean {
  return message.startsWith('Maximum call stack size exceeded');
}

/** Position turns a source offset into a line and column, when the nodes carry ranges. */
export type Position = (offset: number) => { line: number; col: number };

/**
 * checkTree walks one document: it refuses nesting deeper than YAML_LIMITS.maxDepth and duplicate mapping keys
 * (go-yaml's `mapping key "k" already defined at line N`, which kustomize and Flux fail on: the last value winning
 * would apply something other than what a reviewer reads), and expands aliases in place, once each, within the
 * alias budget shared by the file's documents; `<<` merge keys are applied as go-yaml applies them. Returns the (possibly replaced) root, or undefined after reporting.
 */
export function checkTree(
  root: unknown,
  file: string,
  problems: Problems,
  budget: { aliasNodes: number },
  position?: Position,
  allowDuplicateKeys = false,
): unknown {
  const anchors = new Map<string, { node: Node; size: number; open: boolean }>();
  let failed = false;
  const fail = (message: string, node?: unknown): undefined => {
    failed = true;
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    const pos = range && position ? position(range[0]) : undefined;
    problems.add(file, `invalid YAML: ${message}`, pos?.line, pos?.col);
    return undefined;
  };
  // Returns the node to keep in place of `node` and the node count of its (expanded) subtree.
  const walk = (node: unknown, depth: number): [unknown, number] => {
    if (failed) return [node, 0];
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (target === undefined) return [fail(`unknown anchor '${node.source}' referenced`, node), 0];
      if (target.open) return [fail(`anchor '${node.source}' value contains itself`, node), 0];
      budget.aliasNodes -= target.size;
      if (budget.aliasNodes < 0) {
        return [fail(`document contains excessive aliasing (over ${YAML_LIMITS.maxAliasNodes} nodes)`, node), 0];
      }
      return [copyNode(target.node), target.size];
    }
    const anchor = (node as { anchor?: string } | null)?.anchor;
    const entry = anchor ? { node: node as Node, size: 0, open: true } : undefined;
    if (anchor && entry) anchors.set(anchor, entry);
    let size = 1;
    if (isMap(node) || isSeq(node)) {
      if (depth >= YAML_LIMITS.maxDepth) return [fail(`exceeded max depth of ${YAML_LIMITS.maxDepth}`, node), 0];
      const seen = isMap(node) && !allowDuplicateKeys ? new Map<string, unknown>() : undefined;
      for (let i = 0; i < node.items.length && !failed; i++) {
        const item = node.items[i];
        if (isPair(item)) {
          const [key, keySize] = walk(item.key, depth + 1);
          const [value, valueSize] = walk(item.value, depth + 1);
          item.key = key;
          item.value = value;
          size += keySize + valueSize;
          if (seen && isScalar(key) && key.value !== '<<') {
            const text = String(key.value);
            const first = seen.get(text);
            if (first !== undefined) {
              const firstRange = (first as { range?: [number, number, number] }).range;
              const at = firstRange && position ? ` at line ${position(firstRange[0]).line}` : '';
              fail(`mapping key ${JSON.stringify(text)} already defined${at}`, key);
            } else seen.set(text, key);
          }
        } else {
          const [value, valueSize] = walk(item, depth + 1);
          (node.items as unknown[])[i] = value;
          size += valueSize;
        }
      }
    }
    if (isMap(node) && !failed && node.items.some(isMergeKey)) size += mergeKeys(node);
    if (entry) {
      entry.size = size;
      entry.open = false;
    }
    return [node, size];
  };
  const [out] = walk(root, 0);
  return failed ? undefined : out;
}

function isMergeKey(item: unknown): boolean {
  return isPair(item) && isScalar(item.key) && item.key.value === '<<' && item.key.type === 'PLAIN';
}

/**
 * mergeKeys applies YAML merge keys (`<<: *base` or `<<: [*a, *b]`): the merged mappings' entries are added where
 * the mapping has no key of its own, earlier sources first, and the `<<` entries removed. Returns the nodes added.
 */
function mergeKeys(map: YAMLMap): number {
  const own = map.items.filter((p) => !isMergeKey(p));
  const keys = new Set(own.map((p) => (isScalar(p.key) ? String(p.key.value) : p.key)));
  const added: Pair[] = [];
  for (const merge of map.items.filter(isMergeKey)) {
    const sources = isSeq(merge.value) ? merge.value.items : [merge.value];
    for (const source of sources) {
      if (!isMap(source)) continue;
      for (const pair of source.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : pair.key;
        if (keys.has(key)) continue;
        keys.add(key);
        added.push(newPair(copyNode(pair.key), copyNode(pair.value)));
      }
    }
  }
  map.items = [...own, ...added];
  return added.length;
}

/**
 * copyNode deep-copies an (already expanded) subtree for an alias: value, style, tag and position, without the
 * anchor or comments. The `yaml` package's own clone copies property descriptors and is ten times slower.
 */
function copyNode(node: unknown): unknown {
  const keep = (from: Node, to: Node): void => {
    if (from.tag !== undefined) to.tag = from.tag;
    if (from.range) to.range = from.range;
  };
  if (isScalar(node)) {
    const s = newScalar(node.value, node.type);
    keep(node, s);
    return s;
  }
  if (isMap(node)) {
    const m = newMap();
    keep(node, m);
    if (node.flow === true) m.flow = true;
    m.items = node.items.map((p) => newPair(copyNode(p.key), copyNode(p.value)));
    return m;
  }
  if (isSeq(node)) {
    const q = newSeq();
    keep(node, q);
    if (node.flow === true) q.flow = true;
    q.items = node.items.map(copyNode);
    return q;
  }
  return node;
}
