// Public surface of engines/gotemplate: Go's text/template with a function map, the Go value model and Go's fmt.
export { Template, DEFAULT_LIMITS } from './template.ts';
export { TemplateError, TemplateExecError, TemplateParseError } from './errors.ts';
export { MAX_EXEC_DEPTH, type ExecLimits, type MissingKey } from './exec.ts';
export { formatValue, sprint, sprintf, sprintln } from './fmt.ts';
export { htmlEscape, jsEscape, urlQueryEscape } from './builtins.ts';
export {
  canBackquote,
  formatFloat,
  parseFloat,
  parseInt64,
  quote,
  quoteRune,
  quoteToASCII,
  unquote,
} from './strconv.ts';
export * from './values.ts';
