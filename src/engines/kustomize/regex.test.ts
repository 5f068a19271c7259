import assert from 'node:assert/strict';
import { test } from 'node:test';

import { RegexSyntaxError } from './errors.ts';
import { anchoredRe2 } from './regex.ts';

const matches = (pattern: string, value: string): boolean => anchoredRe2(pattern).test(value);

test('anchoredRe2: anchored at both ends, alternatives included', () => {
  assert.equal(matches('web', 'web'), true);
  assert.equal(matches('web', 'web-2'), false);
  assert.equal(matches('a|b', 'ab'), false);
  assert.equal(matches('a|b', 'b'), true);
});

test('anchoredRe2: RE2-only syntax is translated', () => {
  assert.equal(matches('(?i)api', 'API'), true);
  assert.equal(matches('(?P<n>x)y', 'xy'), true);
  assert.equal(matches('[[:digit:]]+', '123'), true);
  assert.equal(matches('\\Qa.c\\E', 'abc'), false);
  assert.equal(matches('\\Qa.c\\E', 'a.c'), true);
  assert.equal(matches('\\x{41}', 'A'), true);
  assert.equal(matches('[]a]+', ']a'), true);
  // RE2's \s is ASCII only: no vertical tab, no non-breaking space.
  assert.equal(matches('\\s', '\u00a0'), false);
  assert.equal(matches('x(?i:y)z', 'xYz'), true);
});

test('anchoredRe2: what RE2 refuses is refused', () => {
  for (const p of ['a(?=b)', 'a(?!b)', '(?<=a)b', '(a)\\1', '\\k<a>', 'a*+', 'a{1001}', '\\y', '(a', 'a)']) {
    assert.throws(() => anchoredRe2(p), RegexSyntaxError, p);
  }
});
