import { StepError } from '../../runtime/index.ts';
import { errorMessage } from '../../util/errors.ts';

/**
 * configurationError is Flux's terminal "Reconciliation failed terminally due to configuration error: …": the spec
 * cannot work until it changes (an invalid CEL expression, a feature used with its gate off), so no retry.
 */
export function configurationError(reason: string, detail: unknown): StepError {
  return new StepError(reason, `Reconciliation failed terminally due to configuration error: ${errorMessage(detail)}`, {
    terminal: true,
    ...(detail instanceof Error ? { cause: detail } : {}),
  });
}

/** compileOrTerminal runs a compiler over the spec; any error is a terminal InvalidCELExpression. */
export function compileOrTerminal<T>(compile: () => T, reason: string): T {
  try {
    return compile();
  } catch (err) {
    throw configurationError(reason, err);
  }
}
