import assert from 'node:assert/strict';
import { test } from 'node:test';

import { MediaType } from '../../../fetchers/oci/index.ts';
import { bestSemverTag, digestFromRevision, formatRevision, RefError } from './revision.ts';

test('bestSemverTag picks the highest match, skips non-versions, honours semverFilter and prereleases', () => {
  const tags = ['latest', '1.0.0', 'v1.2.0', '1.10.0', '2.0.0-rc.1', '2.0.0', 'main-abc'];
  assert.equal(bestSemverTag(tags, '>=1.0.0'), '2.0.0');
  assert.equal(bestSemverTag(tags, '1.x'), '1.10.0');
  assert.equal(bestSemverTag(tags, '>=2.0.0-0 <2.0.0'), '2.0.0-rc.1');
  assert.equal(bestSemverTag(tags, '*', '^v'), 'v1.2.0');
  assert.throws(
    () => bestSemverTag(tags, '>=3.0.0'),
    (e: unknown) => e instanceof RefError && e.message === 'no match found for semver: >=3.0.0',
  );
  assert.throws(() => bestSemverTag(tags, 'not a range'), /parse error/u);
  assert.throws(() => bestSemverTag(tags, '*', '('), /not a valid regular expression/u);
  assert.equal(bestSemverTag(['1.2', 'v1.1.0', '01.3.0'], '*'), 'v1.1.0', 'only strict versions, as Flux reads tags');
  // semverFilter is Go's regexp (RE2): \A anchors, lookaheads do not exist.
  assert.equal(bestSemverTag(['1.0.0', '2.1.0'], '*', '\\A1\\.'), '1.0.0');
  assert.throws(() => bestSemverTag(tags, '*', '^(?=1)'), /not a valid regular expression/u);
});

test('Helm chart tags map _ to + for build metadata', () => {
  assert.equal(
    bestSemverTag(['1.0.0', '1.0.1_build.2'], '>=1.0.1', undefined, MediaType.HelmChartContent),
    '1.0.1_build.2',
  );
  assert.throws(() => bestSemverTag(['1.0.1_build.2'], '>=1.0.1'), RefError);
});

test('revisions: tag@digest or the digest alone', () => {
  const d = `sha256:${'c'.repeat(64)}`;
  assert.equal(formatRevision('v1', d), `v1@${d}`);
  assert.equal(formatRevision(undefined, d), d);
  assert.equal(digestFromRevision(`v1@${d}`), d);
  assert.equal(digestFromRevision(d), d);
});
