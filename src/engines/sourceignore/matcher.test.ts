import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IgnoreMatcher, readPatterns, sourceIgnoreMatcher } from './matcher.ts';
import { matchPattern, parsePattern } from './pattern.ts';

const split = (p: string): string[] => p.split('/');

void test('simple names match any component, so everything below a matched directory too', () => {
  const p = parsePattern('vendor');
  assert.equal(matchPattern(p, split('vendor'), true), 'exclude');
  assert.equal(matchPattern(p, split('a/vendor/b.yaml'), false), 'exclude');
  assert.equal(matchPattern(p, split('vendors'), false), 'none');
});

void test('a trailing slash matches directories (and their contents) but not a file of that name', () => {
  const p = parsePattern('build/');
  assert.equal(matchPattern(p, split('build'), false), 'none');
  assert.equal(matchPattern(p, split('build'), true), 'exclude');
  assert.equal(matchPattern(p, split('x/build/y'), false), 'exclude');
});

void test('patterns with a slash are anchored to their domain and match path prefixes', () => {
  const p = parsePattern('/deploy/*.yaml');
  assert.equal(matchPattern(p, split('deploy/a.yaml'), false), 'exclude');
  assert.equal(matchPattern(p, split('x/deploy/a.yaml'), false), 'none');
  const q = parsePattern('a/b');
  assert.equal(matchPattern(q, split('a/b/c/d'), false), 'exclude');
});

void test('** leads into any depth, and a trailing /** matches the directory itself (go-git quirk)', () => {
  const p = parsePattern('**/secret.yaml');
  assert.equal(matchPattern(p, split('secret.yaml'), false), 'exclude');
  assert.equal(matchPattern(p, split('a/b/secret.yaml'), false), 'exclude');
  const q = parsePattern('docs/**');
  assert.equal(matchPattern(q, split('docs'), true), 'exclude');
  assert.equal(matchPattern(q, split('docs/x/y.md'), false), 'exclude');
  const r = parsePattern('a/**/z');
  assert.equal(matchPattern(r, split('a/z'), false), 'exclude');
  assert.equal(matchPattern(r, split('a/b/c/z'), false), 'exclude');
  assert.equal(matchPattern(r, split('a/b/c'), false), 'none');
});

void test('a pattern only applies inside its domain', () => {
  const p = parsePattern('*.txt', ['apps']);
  assert.equal(matchPattern(p, split('apps/a.txt'), false), 'exclude');
  assert.equal(matchPattern(p, split('apps/sub/a.txt'), false), 'exclude');
  assert.equal(matchPattern(p, split('a.txt'), false), 'none');
  assert.equal(matchPattern(p, split('apps'), true), 'none');
});

void test('negation re-includes, last opinion wins, even under an excluded directory (go-git, unlike git)', () => {
  const m = new IgnoreMatcher(readPatterns('dir/\n!dir/keep.yaml\n'));
  assert.equal(m.excludes(split('dir'), true), true);
  assert.equal(m.excludes(split('dir/drop.yaml'), false), true);
  assert.equal(m.excludes(split('dir/keep.yaml'), false), false);
});

void test('readPatterns skips comments and blank lines, trims trailing spaces unless escaped, handles CRLF', () => {
  const ps = readPatterns('# comment\n\n   \nfoo  \r\nbar\\ \n #not-a-comment\n');
  assert.deepEqual(
    ps.map((p) => p.segments.join('/')),
    ['foo', 'bar\\ ', ' #not-a-comment'],
  );
});

void test('defaults apply only while there is no user pattern; VCS excludes always apply', () => {
  const def = sourceIgnoreMatcher([]);
  for (const p of ['.git/config', '.gitignore', 'img/logo.png', '.github/workflows/ci.yaml', 'a/.sops.yaml']) {
    assert.equal(def.excludes(split(p), false), true, p);
  }
  assert.equal(def.excludes(split('.github'), true), true);
  assert.equal(def.excludes(split('deploy/app.yaml'), false), false);
  const user = sourceIgnoreMatcher(readPatterns('*.md'));
  assert.equal(user.excludes(split('README.md'), false), true);
  assert.equal(user.excludes(split('img/logo.png'), false), false, 'extension defaults dropped');
  assert.equal(user.excludes(split('.github/workflows/ci.yaml'), false), false, 'CI defaults dropped');
  assert.equal(user.excludes(split('.git/HEAD'), false), true, 'VCS kept');
  assert.equal(user.excludes(split('.gitmodules'), false), true, 'VCS kept');
});

void test('a user pattern can re-include over the VCS excludes because it comes later', () => {
  const m = sourceIgnoreMatcher(readPatterns('!.gitignore'));
  assert.equal(m.excludes(split('.gitignore'), false), false);
});

void test('a malformed bracket pattern never matches', () => {
  const m = sourceIgnoreMatcher(readPatterns('[abc'));
  assert.equal(m.excludes(split('[abc'), false), false);
});
