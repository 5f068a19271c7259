// Public surface of engines/imagepolicy: image-reflector-controller's tag selection, pure.
export { InvalidPolicyError, NoLatestError } from './errors.ts';
export { TagFilter, type FilterTags } from './filter.ts';
export { parseTagVersion, policerFromSpec, type Policer, type PolicyChoice } from './policy.ts';
export { selectLatestTag, type SelectSpec } from './select.ts';
