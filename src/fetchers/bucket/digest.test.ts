import assert from 'node:assert/strict';
import { test } from 'node:test';

import { indexDigest, sortedKeys } from './digest.ts';

test('indexDigest hashes "<key> <etag>\\n" lines in Go byte order', () => {
  // U+FF5A is EF BD 9A in UTF-8 and sorts before the emoji (F0 …) bytewise, after it in UTF-16 code units.
  const index = new Map([
    ['😀', '2'],
    ['ｚ', '3'],
    ['a.yaml', '1'],
  ]);
  assert.deepEqual(sortedKeys(index), ['a.yaml', 'ｚ', '😀']);
  // printf 'a.yaml 1\n\xef\xbd\x9a 3\n\xf0\x9f\x98\x80 2\n' | sha256sum
  assert.equal(indexDigest(index), 'sha256:9aa9e0b8789712204f3c267720e870519140acc94d36d6e6eaf3e076de79c56d');
});

test('indexDigest of an empty bucket is the digest of no bytes', () => {
  assert.equal(indexDigest(new Map()), 'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
});
