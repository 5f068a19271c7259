import { isMap, YAMLMap } from 'yaml';

import kubernetesTable from './tables/kubernetes.json' with { type: 'json' };
import kustomizeTable from './tables/kustomize-v1.21.2.json' with { type: 'json' };
import { asNode, copyNode, getField, MergeError, setField, stringScalar, text, clearField } from './nodes.ts';
import { MergeSchema } from './schema.ts';
import { walk } from './walk.ts';

let kustomizeSchema: MergeSchema | undefined;
let kubernetesSchema: MergeSchema | undefined;

/**
 * kustomizeMergeSchema is the schema kustomize v5 merges with: kyaml's built-in OpenAPI document, which is what a
 * v1.21.2 apiserver publishes. It is the default, because byte-identical output needs the same merge keys: lists
 * added to the API later (e.g. `schedulingGates`) are replaced by kustomize, not merged.
 */
export function kustomizeMergeSchema(): MergeSchema {
  return (kustomizeSchema ??= new MergeSchema(kustomizeTable));
}

/**
 * kubernetesMergeSchema is the schema of the apiserver the table was last generated from
 * (`scripts/gen-merge-keys.ts`), for callers that want the current API's merge keys rather than kustomize's.
 */
export function kubernetesMergeSchema(): MergeSchema {
  return (kubernetesSchema ??= new MergeSchema(kubernetesTable));
}

/** MergeOptions tune {@link strategicMergePatch}. */
export interface MergeOptions {
  /** schema gives merge keys and strategies; defaults to {@link kustomizeMergeSchema}. */
  schema?: MergeSchema;
}

/**
 * strategicMergePatch merges `patch` into `target` as kustomize does (kyaml's merge2, patch list items first) and
 * returns the result, or undefined when the patch deletes the whole resource (`$patch: delete`). Neither argument
 * is modified; the result shares scalar nodes with `target` (replace a scalar rather than edit it in place if the
 * target is still used). Merge keys come from the schema of the target's
 * apiVersion and kind; unknown kinds (CRDs) have none, so their lists are replaced.
 *
 * @example
 * const target = parseDocument('apiVersion: v1\nkind: Pod\nspec: {containers: [{name: a, image: a:1}]}').contents;
 * const patch = parseDocument('spec: {containers: [{name: a, image: a:2}]}').contents;
 * strategicMergePatch(target as YAMLMap, patch as YAMLMap); // spec.containers[0].image is a:2
 */
export function strategicMergePatch(
  target: YAMLMap<unknown, unknown>,
  patch: YAMLMap<unknown, unknown>,
  options: MergeOptions = {},
): YAMLMap<unknown, unknown> | undefined {
  const ctx = options.schema ?? kustomizeMergeSchema();
  // The walker never changes a scalar in place, so the target's scalars can be shared; the patch's cannot, since
  // one patch is merged into many targets whose results later stages may edit.
  const result = walk(ctx, copyNode(target, true), copyNode(patch), undefined, []);
  if (result === undefined) return undefined;
  if (!isMap(result)) throw new MergeError(`strategic merge patch: the result is not a map`);
  return result;
}

/** ResourcePatchOptions are a `patches` entry's options. */
export interface ResourcePatchOptions extends MergeOptions {
  allowNameChange?: boolean;
  allowKindChange?: boolean;
}

/**
 * strategicMergePatchResource is kustomize's `Resource.ApplySmPatch`: merge, then put back the target's kind and
 * name unless the patch options allow changing them, and always its namespace. Undefined means the resource is
 * gone (deleted by `$patch: delete`, or merged into an empty map).
 */
export function strategicMergePatchResource(
  target: YAMLMap<unknown, unknown>,
  patch: YAMLMap<unknown, unknown>,
  options: ResourcePatchOptions = {},
): YAMLMap<unknown, unknown> | undefined {
  const kind = text(getField(target, 'kind'));
  const meta = getField(target, 'metadata');
  const name = text(getField(meta, 'name'));
  const namespace = text(getField(meta, 'namespace'));
  const result = strategicMergePatch(target, patch, options);
  if (result === undefined || result.items.length === 0) return undefined;
  if (options.allowKindChange !== true) setField(result, 'kind', stringScalar(kind));
  let resultMeta = asNode(result.get('metadata', true));
  if (options.allowNameChange !== true) {
    if (resultMeta === undefined || !isMap(resultMeta)) {
      resultMeta = new YAMLMap();
      setField(result, 'metadata', resultMeta);
    }
    if (isMap(resultMeta)) setField(resultMeta, 'name', stringScalar(name));
  }
  if (resultMeta !== undefined && isMap(resultMeta)) {
    if (namespace === '') clearField(resultMeta, 'namespace');
    else setField(resultMeta, 'namespace', stringScalar(namespace));
  }
  return result;
}
