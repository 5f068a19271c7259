import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';

import { combine, split } from './shamir.ts';

/** subsets lists every subset of `n` indices with at least `min` members. */
function subsets(n: number, min: number): number[][] {
  const out: number[][] = [];
  for (let mask = 1; mask < 1 << n; mask++) {
    const s = [...Array(n).keys()].filter((i) => mask & (1 << i));
    if (s.length >= min) out.push(s);
  }
  return out;
}

test('shamir: any threshold-sized subset of shares recovers the secret; shares carry x = 1..n last', () => {
  for (const [parts, threshold] of [
    [2, 2],
    [3, 2],
    [4, 3],
    [5, 5],
  ] as const) {
    const secret = new Uint8Array(randomBytes(32));
    const shares = split(secret, parts, threshold);
    assert.equal(shares.length, parts);
    shares.forEach((s, i) => {
      assert.equal(s.length, 33);
      assert.equal(s[32], i + 1);
    });
    for (const subset of subsets(parts, threshold)) {
      assert.deepEqual(combine(subset.map((i) => shares[i] as Uint8Array)), secret);
    }
  }
});

test('shamir: fewer shares than the threshold do not reveal the secret', () => {
  const secret = new Uint8Array(randomBytes(32));
  const shares = split(secret, 3, 3);
  assert.notDeepEqual(combine([shares[0] as Uint8Array, shares[1] as Uint8Array]), secret);
});

test('shamir: invalid input is refused', () => {
  assert.throws(() => split(new Uint8Array(32), 2, 3));
  assert.throws(() => split(new Uint8Array(32), 3, 1));
  assert.throws(() => split(new Uint8Array(0), 3, 2));
  const shares = split(new Uint8Array(randomBytes(32)), 3, 2);
  assert.throws(() => combine([shares[0] as Uint8Array]));
  assert.throws(() => combine([shares[0] as Uint8Array, shares[0] as Uint8Array]));
});
