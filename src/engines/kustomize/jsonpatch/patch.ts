import { isMap, type YAMLMap } from 'yaml';

import { applyInPlace } from './apply.ts';
import { Json6902Error } from './errors.ts';
import { fromJson, toJson } from './json.ts';
import { parseJson6902, type Json6902Operation } from './parse.ts';

/**
 * applyJson6902 applies JSON 6902 operations to a resource as kustomize does: through JSON, so the result is a new
 * map with sorted keys, no comments, and every number a float64 (see `json.ts`). `ops` are parsed operations or
 * the patch text (JSON when it starts with `[`, else YAML); `source` names the patch in errors. The target is not
 * modified.
 *
 * @example
 * const out = applyJson6902(deployment, '- op: replace\n  path: /spec/replicas\n  value: 3\n', 'patch.yaml');
 */
export function applyJson6902(
  target: YAMLMap<unknown, unknown>,
  ops: readonly Json6902Operation[] | string,
  source = 'patch',
): YAMLMap<unknown, unknown> {
  const operations = typeof ops === 'string' ? parseJson6902(ops, source) : ops;
  // toJson builds a fresh document, so the operations may work on it in place.
  const doc = toJson(target);
  if (!(doc instanceof Map)) throw new Json6902Error(`JSON 6902 patch ${source}: the target is not an object`);
  const result = fromJson(applyInPlace(doc, operations, source));
  if (!isMap(result)) throw new Json6902Error(`JSON 6902 patch ${source}: the result is not an object`);
  return result;
}
