// Public surface of engines/envsubst: Flux's post-build variable substitution.
export { envsubst, lenientLookup, strictLookup, type Lookup } from './eval.ts';
export { EnvsubstSyntaxError, EnvsubstUnsetError, SubstitutionError } from './errors.ts';
export {
  resourceSubject,
  SUBSTITUTE_KEY,
  substituteResource,
  substituteResources,
  type SubstitutedResource,
  type SubstituteOptions,
} from './substitute.ts';
export {
  collectVariables,
  invalidVariableName,
  VAR_NAME_PATTERN,
  VariablesError,
  type SubstituteReference,
  type SubstituteSource,
} from './vars.ts';
export { type JsonObject, type JsonValue, yamlToJson, YamlToJsonError } from './yaml-v2.ts';
