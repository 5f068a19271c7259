// Artifact digests as Flux writes and checks them (`sha256:<hex>`).
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { test } from 'node:test';

import { digestOf, digestTap, parseDigest } from './digest.ts';

// sha256 of the empty string and of "abc" (FIPS 180-2 test vectors).
const EMPTY = 'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const ABC = 'sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';

test('digestOf is sha256 in Flux notation', () => {
  assert.equal(digestOf(new Uint8Array()), EMPTY);
  assert.equal(digestOf(new TextEncoder().encode('abc')), ABC);
});

test('parseDigest accepts only a lower-case sha256 of 64 hex digits', () => {
  assert.deepEqual(parseDigest(ABC), { algo: 'sha256', hex: ABC.slice(7) });
  for (const bad of [
    '',
    'sha256:',
    ABC.toUpperCase(),
    `${ABC}0`,
    ABC.slice(0, -1),
    `sha512:${ABC.slice(7)}`,
    ABC.slice(7),
  ]) {
    assert.equal(parseDigest(bad), undefined, bad);
  }
});

test('digestTap digests and counts what streams through it, unchanged', async () => {
  const tap = digestTap();
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk);
      cb();
    },
  });
  await pipeline(Readable.from([Buffer.from('a'), Buffer.from('bc')]), tap.stream, sink);
  assert.deepEqual(tap.result(), { digest: ABC, size: 3 });
  assert.equal(Buffer.concat(chunks).toString(), 'abc');
});
