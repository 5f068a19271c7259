import assert from 'node:assert/strict';
import { test } from 'node:test';

import { leafPaths, MASK, maskPaths } from './helmvalues.ts';

test('leafPaths lists the leaves of a values tree; a list is one leaf', () => {
  assert.deepEqual(leafPaths({ a: { b: 1, c: [1, 2] }, d: 'x' }), [['a', 'b'], ['a', 'c'], ['d']]);
  assert.deepEqual(leafPaths({}), []);
});

test('maskPaths masks present paths on a copy, whole subtrees included, and ignores absent ones', () => {
  const values = { a: { b: 's3cret', keep: 1 }, db: { password: { nested: 'x' } } };
  const masked = maskPaths(values, [
    ['a', 'b'],
    ['db', 'password'],
    ['missing', 'x'],
    ['a', 'keep', 'deeper'],
  ]);
  assert.deepEqual(masked, { a: { b: MASK, keep: 1 }, db: { password: MASK } });
  assert.equal(values.a.b, 's3cret', 'the input is untouched');
});
