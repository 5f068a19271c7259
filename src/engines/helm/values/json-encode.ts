import { formatFloatG, formatFloatJSON } from '../../../util/go-float.ts';
import { goJsonString } from './json.ts';
import type { Value } from './value.ts';

/** GoJsonEncodeError is a value encoding/json refuses (NaN, ±Inf). */
export class GoJsonEncodeError extends Error {}

/** compareGoStrings orders strings as Go compares them: by UTF-8 bytes, i.e. by code point. */
export function compareGoStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

/**
 * encodeGoJson is json.Marshal of chart data: maps with keys in byte order, float64 in Go's JSON number form
 * (`1e+21`, `1e-7`), int64 exact, HTML characters escaped unless `escapeHtml` is false.
 */
export function encodeGoJson(v: Value, escapeHtml = true): string {
  const parts: string[] = [];
  write(v, parts, escapeHtml);
  return parts.join('');
}

function write(v: Value, out: string[], html: boolean): void {
  if (v === null) out.push('null');
  else if (typeof v === 'boolean') out.push(v ? 'true' : 'false');
  else if (typeof v === 'string') out.push(goJsonString(v, html));
  else if (typeof v === 'bigint') out.push(v.toString());
  else if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new GoJsonEncodeError(`json: unsupported value: ${formatFloatG(v)}`);
    out.push(formatFloatJSON(v));
  } else if (Array.isArray(v)) {
    out.push('[');
    v.forEach((e, i) => {
      if (i > 0) out.push(',');
      write(e, out, html);
    });
    out.push(']');
  } else {
    out.push('{');
    const keys = [...v.keys()].sort(compareGoStrings);
    keys.forEach((k, i) => {
      if (i > 0) out.push(',');
      out.push(goJsonString(k, html), ':');
      write(v.get(k)!, out, html);
    });
    out.push('}');
  }
}
