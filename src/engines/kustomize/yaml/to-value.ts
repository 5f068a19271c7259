import { type Document, isAlias, isMap, isPair, isScalar, isSeq, type Node } from 'yaml';

import { plainString } from '../nodes.ts';
import type { Value } from './emit.ts';
import { resolvePlain, type Typed } from './resolve.ts';

/** scalarValue types one scalar node the way kustomize's go-yaml v3 decode does. */
export function scalarValue(node: Node, stringOnly = false): Typed {
  if (!isScalar(node)) return null;
  const v = node.value;
  if (typeof v === 'string') {
    if (stringOnly) return v;
    if (node.type === 'PLAIN' && node.tag === undefined) {
      return resolvePlain(v);
    }
    return v;
  }
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v) : v;
  if (typeof v === 'boolean' || typeof v === 'bigint' || v === null) return v;
  if (v === undefined) return null;
  return JSON.stringify(v);
}

/** scalarText is a scalar's text as written (for string-only fields such as annotation values). */
export function scalarText(node: unknown): string | undefined {
  if (!isScalar(node)) return undefined;
  const v = node.value;
  if (v === null || v === undefined) return '';
  return plainString(v);
}

/**
 * toValue converts a YAML node into the Value kustomize would print. `path` tracks the position so that
 * `metadata.annotations` values, which kustomize always treats as strings, keep their source text.
 */
export function toValue(node: unknown, doc?: Document, path = ''): Value {
  if (isAlias(node)) return toValue(node.resolve(doc as Document), doc, path);
  if (isMap(node)) {
    const m = new Map<string, Value>();
    const annotations = path === '/metadata/annotations';
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const key = scalarText(pair.key) ?? '';
      const val = pair.value;
      if (annotations && isScalar(val)) m.set(key, scalarText(val) ?? '');
      else m.set(key, toValue(val, doc, path.length < 40 ? `${path}/${key}` : path));
    }
    return m;
  }
  if (isSeq(node)) return node.items.map((it) => toValue(it, doc, '-'));
  if (isScalar(node)) return scalarValue(node);
  return null;
}
