import { FluxtsError } from '../../../util/errors.ts';
import type { MergeTable, SchemaNode, SchemaRef } from './schema.ts';

/** OpenApiCompileError says why an OpenAPI document could not be turned into a merge table. */
export class OpenApiCompileError extends FluxtsError {}

type Json = Record<string, unknown>;

const STRATEGY = 'x-kubernetes-patch-strategy';
const MERGE_KEY = 'x-kubernetes-patch-merge-key';
const LIST_MAP_KEYS = 'x-kubernetes-list-map-keys';
const GVK = 'x-kubernetes-group-version-kind';
const REF_PREFIX = '#/definitions/';

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** CompileOptions select what goes into a table. */
export interface CompileOptions {
  /** include keeps a definition by name; e.g. only built-in types (`io.k8s.…`), leaving out a cluster's CRDs. */
  include?: (definition: string) => boolean;
  /**
   * known names types defined outside the document (another table's) that references may point to: a custom
   * schema compiled on top of the built-in one refers to built-in types it does not define.
   */
  known?: ReadonlySet<string>;
}

/**
 * compileOpenApi turns an OpenAPI v2 (swagger) document, as `GET /openapi/v2` returns it, into a
 * {@link MergeTable}. It reads the schema the way kyaml does: a `$ref` replaces the schema it sits in (sibling
 * extensions are dropped), merge keys come from `x-kubernetes-list-map-keys` when present, else from
 * `x-kubernetes-patch-merge-key`, and only arrays have element schemas.
 *
 * @example
 * const table = compileOpenApi(JSON.parse(text), 'kube-apiserver v1.37.2 /openapi/v2');
 */
export function compileOpenApi(doc: unknown, source: string, options: CompileOptions = {}): MergeTable {
  if (!isObject(doc) || !isObject(doc['definitions'])) {
    throw new OpenApiCompileError(`OpenAPI document ${source} has no "definitions": expected an OpenAPI v2 document`);
  }
  const defs = doc['definitions'];
  const names = Object.keys(defs)
    .filter((n) => options.include?.(n) ?? true)
    .sort();
  // A named type is kept when a patch strategy is reachable from it; find the set by fixpoint since types recurse.
  const known = options.known ?? new Set<string>();
  let kept = new Set<string>(known);
  for (;;) {
    const next = new Set([...known, ...names.filter((n) => compileSchema(defs[n], kept) !== undefined)]);
    if (next.size === kept.size) break;
    kept = next;
  }
  const types: Record<string, SchemaNode> = {};
  for (const name of names) {
    const node = kept.has(name) ? compileSchema(defs[name], kept) : undefined;
    if (node !== undefined && typeof node !== 'string') types[name] = node;
  }
  const kinds: Record<string, string> = {};
  for (const name of names) {
    const def = defs[name];
    const gvks = isObject(def) ? def[GVK] : undefined;
    if (!Array.isArray(gvks)) continue;
    for (const gvk of gvks as unknown[]) {
      if (!isObject(gvk) || typeof gvk['kind'] !== 'string' || typeof gvk['version'] !== 'string') continue;
      const group = typeof gvk['group'] === 'string' ? gvk['group'] : '';
      const key = `${group === '' ? '' : group + '/'}${gvk['version']}/${gvk['kind']}`;
      kinds[key] ??= name;
    }
  }
  return { source, kinds, types };
}

/** compileSchema compiles one schema; undefined when nothing below it merges specially. */
function compileSchema(schema: unknown, kept: ReadonlySet<string>): SchemaRef | undefined {
  if (!isObject(schema)) return undefined;
  const ref = schema['$ref'];
  if (typeof ref === 'string') {
    const name = ref.startsWith(REF_PREFIX) ? ref.slice(REF_PREFIX.length) : ref;
    return kept.has(name) ? name : undefined;
  }
  const node: SchemaNode = {};
  const strategy = schema[STRATEGY];
  if (typeof strategy === 'string') {
    node.s = strategy;
    const listKeys = schema[LIST_MAP_KEYS];
    const mergeKey = schema[MERGE_KEY];
    if (Array.isArray(listKeys)) node.k = listKeys.filter((k): k is string => typeof k === 'string');
    else if (typeof mergeKey === 'string') node.k = [mergeKey];
  }
  const props = schema['properties'];
  if (isObject(props)) {
    for (const key of Object.keys(props).sort()) {
      const child = compileSchema(props[key], kept);
      if (child !== undefined) (node.p ??= {})[key] = child;
    }
  }
  const additional = compileSchema(schema['additionalProperties'], kept);
  if (additional !== undefined) node.a = additional;
  const type = schema['type'];
  const isArray = type === 'array' || (Array.isArray(type) && type.length === 1 && type[0] === 'array');
  if (isArray) {
    const items = compileSchema(schema['items'], kept);
    if (items !== undefined) node.i = items;
  }
  return Object.keys(node).length === 0 ? undefined : node;
}
