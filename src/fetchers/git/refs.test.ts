import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GitRefNotFoundError } from './errors.ts';
import { bestSemverTag, formatRevision, parseLsRemote, resolveTarget } from './refs.ts';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);
const T = 'd'.repeat(40);

void test('bestSemverTag: highest match, optional v, strict versions only, pre-releases only on request, commas', () => {
  const tags = ['v1.0.0', 'v1.2.0', '1.10.0', 'v2.0.0', 'v1.3.0-rc.1', 'latest', 'v1.5', 'v1.2.0^{}'].map(
    (t) => `refs/tags/${t}`,
  );
  assert.equal(bestSemverTag('>=1.0.0 <2.0.0', tags), '1.10.0');
  assert.equal(bestSemverTag('>=1.0.0, <1.6.0', tags), 'v1.2.0', 'v1.5 is not a version for Flux');
  assert.equal(bestSemverTag('~1.3.0-0', tags), 'v1.3.0-rc.1');
  assert.equal(bestSemverTag('>=3', tags), undefined);
  assert.throws(() => bestSemverTag('not a range', tags), /improper constraint/);
});

void test('resolveTarget: semver errors in Flux words', () => {
  const refs = parseLsRemote(`${T}\trefs/tags/v1.0.0\n`);
  assert.throws(
    () => resolveTarget('s', { semver: '2.x' }, refs),
    /^GitRefNotFoundError: s: no match found for semver: 2\.x$/,
  );
  assert.throws(
    () => resolveTarget('s', { semver: '1.2.3.4' }, refs),
    (e: Error) =>
      e instanceof GitRefNotFoundError && e.message === 's: semver parse error: improper constraint: "1.2.3.4"',
  );
});

void test('resolveTarget: precedence commit > name > semver > tag > branch, peeled tags, default master', () => {
  const refs = parseLsRemote(
    `${A}\trefs/heads/main\n${B}\trefs/heads/master\n${T}\trefs/tags/v1.0.0\n${C}\trefs/tags/v1.0.0^{}\n${A}\trefs/pull/2/head\n`,
  );
  assert.deepEqual(resolveTarget('s', { tag: 'v1.0.0', branch: 'main' }, refs), {
    fetchRef: 'refs/tags/v1.0.0',
    commit: C,
    refName: 'v1.0.0',
  });
  assert.equal(resolveTarget('s', {}, refs).commit, B);
  assert.equal(resolveTarget('s', { name: 'refs/pull/2/head', tag: 'v1.0.0' }, refs).refName, 'refs/pull/2/head');
  assert.equal(resolveTarget('s', { semver: '1.x', branch: 'main' }, refs).commit, C);
  assert.equal(resolveTarget('s', { commit: A, name: 'refs/x' }, undefined).refName, '');
  assert.throws(() => resolveTarget('s', { branch: 'dev' }, refs), GitRefNotFoundError);
  assert.throws(() => resolveTarget('s', { commit: 'abc' }, undefined), GitRefNotFoundError);
});

void test('formatRevision follows Flux', () => {
  assert.equal(formatRevision('main', A), `main@sha1:${A}`);
  assert.equal(formatRevision('', A), `sha1:${A}`);
  assert.equal(formatRevision('refs/pull/1/head', A), `refs/pull/1/head@sha1:${A}`);
});
