import { createHash } from 'node:crypto';

import { isMap } from 'yaml';

import { field } from '../nodes.ts';
import type { Resource } from '../resource.ts';
import type { Value } from '../yaml/emit.ts';
import { toValue } from '../yaml/to-value.ts';

/** goJson renders a Value as Go's encoding/json does: sorted keys, HTML-safe escapes. */
export function goJson(v: Value): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return goJsonString(v);
  if (typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return `[${v.map(goJson).join(',')}]`;
  const keys = [...v.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${keys.map((k) => `${goJsonString(k)}:${goJson(v.get(k) ?? null)}`).join(',')}}`;
}

/** goJsonString quotes a string with Go's escaping rules (including \u003c for `<`, `>` and `&`). */
export function goJsonString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c < 0x20 || ch === '<' || ch === '>' || ch === '&' || c === 0x2028 || c === 0x2029)
      out += '\\u' + c.toString(16).padStart(4, '0');
    else out += ch;
  }
  return out + '"';
}

function part(r: Resource, key: string): Value {
  const n = field(r.node, key);
  if (n === undefined) return '';
  return isMap(n) ? toValue(n, r.doc) : toValue(n, r.doc);
}

/**
 * contentHash is kustomize's name-suffix hash of a ConfigMap or Secret: sha256 over a JSON of its data (the name
 * lookup in kustomize's hasher never matches, so the name always enters as ""), first ten hex digits with
 * 0,1,3,a,e replaced so the result has no vowels or confusable digits.
 */
export function contentHash(r: Resource): string {
  const m = new Map<string, Value>([
    ['kind', r.kind],
    ['name', ''],
    ['data', part(r, 'data')],
  ]);
  if (r.kind === 'Secret') {
    m.set('type', part(r, 'type'));
    const sd = part(r, 'stringData');
    if (sd instanceof Map) m.set('stringData', sd);
  } else {
    const bd = part(r, 'binaryData');
    if (bd instanceof Map) m.set('binaryData', bd);
  }
  const hex = createHash('sha256').update(goJson(m)).digest('hex');
  return hex.slice(0, 10).replace(/[013ae]/g, (c) => ({ '0': 'g', '1': 'h', '3': 'k', a: 'm', e: 't' })[c] ?? c);
}
