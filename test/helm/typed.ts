import { goJsonString } from '../../src/engines/helm/values/json.ts';
import type { Value } from '../../src/engines/helm/values/value.ts';
import { formatFloatG } from '../../src/util/go-float.ts';

/**
 * typed renders a Value the way helmref's Go side renders a Go value: dynamic types visible (`f(1)` for a float64,
 * `i64(1)` for an int64, `s"x"` for a string), map keys sorted, so a differential test compares types too.
 */
export function typed(v: Value): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return 's' + goJsonString(v);
  if (typeof v === 'number') return `f(${formatFloatG(v)})`;
  if (typeof v === 'bigint') return `i64(${v})`;
  if (Array.isArray(v)) return `[${v.map(typed).join(',')}]`;
  const keys = [...v.keys()].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return `{${keys.map((k) => `${goJsonString(k)}:${typed(v.get(k)!)}`).join(',')}}`;
}
