import assert from 'node:assert/strict';
import { test } from 'node:test';

import { jsonPatchDiff } from './json-diff.ts';

test('objects are compared key by key: removals, additions and changes, keys escaped', () => {
  const from = { a: 1, b: { c: 'x', 'd/e': 1 }, gone: true };
  const to = { a: 2, b: { c: 'x', 'd/e': 1, 'f~g': [1] } };
  assert.deepEqual(jsonPatchDiff(from, to, { rationalize: false }), [
    { op: 'remove', path: '/gone' },
    { op: 'replace', path: '/a', value: 2 },
    { op: 'add', path: '/b/f~0g', value: [1] },
  ]);
});

test('arrays are compared index by index; extra elements are removed from the end, new ones appended', () => {
  assert.deepEqual(jsonPatchDiff({ l: [1, 2, 3, 4] }, { l: [1, 9] }, { rationalize: false }), [
    { op: 'replace', path: '/l/1', value: 9 },
    { op: 'remove', path: '/l/3' },
    { op: 'remove', path: '/l/2' },
  ]);
  assert.deepEqual(jsonPatchDiff({ l: [1] }, { l: [1, 2, 3] }, { rationalize: false }), [
    { op: 'add', path: '/l/-', value: 2 },
    { op: 'add', path: '/l/-', value: 3 },
  ]);
});

test('a value of another type is replaced, equal documents give no operation', () => {
  assert.deepEqual(jsonPatchDiff({ a: { b: 1 } }, { a: 'x' }), [{ op: 'replace', path: '/a', value: 'x' }]);
  assert.deepEqual(jsonPatchDiff({ a: [1, { b: null }] }, { a: [1, { b: null }] }), []);
});

test('rationalize replaces a subtree whole when that is shorter than its operations', () => {
  const from = { spec: { ports: [{ a: 1, b: 2, c: 3 }] } };
  const to = { spec: { ports: [{ x: 1, y: 2, z: 3 }] } };
  assert.deepEqual(jsonPatchDiff(from, to), [{ op: 'replace', path: '/spec/ports/0', value: to.spec.ports[0] }]);
  assert.equal(jsonPatchDiff(from, to, { rationalize: false }).length, 6);
  // One small change stays one operation.
  assert.deepEqual(jsonPatchDiff({ s: { r: 1, big: 'x'.repeat(50) } }, { s: { r: 2, big: 'x'.repeat(50) } }), [
    { op: 'replace', path: '/s/r', value: 2 },
  ]);
});
