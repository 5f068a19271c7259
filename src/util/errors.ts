/**
 * FluxtsError is the base of every typed error: a message that starts with its subject, an optional hint on how
 * to fix it, and the underlying cause.
 */
export class FluxtsError extends Error {
  readonly hint: string | undefined;

  constructor(message: string, options?: { cause?: unknown; hint?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options?.hint;
  }
}

/** errorMessage renders any thrown value as one line of text. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
