import assert from 'node:assert/strict';
import { test } from 'node:test';

import { insertPathPart, pathSplit } from './valueadd.ts';

test('pathSplit: absolute paths start with an empty segment', () => {
  assert.deepEqual(pathSplit('/a/b'), ['', 'a', 'b']);
  assert.deepEqual(pathSplit('a/b'), ['a', 'b']);
  assert.deepEqual(pathSplit('/'), ['']);
  assert.deepEqual(pathSplit(''), []);
});

test('insertPathPart: positions count real segments, in relative and absolute paths alike', () => {
  assert.equal(insertPathPart('a/b/c', 0, 'X'), 'X/a/b/c');
  assert.equal(insertPathPart('a/b/c', 1, 'X'), 'a/X/b/c');
  assert.equal(insertPathPart('/a/b/c', 1, 'X'), '/a/X/b/c');
  assert.equal(insertPathPart('a/b', 9, 'X'), 'a/b/X');
  assert.equal(insertPathPart('', 0, 'X'), 'X');
  assert.equal(insertPathPart('/', 3, 'X'), '/X');
  assert.equal(insertPathPart('a/b', 1, ''), 'a/b');
});
