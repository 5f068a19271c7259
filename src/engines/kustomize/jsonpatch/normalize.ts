/**
 * After a JSON 6902 patch kustomize turns the resource back from Go's `map[string]interface{}`, so every value has
 * the type and text the JSON round trip gives it: numbers are float64 printed by go-yaml (`1e+06`, integers past
 * 2^53 rounded), booleans and nulls canonical, timestamps RFC 3339 strings. normalize applies that to the scalars
 * whose text would change and leaves every other node as it is.
 */
import { isMap, isScalar, isSeq, Scalar } from 'yaml';

import { goFormatG } from '../yaml/emit.ts';
import { scalarValue } from '../yaml/to-value.ts';
import { shallowCopy, type Owned } from './apply.ts';
import { Json6902Error } from './errors.ts';

/** canonical returns the scalar kustomize would hold for `node`, or undefined when `node` already is one. */
function canonical(node: Scalar<unknown>, source: string): Scalar<unknown> | undefined {
  let v;
  try {
    v = scalarValue(node);
  } catch (err) {
    throw new Json6902Error(`JSON 6902 patch ${source}: the patched resource cannot be converted to JSON`, {
      cause: err,
    });
  }
  const written = typeof node.value === 'string' ? node.value : undefined;
  if (typeof v === 'string') {
    // Plain text that resolves to another string (a timestamp) becomes that string.
    if (written === v || node.type !== Scalar.PLAIN) return undefined;
    const s = new Scalar(v);
    s.type = Scalar.QUOTE_DOUBLE;
    return s;
  }
  const text = v === null ? 'null' : typeof v === 'boolean' ? String(v) : goFormatG(Number(v));
  if (written === text && node.type === Scalar.PLAIN && node.tag === undefined) return undefined;
  const s = new Scalar(text);
  s.type = Scalar.PLAIN;
  return s;
}

/**
 * normalize returns `node` with the scalars whose JSON round trip changes them replaced; containers that are not
 * in `owned` are copied before they are changed, so shared input stays untouched.
 */
export function normalize(node: unknown, source: string, owned: Owned): unknown {
  if (isMap(node)) {
    let out = node;
    node.items.forEach((pair, i) => {
      const v = normalize(pair.value ?? new Scalar(null), source, owned);
      if (v === pair.value) return;
      if (!owned.has(out)) out = shallowCopy(out, owned);
      const target = out.items[i];
      if (target !== undefined) target.value = v;
    });
    return out;
  }
  if (isSeq(node)) {
    let out = node;
    node.items.forEach((item, i) => {
      const v = normalize(item ?? new Scalar(null), source, owned);
      if (v === item) return;
      if (!owned.has(out)) out = shallowCopy(out, owned);
      out.items[i] = v;
    });
    return out;
  }
  if (isScalar(node)) return canonical(node, source) ?? node;
  return node;
}
