import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { KubeObject } from '../kube/client/index.ts';
import { Controller } from './controller.ts';
import { Informer } from './informer.ts';
import type { ListWatch } from './list-watch.ts';
import { createLogger } from './logger.ts';
import { ExponentialRateLimiter } from './rate-limiter.ts';
import { requeueAfter, retry, stalled, type Result } from './result.ts';

function staticInformer(names: string[]): Informer<KubeObject> {
  const lw: ListWatch<KubeObject> = {
    list: () =>
      Promise.resolve({
        metadata: { resourceVersion: '1' },
        items: names.map((name) => ({ metadata: { name, namespace: 'ns', resourceVersion: '1' } })),
      }),
    watch: (_rv, signal) =>
      Promise.resolve(
        (async function* () {
          await new Promise((r) => signal.addEventListener('abort', r));
          yield* [];
        })(),
      ),
  };
  return new Informer(lw);
}

type Calls = Map<string, number[]>;

/**
 * run reconciles the named objects until `until` holds for the calls seen (times in ms since start), then lets the
 * controller run `settleMs` longer so that a call that should not happen has the chance to. Waiting on the calls
 * rather than a fixed window keeps the lower bounds exact and the test stable on a loaded machine.
 */
async function run(
  names: string[],
  reconcile: (key: string, n: number) => Result | Promise<Result>,
  until: (calls: Calls) => boolean,
  settleMs = 0,
): Promise<Calls> {
  const informer = staticInformer(names);
  const calls: Calls = new Map();
  const start = Date.now();
  const controller = new Controller({
    name: 'test',
    type: { apiVersion: 'x/v1', kind: 'Thing' },
    informer,
    concurrent: 2,
    logger: createLogger('silent'),
    rateLimiter: new ExponentialRateLimiter(20, 1000),
    reconcile: async (req) => {
      const times = calls.get(req.key) ?? [];
      times.push(Date.now() - start);
      calls.set(req.key, times);
      return reconcile(req.key, times.length);
    },
  });
  informer.start();
  await informer.waitForSync();
  controller.start();
  const deadline = Date.now() + 20_000;
  while (!until(calls)) {
    if (Date.now() > deadline) {
      await controller.stop();
      await informer.stop();
      assert.fail(`calls never reached the expected state: ${JSON.stringify([...calls])}`);
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  await new Promise((r) => setTimeout(r, settleMs));
  await controller.stop();
  await informer.stop();
  return calls;
}

void test('requeueAfter brings a key back after the delay', async () => {
  const calls = await run(
    ['a'],
    () => requeueAfter(60),
    (c) => (c.get('ns/a')?.length ?? 0) >= 3,
  );
  const times = calls.get('ns/a') ?? [];
  const gaps = times.slice(1).map((t, i) => t - times[i]!);
  assert.ok(
    gaps.every((g) => g >= 55),
    `waited for each requeue: gaps ${gaps.join(',')}`,
  );
});

void test('errors retry with growing backoff; success forgets it', async () => {
  const calls = await run(
    ['a'],
    (_k, n) => (n < 4 ? retry(new Error('transient')) : requeueAfter(0)),
    (c) => (c.get('ns/a')?.length ?? 0) >= 4,
    250,
  );
  const times = calls.get('ns/a') ?? [];
  assert.equal(times.length, 4);
  const gaps = times.slice(1).map((t, i) => t - times[i]!);
  assert.ok(gaps[0]! >= 15 && gaps[1]! >= 35 && gaps[2]! >= 75, `gaps ${gaps.join(',')}`);
});

void test('an error with retryAfter comes back after that fixed delay, without backoff', async () => {
  const calls = await run(
    ['a'],
    () => retry(new Error('failed'), 60),
    (c) => (c.get('ns/a')?.length ?? 0) >= 4,
  );
  const times = calls.get('ns/a') ?? [];
  const gaps = times.slice(1).map((t, i) => t - times[i]!);
  // Backoff from 20 ms would give 20, 40, 80; a fixed retry waits 60 every time.
  assert.ok(
    gaps.every((g) => g >= 55),
    `gaps ${gaps.join(',')}`,
  );
});

void test('stalled results and throws: stalled is not retried, a throw is retried like an error', async () => {
  const calls = await run(
    ['s', 't'],
    (key, n) => {
      if (key === 'ns/s') return stalled(new Error('bad spec'));
      if (n === 1) throw new Error('bug');
      return requeueAfter(0);
    },
    (c) => c.get('ns/s')?.length === 1 && c.get('ns/t')?.length === 2,
    200,
  );
  assert.equal(calls.get('ns/s')?.length, 1);
  assert.equal(calls.get('ns/t')?.length, 2);
});
