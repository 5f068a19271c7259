// Public surface of the JSON 6902 engine: kustomize's JSON patch semantics (evanphx/json-patch v4) over `yaml` nodes.
export { applyJson6902 } from './patch.ts';
export { parseJson6902, type Json6902Operation } from './parse.ts';
export type { Json, JsonObject } from './json.ts';
export { Json6902Error } from './errors.ts';
