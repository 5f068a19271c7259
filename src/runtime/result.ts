/**
 * Result is what one reconcile returns; reconcilers never throw for flow control.
 * - `{ requeueAfter }`: success; come back after the interval (0 means wait for the next event).
 * - `{ error }`: transient failure; retry with exponential backoff.
 * - `{ error, retryAfter }`: transient failure; retry after a fixed delay (a Kustomization's `spec.retryInterval`).
 * - `{ error, stalled: true }`: terminal failure; do not retry until the object changes.
 */
export type Result =
  | { readonly requeueAfter: number; readonly error?: undefined }
  | {
      readonly error: Error;
      readonly stalled?: boolean;
      readonly retryAfter?: number;
      readonly requeueAfter?: undefined;
    };

/** done is success with no scheduled requeue: the next watch event or resync brings the object back. */
export function done(): Result {
  return { requeueAfter: 0 };
}

/** requeueAfter is success that asks to reconcile again after `ms` milliseconds. */
export function requeueAfter(ms: number): Result {
  return { requeueAfter: Math.max(0, ms) };
}

/**
 * retry is a transient failure, retried with the queue's exponential backoff, or after `afterMs` when given (Flux's
 * kustomize-controller retries at `spec.retryInterval`, not with backoff).
 */
export function retry(error: Error, afterMs?: number): Result {
  return afterMs === undefined ? { error } : { error, retryAfter: Math.max(0, afterMs) };
}

/** stalled is a terminal failure: the error is recorded and the key is not retried until the object changes. */
export function stalled(error: Error): Result {
  return { error, stalled: true };
}

/** isSuccess narrows a Result to its success form. */
export function isSuccess(result: Result): result is { readonly requeueAfter: number } {
  return result.error === undefined;
}
