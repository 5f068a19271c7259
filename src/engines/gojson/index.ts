// Public surface of engines/gojson: Go's encoding/json over the Go value model (Sprig's and Helm's JSON functions).
export { GoJsonError, JsonSyntaxError } from './errors.ts';
export {
  compactJson,
  formatJsonFloat,
  indentJson,
  isEmptyValue,
  jsonTag,
  marshal,
  marshalIndent,
  quoteString,
  type MarshalOptions,
} from './encode.ts';
export { unmarshal, validate, type JsonTarget, type UnmarshalResult } from './decode.ts';
