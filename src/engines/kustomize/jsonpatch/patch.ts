import { isMap, type YAMLMap } from 'yaml';

import { applyOperations } from './apply.ts';
import { Json6902Error } from './errors.ts';
import { normalize } from './normalize.ts';
import { parseJson6902, type Json6902Operation } from './parse.ts';

/**
 * lastParsed remembers the operations of the last patch text: a build applies one patch to many resources, and
 * the operations are never modified, so each text is parsed once rather than once per resource.
 */
let lastParsed: { text: string; source: string; ops: readonly Json6902Operation[] } | undefined;

function parsed(text: string, source: string): readonly Json6902Operation[] {
  if (lastParsed?.text === text && lastParsed.source === source) return lastParsed.ops;
  const ops = parseJson6902(text, source);
  lastParsed = { text, source, ops };
  return ops;
}

/**
 * applyJson6902 applies JSON 6902 operations to a resource as kustomize does, and returns the patched resource
 * with the types kustomize's JSON round trip gives it (see `normalize.ts`). `ops` are parsed operations or the
 * patch text (JSON when it starts with `[`, else YAML); `source` names the patch in errors. The target is not
 * modified; the result shares every node that the patch and the round trip leave unchanged.
 *
 * @example
 * const out = applyJson6902(deployment, '- op: replace\n  path: /spec/replicas\n  value: 3\n', 'patch.yaml');
 */
export function applyJson6902(
  target: YAMLMap<unknown, unknown>,
  ops: readonly Json6902Operation[] | string,
  source = 'patch',
): YAMLMap<unknown, unknown> {
  const operations = typeof ops === 'string' ? parsed(ops, source) : ops;
  const owned = new WeakSet<object>();
  const result = normalize(applyOperations(target, operations, source, owned), source, owned);
  if (!isMap(result)) throw new Json6902Error(`JSON 6902 patch ${source}: the result is not an object`);
  return result;
}
