// Flux's push retry (image-automation-controller `commitAndPushWithRetry`): when the push branch moved between the
// checkout and the push, wait (2 s doubling, with up to 50 % jitter so writers that lost together do not retry
// together), catch the working tree up with the remote, apply the policies again and push what is left. At most
// 5 attempts, and none started later than min(interval/2, 2 min) after the first failure, so a contended branch
// cannot hold a worker for long. Only a detected race is retried (fetchers/git tells it apart by reading the
// remote tip); any other failure is returned at once.
import { GitPushRejectedError } from '../../../fetchers/git/index.ts';
import { errorMessage, FluxtsError } from '../../../util/errors.ts';
import { sleep } from '../../../util/sleep.ts';

export const PUSH_RETRY_MAX_ATTEMPTS = 5;
const PUSH_RETRY_JITTER = 0.5;
const PUSH_RETRY_MAX_BUDGET_MS = 120_000;

/** PushRetryError: retrying stopped (attempts or time used up, or the tree could not be caught up). */
export class PushRetryError extends FluxtsError {}

/** PushRetryOptions: the automation's interval, and what tests shorten or fix. */
export interface PushRetryOptions {
  intervalMs: number;
  baseDelayMs?: number;
  random?: () => number;
  signal?: AbortSignal;
  onRetry?: (attempt: number, delayMs: number, err: GitPushRejectedError) => void;
}

/**
 * pushWithRetry runs `attempt(work)` for the first work item; on a GitPushRejectedError it waits, calls
 * `refresh()` for a new work item (undefined: the remote already holds the change, nothing to push) and tries
 * again. Returns the attempt's result, or undefined when nothing was left to push.
 */
export async function pushWithRetry<W, R>(
  first: W,
  attempt: (work: W) => Promise<R>,
  refresh: () => Promise<W | undefined>,
  opts: PushRetryOptions,
): Promise<R | undefined> {
  const random = opts.random ?? Math.random;
  let delay = opts.baseDelayMs ?? 2000;
  let deadline: number | undefined;
  let work = first;
  for (let n = 1; ; n++) {
    try {
      return await attempt(work);
    } catch (err) {
      if (!(err instanceof GitPushRejectedError)) throw err;
      deadline ??= Date.now() + Math.min(opts.intervalMs / 2, PUSH_RETRY_MAX_BUDGET_MS);
      const jittered = Math.round(delay * (1 + random() * PUSH_RETRY_JITTER));
      if (n === PUSH_RETRY_MAX_ATTEMPTS || Date.now() + jittered > deadline) {
        if (n === 1) throw err;
        throw new PushRetryError(`giving up after ${n} attempts: ${errorMessage(err)}`, { cause: err });
      }
      delay *= 2;
      opts.onRetry?.(n, jittered, err);
      await sleep(jittered, opts.signal);
    }
    let next: W | undefined;
    try {
      next = await refresh();
    } catch (err) {
      throw new PushRetryError(`failed to refresh the source to retry the push: ${errorMessage(err)}`, { cause: err });
    }
    if (next === undefined) return undefined;
    work = next;
  }
}
