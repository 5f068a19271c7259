import assert from 'node:assert/strict';
import { test } from 'node:test';

import { Throttle } from './throttle.ts';

void test('a burst passes at once, then requests are spaced at qps', async () => {
  const throttle = new Throttle(50, 3);
  const start = Date.now();
  const done: number[] = [];
  await Promise.all(Array.from({ length: 6 }, () => throttle.wait().then(() => done.push(Date.now() - start))));
  assert.ok(done[2]! < 15, `burst ${done.slice(0, 3).join(',')}`);
  // Three more at 50 qps need about 60 ms.
  assert.ok(done[5]! >= 50, `last at ${done[5]}ms`);
  assert.ok(done[5]! < 400, `last at ${done[5]}ms`);
});
