import assert from 'node:assert/strict';
import { test } from 'node:test';

import { latestInRange, parseConstraint, parseFluxVersion, SemverError } from './index.ts';

test('parseFluxVersion: strict SemVer with one optional v, original kept', () => {
  assert.equal(parseFluxVersion('v1.2.3').original, 'v1.2.3');
  assert.equal(parseFluxVersion('1.2.3-rc.1+b.7').toString(), '1.2.3-rc.1+b.7');
  for (const bad of ['1.2', 'v1', 'vv1.2.3', '01.2.3', 'v1.02.3', 'latest', '', 'V1.2.3']) {
    assert.throws(() => parseFluxVersion(bad), SemverError, bad);
  }
});

test('latestInRange: highest satisfying candidate; short versions, non-versions and prereleases left out', () => {
  const tags = ['v1.0.0', 'v1.2.0', '1.10.0', 'v2.0.0', 'v1.3.0-rc.1', 'latest', 'v1.5', '1.11'];
  assert.equal(latestInRange(tags, '>=1.0.0 <2.0.0'), '1.10.0');
  assert.equal(latestInRange(tags, '>=1.0.0, <1.6.0'), 'v1.2.0');
  assert.equal(latestInRange(tags, '~1.3.0-0'), 'v1.3.0-rc.1');
  assert.equal(latestInRange(tags, parseConstraint('>=3')), undefined);
  assert.throws(() => latestInRange(tags, 'not a range'), /improper constraint/);
});

test('latestInRange: equal versions keep the first candidate; versionText maps candidates', () => {
  assert.equal(latestInRange(['1.0.0+a', '1.0.0+b', 'v1.0.0'], '*'), '1.0.0+a');
  const refs = [{ tag: '1.0.0_build.2' }, { tag: '1.0.0' }];
  assert.equal(latestInRange(refs, '>=1.0.0', (r) => r.tag.replace(/_/gu, '+'))?.tag, '1.0.0_build.2');
});
