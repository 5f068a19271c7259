import { FluxtsError } from '../../util/errors.ts';

/**
 * EnvsubstSyntaxError is a template the envsubst grammar rejects; its message is Flux's own ("bad substitution",
 * "missing closing brace", …) so status messages read the same.
 */
export class EnvsubstSyntaxError extends FluxtsError {}

/** EnvsubstUnsetError is a `${var}` without default whose variable is undefined in strict mode. */
export class EnvsubstUnsetError extends FluxtsError {
  readonly variable: string;

  constructor(variable: string) {
    super(`variable not set (strict mode): ${goQuote(variable)}`);
    this.variable = variable;
  }
}

/**
 * SubstitutionError is a failed post-build substitution of one resource. The message is Flux's:
 * `post build failed for 'Kind.version.group/name': envsubst error: …`; `subject` names the object as kustomize's
 * resource id does.
 */
export class SubstitutionError extends FluxtsError {
  readonly subject: string;

  constructor(subject: string, message: string, cause?: unknown) {
    super(`post build failed for '${subject}': ${message}`, { cause });
    this.subject = subject;
  }
}

/** goQuote renders a string like Go's %q for the printable identifiers envsubst reports. */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}
