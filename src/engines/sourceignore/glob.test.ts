import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileNameGlob, matchName } from './glob.ts';

// Cases from the behaviour of Go's path/filepath.Match (its match_test.go table); undefined = ErrBadPattern.
const cases: [string, string, boolean | undefined][] = [
  ['abc', 'abc', true],
  ['*', 'abc', true],
  ['*c', 'abc', true],
  ['a*', 'a', true],
  ['a*', 'abc', true],
  ['a*b*c*d*e*/f', 'axbxcxdxe/f', true],
  ['ab[c]', 'abc', true],
  ['ab[b-d]', 'abc', true],
  ['ab[e-g]', 'abc', false],
  ['ab[^c]', 'abc', false],
  ['ab[^b-d]', 'abc', false],
  ['ab[^e-g]', 'abc', true],
  ['a\\*b', 'a*b', true],
  ['a\\*b', 'ab', false],
  ['a?b', 'a☺b', true],
  ['a[^a]b', 'a☺b', true],
  ['a???b', 'a☺b', false],
  ['a[!a]b', 'a☺b', false],
  ['[a-ζ]*', 'α', true],
  ['*[a-ζ]', 'A', false],
  ['[\\]a]', ']', true],
  ['[\\-]', '-', true],
  ['[x\\-]', 'x', true],
  ['[x\\-]', '-', true],
  ['[x\\-]', 'z', false],
  ['[\\-x]', 'x', true],
  ['[]a]', ']', undefined],
  ['[-]', '-', undefined],
  ['[x-]', 'x', undefined],
  ['[-x]', 'x', undefined],
  ['\\', 'a', undefined],
  ['[a-b-c]', 'a', undefined],
  ['[', 'a', undefined],
  ['[^', 'a', undefined],
  ['[^bc', 'a', undefined],
  ['a[', 'a', undefined],
  ['*x', 'xxx', true],
  ['.*', '.hidden', true],
  ['*.yaml', '.flux.yaml', true],
];

for (const [pattern, name, want] of cases) {
  void test(`filepath.Match(${JSON.stringify(pattern)}, ${JSON.stringify(name)})`, () => {
    const glob = compileNameGlob(pattern);
    if (want === undefined) assert.equal(glob, undefined, 'expected a malformed pattern');
    else assert.equal(matchName(glob, name), want);
  });
}
