import assert from 'node:assert/strict';
import { test } from 'node:test';

import { parseConstraint, parseStrictVersion, parseVersion, satisfies, SemverError } from './index.ts';

test('parseVersion: lenient like NewVersion', () => {
  assert.equal(parseVersion('v1.2').toString(), '1.2.0');
  assert.equal(parseVersion('v1.2').original, 'v1.2');
  assert.equal(parseVersion('01.2.3-rc.1+b').toString(), '1.2.3-rc.1+b');
  assert.throws(() => parseVersion('1.2.3.4'), new SemverError('invalid semantic version'));
  assert.throws(() => parseVersion('1.2.3-01'), new SemverError('version segment starts with 0'));
  assert.throws(
    () => parseVersion('18446744073709551616'),
    new SemverError(
      'error parsing version segment: strconv.ParseUint: parsing "18446744073709551616": value out of range',
    ),
  );
});

test('parseStrictVersion: exact SemVer 2.0', () => {
  assert.equal(parseStrictVersion('1.2.3-a.1+m').toString(), '1.2.3-a.1+m');
  assert.throws(() => parseStrictVersion('v1.2.3'), new SemverError('invalid characters in version'));
  assert.throws(() => parseStrictVersion('1.2'), new SemverError('invalid semantic version'));
  assert.throws(() => parseStrictVersion('01.2.3'), new SemverError('version segment starts with 0'));
});

test('constraints: prereleases need a prerelease in the group', () => {
  assert.equal(satisfies('>=1.19', 'v1.19.3-gke.100'), false);
  assert.equal(satisfies('>=1.19-0', 'v1.19.3-gke.100'), true);
  assert.equal(satisfies('>=1.19-0 || <1', '0.5.0-rc'), false);
  const c = parseConstraint('>=1.19');
  c.includePrerelease = true;
  assert.equal(c.check(parseVersion('1.20.0-rc.1')), true);
});

test('constraints: tilde, caret, wildcards, hyphen ranges', () => {
  assert.equal(satisfies('~1.2', '1.2.9'), true);
  assert.equal(satisfies('~1.2', '1.3.0'), false);
  assert.equal(satisfies('^0.2.3', '0.2.9'), true);
  assert.equal(satisfies('^0.2.3', '0.3.0'), false);
  assert.equal(satisfies('1.x', '1.9.0'), true);
  assert.equal(satisfies('1.2 - 1.4.5', '1.4.5'), true);
  assert.equal(satisfies('1.2 - 1.4.5', '1.4.6'), false);
  assert.throws(() => parseConstraint(''), new SemverError('improper constraint: ""'));
  assert.throws(() => parseConstraint('>=1 ||'), new SemverError('improper constraint: ""'));
});
