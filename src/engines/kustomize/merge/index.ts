// Public surface of the strategic-merge engine: kustomize's (kyaml's) strategic merge over `yaml` nodes.
export {
  strategicMergePatch,
  strategicMergePatchResource,
  kustomizeMergeSchema,
  kubernetesMergeSchema,
  type MergeOptions,
  type ResourcePatchOptions,
} from './patch.ts';
export { MergeSchema, type MergeTable, type SchemaNode, type SchemaRef } from './schema.ts';
export { compileOpenApi, OpenApiCompileError, type CompileOptions } from './compile.ts';
export { asNode, copyCollectionStyle, copyNode, isNullScalar, keyText, MergeError, type YNode } from './nodes.ts';
