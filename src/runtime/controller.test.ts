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

async function run(names: string[], reconcile: (key: string, n: number) => Result | Promise<Result>, ms: number) {
  const informer = staticInformer(names);
  const calls = new Map<string, number[]>();
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
  await new Promise((r) => setTimeout(r, ms));
  await controller.stop();
  await informer.stop();
  return calls;
}

void test('requeueAfter brings a key back after the delay', async () => {
  const calls = await run(['a'], () => requeueAfter(60), 200);
  const times = calls.get('ns/a') ?? [];
  assert.ok(times.length >= 3 && times.length <= 4, `${times.length} calls`);
  assert.ok(times[1]! - times[0]! >= 55, 'waited for the requeue');
});

void test('errors retry with growing backoff; success forgets it', async () => {
  const calls = await run(['a'], (_k, n) => (n < 4 ? retry(new Error('transient')) : requeueAfter(0)), 400);
  const times = calls.get('ns/a') ?? [];
  assert.equal(times.length, 4);
  const gaps = times.slice(1).map((t, i) => t - times[i]!);
  assert.ok(gaps[0]! >= 15 && gaps[1]! >= 35 && gaps[2]! >= 75, `gaps ${gaps.join(',')}`);
});

void test('an error with retryAfter comes back after that fixed delay, without backoff', async () => {
  const calls = await run(['a'], () => retry(new Error('failed'), 60), 230);
  const times = calls.get('ns/a') ?? [];
  assert.ok(times.length >= 3 && times.length <= 4, `${times.length} calls`);
  const gaps = times.slice(1).map((t, i) => t - times[i]!);
  // Backoff from 20 ms would give 20, 40, 80; a fixed retry gives ~60 each time.
  assert.ok(
    gaps.every((g) => g >= 55 && g < 110),
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
    200,
  );
  assert.equal(calls.get('ns/s')?.length, 1);
  assert.equal(calls.get('ns/t')?.length, 2);
});
