/**
 * List element matching as kyaml does it (ElementSetter, ElementMatcher, FieldMatcher and friends). Their edge
 * cases decide kustomize's output for lists whose elements lack a merge key, so they are reproduced as they are,
 * not as strategic merge is specified: e.g. an element without the key is matched by an empty value, and setting
 * an element drops every null or empty-map element of the list.
 */
import { isMap, isScalar, isSeq, type YAMLSeq } from 'yaml';

import { asNode, getPair, isEmptyMap, isMissingOrNull, isNilOrEmpty, kindName, MergeError, text } from './nodes.ts';
import type { YNode } from './nodes.ts';

/** Values are the merge-key values of one element, in key order ("" for a missing key). */
export type Values = string[];

/** items returns the elements of a sequence as nodes. */
export function items(seq: YAMLSeq<unknown>): YNode[] {
  return seq.items.map((v) => asNode(v ?? null) ?? asNode(null)!);
}

/**
 * fieldMatcher is kyaml's FieldMatcher with a string value: the value of the first field `name` when it equals
 * `value` ("" matches any value); for `name` "" the scalar itself when its text equals `value`.
 */
export function fieldMatcher(n: YNode | undefined, name: string, value: string): YNode | undefined {
  if (isMissingOrNull(n) || n === undefined) return undefined;
  if (name === '') {
    if (!isScalar(n)) throw new MergeError(`wrong node kind: expected ScalarNode but got ${kindName(n)}`);
    return text(n) === value ? n : undefined;
  }
  if (!isMap(n)) throw new MergeError(`wrong node kind: expected MappingNode but got ${kindName(n)}`);
  const pair = getPair(n, name);
  if (pair === undefined) return undefined;
  const v = asNode(pair.value ?? null);
  return value === '' || text(v) === value ? v : undefined;
}

/** matchField is kyaml's MatchField: the field must exist and its text equal `value` exactly, even "". */
function matchField(n: YNode, name: string, value: string): boolean {
  const pair = getPair(n, name);
  return pair !== undefined && text(asNode(pair.value ?? null)) === value;
}

/**
 * elementSetter is kyaml's ElementSetter: every element matching all keys is replaced by `element` (or removed
 * when `element` is undefined), `element` is appended when nothing matched, and null or empty-map elements are
 * dropped on the way.
 */
export function elementSetter(seq: YAMLSeq<unknown>, element: YNode | undefined, keys: string[], values: Values): void {
  const ks = keys.length === 0 ? [''] : keys;
  const mappingSetter = ks[0] !== '' && values.length > 0 && values[0] !== '';
  const kept: unknown[] = [];
  let matched = false;
  for (const elem of items(seq)) {
    if (isEmptyMap(elem)) continue;
    if (!isMap(elem) && mappingSetter) {
      kept.push(elem);
      continue;
    }
    let found = true;
    let val: YNode | undefined;
    for (let j = 0; j < ks.length; j++) {
      // kyaml keeps the previous match for keys that have no value (fewer values than keys).
      if (j < values.length) val = fieldMatcher(elem, ks[j] ?? '', values[j] ?? '');
      if (val === undefined) {
        found = false;
        break;
      }
    }
    if (!found) {
      if (values.length > 0) kept.push(elem);
      continue;
    }
    matched = true;
    if (element !== undefined) kept.push(element);
  }
  seq.items = kept;
  if (isMissingOrNull(element)) return;
  if (!matched) seq.items.push(element);
}

/** elementList is kyaml's ElementList: the first element matching all keys (a scalar by text for key ""). */
export function elementList(seq: YNode | undefined, keys: string[], values: Values): YNode | undefined {
  if (seq === undefined || !isSeq(seq)) return undefined;
  const ks = keys.length === 0 ? [''] : keys;
  const vs = values.length === 0 ? [''] : values;
  if (ks[0] === '') return items(seq).find((e) => text(e) === vs[0]);
  if (ks.length !== vs.length) return undefined;
  return items(seq).find((e) => isMap(e) && ks.every((k, i) => matchField(e, k, vs[i] ?? '')));
}

/** elementValuesList is kyaml's ElementValuesList: each element's merge-key values ("" when missing or empty). */
export function elementValuesList(seq: YNode | undefined, keys: string[]): Values[] {
  if (seq === undefined || !isSeq(seq)) return [];
  return items(seq).map((e) =>
    keys.map((k) => {
      const pair = isMap(e) ? getPair(e, k) : undefined;
      const v = pair === undefined ? undefined : asNode(pair.value ?? null);
      return isNilOrEmpty(v) ? '' : text(v);
    }),
  );
}

/** sameValues compares two value lists element by element. */
export function sameValues(a: Values, b: Values): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * validateKeys is kyaml's validateKeys: keep the keys that have a value in some element of `valuesList` (all
 * keys when none has), with the matching values of `values`.
 */
export function validateKeys(valuesList: Values[], values: Values, keys: string[]): [string[], Values] {
  const valid = new Set<string>();
  for (const vs of valuesList) vs.forEach((v, i) => v !== '' && valid.add(keys[i] ?? ''));
  if (valid.size === 0) return [keys, values];
  return [keys.filter((k) => valid.has(k)), values.filter((v, i) => v !== '' || valid.has(keys[i] ?? ''))];
}

/**
 * mergeValues is kyaml's mergeValues for multi-key lists: two elements whose values share one and differ only
 * where one is empty (a port with and without `protocol`) become the same element.
 */
export function mergeValues(valuesList: Values[]): void {
  for (let i = 0; i < valuesList.length; i++) {
    const a = valuesList[i] ?? [];
    for (let j = 0; j < valuesList.length; j++) {
      const merged = matchValues(a, valuesList[j] ?? []);
      if (merged !== undefined) {
        valuesList[i] = merged;
        valuesList[j] = merged;
      }
    }
  }
}

function matchValues(a: Values, b: Values): Values | undefined {
  if (a.length !== b.length) return undefined;
  let common = false;
  const res: Values = [];
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? '';
    const y = b[i] ?? '';
    if (x === y) {
      common = true;
      res.push(x);
      continue;
    }
    if (x !== '' && y !== '') return undefined;
    res.push(x !== '' ? x : y);
  }
  return common ? res : undefined;
}
