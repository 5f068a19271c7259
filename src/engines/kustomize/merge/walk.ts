/**
 * The merge walker: kyaml's `walk.Walker` with the `merge2.Merger` visitor, as kustomize's patchstrategicmerge
 * filter runs it (patch list items go first). It mutates `dest` and may splice `origin` nodes into it; callers
 * pass copies (see {@link strategicMergePatch}).
 */
import { isMap, isScalar, isSeq, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';

import { takeDirective } from './directive.ts';
import {
  elementList,
  elementSetter,
  elementValuesList,
  items,
  mergeValues,
  sameValues,
  validateKeys,
  type Values,
} from './elements.ts';
import {
  asNode,
  getField,
  keyText,
  isEmptyMap,
  isMissingOrNull,
  isTaggedNull,
  kindName,
  MergeError,
  nodeKind,
  setField,
  stringScalar,
  text,
  type YNode,
} from './nodes.ts';
import { isAssociative, mergeKeys, type MergeSchema, type SchemaNode } from './schema.ts';

/** walk merges `origin` (the patch) into `dest` at one position; undefined means "remove this field". */
export function walk(
  ctx: MergeSchema,
  dest: YNode | undefined,
  origin: YNode | undefined,
  schema: SchemaNode | undefined,
  path: readonly string[],
): YNode | undefined {
  const s = schema ?? schemaFromMeta(ctx, dest, origin);
  const kind = nodeKind(dest, origin);
  if (kind === 0) return walkMap(ctx, dest, origin, s, path);
  for (const n of [dest, origin]) {
    if (n === undefined || isMissingOrNull(n)) continue;
    const ok = kind === 'map' ? isMap(n) : kind === 'seq' ? isSeq(n) : isScalar(n);
    if (!ok) {
      const expected = kind === 'map' ? 'MappingNode' : kind === 'seq' ? 'SequenceNode' : 'ScalarNode';
      const where = path.length === 0 ? 'the resource' : path.join('.');
      throw new MergeError(
        `strategic merge patch at ${where}: wrong node kind: expected ${expected} but got ${kindName(n)}`,
      );
    }
  }
  if (kind === 'map') return walkMap(ctx, dest, origin, s, path);
  if (kind === 'scalar') return origin ?? dest;
  if (isAssociative(s) && s !== undefined) return walkAssociative(ctx, dest, origin, s, path);
  // A list without a merge strategy is replaced wholesale by the patch's list.
  return origin ?? dest;
}

/** schemaFromMeta is kyaml's fallback when no schema is known: a node that names its apiVersion and kind. */
function schemaFromMeta(ctx: MergeSchema, ...sources: (YNode | undefined)[]): SchemaNode | undefined {
  for (const n of sources) {
    if (isMissingOrNull(n) || n === undefined || !isMap(n)) continue;
    const apiVersion = text(getField(n, 'apiVersion'));
    const kind = text(getField(n, 'kind'));
    if (apiVersion === '' || kind === '') continue;
    const s = ctx.forType(apiVersion, kind);
    if (s !== undefined) return s;
  }
  return undefined;
}

function visitMap(dest: YNode | undefined, origin: YNode | undefined, path: readonly string[]): YNode | undefined {
  if (isMissingOrNull(dest)) {
    let directive;
    try {
      directive = takeDirective(origin, path);
    } catch {
      // kyaml ignores the directive's error when there is nothing to merge into.
      directive = 'merge';
    }
    if (directive === 'delete') return undefined;
    // An explicit null the patch does not mention survives, as the string it was written as.
    if (origin === undefined && dest !== undefined && text(dest).length > 0) return stringScalar(text(dest));
    return origin;
  }
  if (isTaggedNull(origin)) return undefined;
  const directive = takeDirective(origin, path);
  if (directive === 'delete') return undefined;
  if (directive === 'replace') return origin;
  return dest;
}

function walkMap(
  ctx: MergeSchema,
  dest0: YNode | undefined,
  origin: YNode | undefined,
  schema: SchemaNode | undefined,
  path: readonly string[],
): YNode | undefined {
  const dest = visitMap(dest0, origin, path);
  if (dest === undefined) return undefined;
  if (!isMap(dest)) return dest;
  // Each map's fields are indexed once (first occurrence, as go-yaml looks them up), not scanned per field.
  const destFields = firstPairs(dest);
  const originFields = firstPairs(origin);
  // Fields are visited in sorted order, so new fields are appended sorted.
  const names = [...new Set([...destFields.keys(), ...originFields.keys()])].sort();
  for (const name of names) {
    const child = schema === undefined ? undefined : ctx.field(schema, name);
    const dp = destFields.get(name);
    const op = originFields.get(name);
    const val = walk(ctx, dp && asNode(dp.value ?? null), op && asNode(op.value ?? null), child, [...path, name]);
    if (val === undefined || isTaggedNull(val)) {
      if (dp !== undefined) dest.items.splice(dest.items.indexOf(dp), 1);
    } else if (dp !== undefined) {
      dp.value = val;
    } else {
      dest.items.push(new Pair(new Scalar(name), val));
    }
  }
  return dest;
}

function visitAssociativeList(
  dest: YNode | undefined,
  origin: YNode | undefined,
  path: readonly string[],
): YNode | undefined {
  if (isMissingOrNull(dest)) return origin;
  if (isTaggedNull(origin)) return undefined;
  const directive = takeDirective(origin, path);
  if (directive === 'delete') return undefined;
  if (directive === 'replace') return origin;
  return dest;
}

function walkAssociative(
  ctx: MergeSchema,
  dest0: YNode | undefined,
  origin: YNode | undefined,
  schema: SchemaNode,
  path: readonly string[],
): YNode | undefined {
  const dest = visitAssociativeList(dest0, origin, path);
  if (dest === undefined || !isSeq(dest)) return dest;
  const keys = mergeKeys(schema);
  // Patch elements come first, then the target's (kustomize merges with "prepend").
  const sources = [origin, dest];
  const values: Values[] = [];
  for (const src of sources) {
    for (const v of elementValuesList(src, keys)) {
      if (v.length === 0 || values.some((seen) => sameValues(seen, v))) continue;
      values.push(v);
    }
  }
  if (values.length !== 0 || keys.length > 0) return setElements(ctx, dest, origin, values, keys, schema, path);
  // A list of primitives (finalizers): merge by value.
  const primitives: Values[] = [];
  const seen = new Set<string>();
  for (const src of sources) {
    if (src === undefined || !isSeq(src)) continue;
    for (const item of items(src)) {
      const t = text(item);
      if (seen.has(t)) continue;
      seen.add(t);
      primitives.push([t]);
    }
  }
  return setElements(ctx, dest, origin, primitives, [''], schema, path);
}

function setElements(
  ctx: MergeSchema,
  dest: YAMLSeq<unknown>,
  origin: YNode | undefined,
  valuesList: Values[],
  keys: string[],
  schema: SchemaNode,
  path: readonly string[],
): YNode | undefined {
  const added = new YAMLSeq();
  const elemSchema = ctx.elements(schema);
  if (keys.length > 1) mergeValues(valuesList);
  let validKeys: string[] = [];
  let validValues: Values = [];
  for (const values of valuesList) {
    if (values.length === 0) continue;
    [validKeys, validValues] = validateKeys(valuesList, values, keys);
    const [ks, vs] = validateKeys([validValues], validValues, validKeys);
    const val = walk(ctx, elementList(dest, ks, vs), elementList(origin, ks, vs), elemSchema, [...path, '[]']);
    if (isMissingOrNull(val) || isEmptyMap(val)) {
      elementSetter(dest, undefined, validKeys, validValues);
      continue;
    }
    validKeys.forEach((key, i) => {
      const v = validValues[i] ?? '';
      if (isMap(val) && getField(val, key) === undefined && v !== '') setField(val, key, stringScalar(v));
    });
    elementSetter(added, val, validKeys, validValues);
  }
  // The target's elements are merged in after the patch's, matched on the keys of the last element visited.
  if (valuesList.length > 0) appendList(added, dest, validKeys);
  return valuesList.length > 0 ? added : dest;
}

/** appendList is kyaml's appendListNode: add `src`'s elements to `dst`, replacing those that match. */
function appendList(dst: YAMLSeq<unknown>, src: YAMLSeq<unknown>, keys: string[]): void {
  for (const elem of items(src)) {
    if (keys[0] === '' || keys.length === 0) {
      elementSetter(dst, elem, [''], [text(elem)]);
      continue;
    }
    const v: Values = [];
    for (const key of keys) {
      if (isMissingOrNull(elem)) {
        dst.items.push(elem);
        continue;
      }
      if (!isMap(elem)) throw new MergeError(`wrong node kind: expected MappingNode but got ${kindName(elem)}`);
      const value = getField(elem, key);
      if (value === undefined) {
        dst.items.push(elem);
        continue;
      }
      v.push(text(value));
    }
    if (keys.length > 1) elementSetter(dst, undefined, keys, v);
    elementSetter(dst, elem, keys, v);
  }
}

/** firstPairs indexes a map's fields by name, keeping the first of duplicate keys. */
function firstPairs(n: YNode | undefined): Map<string, Pair<unknown, unknown>> {
  const index = new Map<string, Pair<unknown, unknown>>();
  if (n === undefined || !isMap(n)) return index;
  for (const pair of n.items) {
    const name = keyText(pair.key);
    if (!index.has(name)) index.set(name, pair);
  }
  return index;
}

/** newMap is exported for callers that need an empty target to merge into. */
export function newMap(): YAMLMap<unknown, unknown> {
  return new YAMLMap();
}
