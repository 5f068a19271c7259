import { FluxtsError } from '../../util/errors.ts';

/**
 * StepError is a failed reconcile step: `reason` is the Ready reason Flux sets for it (ArtifactFailed, BuildFailed,
 * ReconciliationFailed, PruneFailed, HealthCheckFailed, …) and `terminal` says whether retrying can help.
 */
export class StepError extends FluxtsError {
  readonly reason: string;
  readonly terminal: boolean;

  constructor(reason: string, message: string, options?: { cause?: unknown; terminal?: boolean }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.reason = reason;
    this.terminal = options?.terminal ?? false;
  }
}
