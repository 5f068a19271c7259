import assert from 'node:assert/strict';
import { test } from 'node:test';

import { WorkQueue } from './queue.ts';
import { ExponentialRateLimiter, BucketRateLimiter, defaultRateLimiter } from './rate-limiter.ts';

void test('add deduplicates keys waiting in the queue', async () => {
  const q = new WorkQueue();
  q.add('a');
  q.add('b');
  q.add('a');
  assert.equal(q.len(), 2);
  assert.equal(await q.get(), 'a');
  assert.equal(await q.get(), 'b');
  assert.equal(q.len(), 0);
});

void test('a key added while processing comes back once, after done', async () => {
  const q = new WorkQueue();
  q.add('a');
  const key = await q.get();
  assert.equal(key, 'a');
  q.add('a');
  q.add('a');
  assert.equal(q.len(), 0, 'not handed out while a worker holds it');
  q.done('a');
  assert.equal(q.len(), 1);
  assert.equal(await q.get(), 'a');
  q.done('a');
  assert.equal(q.len(), 0);
});

void test('get waits for a key and wakes on add', async () => {
  const q = new WorkQueue();
  const pending = q.get();
  setTimeout(() => q.add('x'), 5);
  assert.equal(await pending, 'x');
});

void test('concurrent workers never hold the same key at once', async () => {
  const q = new WorkQueue();
  const active = new Set<string>();
  let overlaps = 0;
  let processed = 0;
  const worker = async () => {
    for (;;) {
      const key = await q.get();
      if (key === undefined) return;
      if (active.has(key)) overlaps++;
      active.add(key);
      await new Promise((r) => setTimeout(r, 1));
      active.delete(key);
      processed++;
      q.done(key);
    }
  };
  const workers = [worker(), worker(), worker(), worker()];
  for (let round = 0; round < 20; round++) {
    for (const k of ['a', 'b', 'c']) q.add(k);
    await new Promise((r) => setTimeout(r, 2));
  }
  await new Promise((r) => setTimeout(r, 20));
  await q.shutdown();
  await Promise.all(workers);
  assert.equal(overlaps, 0);
  assert.ok(processed >= 3, `processed ${processed}`);
});

void test('addAfter delays a key and the earliest deadline wins', async () => {
  const q = new WorkQueue();
  const start = Date.now();
  q.addAfter('a', 200);
  q.addAfter('a', 30);
  q.addAfter('a', 500);
  assert.equal(q.len(), 0);
  assert.equal(await q.get(), 'a');
  const waited = Date.now() - start;
  assert.ok(waited >= 25 && waited < 150, `waited ${waited}ms`);
  q.done('a');
  await new Promise((r) => setTimeout(r, 250));
  assert.equal(q.len(), 0, 'the later deadlines were merged into the earliest');
});

void test('addRateLimited backs off exponentially per key and forget resets it', async () => {
  const q = new WorkQueue(new ExponentialRateLimiter(20, 1000));
  const delays: number[] = [];
  for (let i = 0; i < 3; i++) {
    const start = Date.now();
    q.addRateLimited('a');
    const key = await q.get();
    delays.push(Date.now() - start);
    q.done(key!);
  }
  assert.equal(q.numRequeues('a'), 3);
  assert.ok(delays[0]! >= 15 && delays[0]! < 60, `first ${delays[0]}`);
  assert.ok(delays[1]! >= 35, `second ${delays[1]}`);
  assert.ok(delays[2]! >= 75, `third ${delays[2]}`);
  q.forget('a');
  assert.equal(q.numRequeues('a'), 0);
});

void test('shutdown wakes idle getters, drops delayed keys and waits for in-flight work', async () => {
  const q = new WorkQueue();
  q.add('busy');
  const busy = await q.get();
  const idle = q.get();
  q.addAfter('later', 50);
  let finished = false;
  const stopping = q.shutdown().then(() => (finished = true));
  assert.equal(await idle, undefined);
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(finished, false, 'waits for the key being processed');
  q.done(busy!);
  await stopping;
  assert.equal(finished, true);
  q.add('after');
  assert.equal(await q.get(), undefined);
});

void test('exponential limiter doubles from base and caps at max (client-go defaults 5ms → 1000s)', () => {
  const l = new ExponentialRateLimiter(5, 1_000_000);
  const seen = Array.from({ length: 4 }, () => l.when('k'));
  assert.deepEqual(seen, [5, 10, 20, 40]);
  for (let i = 0; i < 40; i++) l.when('k');
  assert.equal(l.when('k'), 1_000_000);
  assert.equal(l.when('other'), 5, 'per key');
});

void test('bucket limiter allows a burst then spaces requests at qps', () => {
  let now = 0;
  const b = new BucketRateLimiter(10, 3, () => now);
  assert.deepEqual([b.when('a'), b.when('b'), b.when('c')], [0, 0, 0]);
  assert.equal(Math.round(b.when('d')), 100);
  now = 1000;
  assert.equal(b.when('e'), 0);
});

void test('default limiter is the max of per-key backoff and the overall bucket', () => {
  const l = defaultRateLimiter(5, 1000);
  assert.equal(l.when('a'), 5);
  assert.equal(l.when('a'), 10);
  assert.equal(l.retries('a'), 2);
});
