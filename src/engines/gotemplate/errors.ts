import { FluxtsError } from '../../util/errors.ts';
import { quote as goQuote } from './strconv.ts';

/**
 * TemplateParseError is a template that does not parse. Its message is Go's, byte for byte:
 * `template: NAME:LINE: DETAIL` (e.g. `template: a.yaml:3: function "foo" not defined`).
 */
export class TemplateParseError extends FluxtsError {
  /** The name the text was parsed as (a file name in Helm). */
  readonly templateName: string;
  /** 1-based line of the offending token; 0 when Go's message names none. */
  readonly line: number;
  /** The message without the `template: NAME:LINE: ` prefix. */
  readonly detail: string;

  constructor(templateName: string, line: number, detail: string) {
    super(line > 0 ? `template: ${templateName}:${line}: ${detail}` : `template: ${templateName}: ${detail}`);
    this.templateName = templateName;
    this.line = line;
    this.detail = detail;
  }
}

/**
 * TemplateExecError is a failure while executing a template. Its message is Go's, byte for byte:
 * `template: FILE:LINE:COL: executing "NAME" at <NODE>: DETAIL`, or `template: NAME: DETAIL` when no node is
 * current. When a template function failed because of another error (Helm's `include` executing a nested
 * template), that error is the `cause`.
 */
export class TemplateExecError extends FluxtsError {
  /** Name of the template being executed (`executing "NAME"`). */
  readonly templateName: string;
  /** `FILE:LINE:COL` of the failing node (column in bytes, 0-based), when there is one. */
  readonly location: string | undefined;
  /** The failing node as Go prints it (`include "x" .`), when there is one. */
  readonly context: string | undefined;
  /** The message after `at <NODE>: `. */
  readonly detail: string;

  constructor(
    templateName: string,
    location: string | undefined,
    context: string | undefined,
    detail: string,
    cause?: unknown,
  ) {
    super(
      location === undefined
        ? `template: ${templateName}: ${detail}`
        : `template: ${location}: executing ${goQuote(templateName)} at <${context}>: ${detail}`,
      cause === undefined ? undefined : { cause },
    );
    this.templateName = templateName;
    this.location = location;
    this.context = context;
    this.detail = detail;
  }
}

/**
 * TemplateError is any other error Go's template package returns as is: `template: no template "x" associated
 * with template "y"`, or `template: multiple definition of template "x"` raised while adding trees.
 */
export class TemplateError extends FluxtsError {}
