import assert from 'node:assert/strict';
import { test } from 'node:test';

import { GitPushRejectedError } from '../../../fetchers/git/index.ts';
import { PUSH_RETRY_MAX_ATTEMPTS, PushRetryError, pushWithRetry } from './push-retry.ts';

const rejected = () => new GitPushRejectedError("git repository r: push to 'main' rejected: the branch moved");
const fast = { intervalMs: 60_000, baseDelayMs: 1, random: () => 1 };

test('pushWithRetry: a lost race is retried on refreshed work; the delay doubles with jitter', async () => {
  const seen: number[] = [];
  const delays: number[] = [];
  let refreshes = 0;
  const out = await pushWithRetry(
    1,
    (w) => {
      seen.push(w);
      return w < 3 ? Promise.reject(rejected()) : Promise.resolve(`pushed ${w}`);
    },
    () => Promise.resolve(++refreshes + 1),
    { ...fast, baseDelayMs: 2, onRetry: (_n, d) => delays.push(d) },
  );
  assert.equal(out, 'pushed 3');
  assert.deepEqual(seen, [1, 2, 3]);
  assert.deepEqual(delays, [3, 6]); // 2 and 4 ms, each +50 % jitter at random() = 1
});

test('pushWithRetry: nothing left after a refresh means the remote has the change', async () => {
  const out = await pushWithRetry(
    1,
    () => Promise.reject(rejected()),
    () => Promise.resolve(undefined),
    fast,
  );
  assert.equal(out, undefined);
});

test('pushWithRetry: gives up after the attempts, or at once on other errors, or when refreshing fails', async () => {
  let attempts = 0;
  await assert.rejects(
    pushWithRetry(
      0,
      () => (attempts++, Promise.reject(rejected())),
      () => Promise.resolve(0),
      fast,
    ),
    (e: unknown) => e instanceof PushRetryError && /^giving up after 5 attempts: /u.test(e.message),
  );
  assert.equal(attempts, PUSH_RETRY_MAX_ATTEMPTS);
  await assert.rejects(
    pushWithRetry(
      0,
      () => Promise.reject(new Error('auth')),
      () => Promise.resolve(0),
      fast,
    ),
    /^Error: auth$/u,
  );
  await assert.rejects(
    pushWithRetry(
      0,
      () => Promise.reject(rejected()),
      () => Promise.reject(new Error('gone')),
      fast,
    ),
    /failed to refresh the source to retry the push: gone/u,
  );
  // A budget of min(interval/2, 2 min) smaller than the first delay: the first rejection is returned as is.
  await assert.rejects(
    pushWithRetry(
      0,
      () => Promise.reject(rejected()),
      () => Promise.resolve(0),
      { ...fast, intervalMs: 1, baseDelayMs: 50 },
    ),
    (e: unknown) => e instanceof GitPushRejectedError,
  );
});
