import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  InvalidPolicyError,
  NoLatestError,
  parseTagVersion,
  policerFromSpec,
  selectLatestTag,
  TagFilter,
} from './index.ts';

const latest = (choice: Parameters<typeof policerFromSpec>[0], values: string[]): string =>
  policerFromSpec(choice).latest(values);

describe('semver policy', () => {
  it('picks the greatest version in the range and returns its original text', () => {
    assert.equal(latest({ semver: { range: '1.x' } }, ['1.0.0', 'v1.4.2', '1.3.9', '2.0.0', 'latest']), 'v1.4.2');
    assert.equal(latest({ semver: { range: '>=1.0.0 <1.3.0' } }, ['1.0.0', '1.2.10', '1.2.9', '1.3.0']), '1.2.10');
    assert.equal(latest({ semver: { range: '*' } }, ['0.1.0', '10.0.0', '9.9.9']), '10.0.0');
  });
  it('needs all three numbers (fluxcd/pkg/version): 1.2 and 20240101 are not versions', () => {
    assert.equal(parseTagVersion('1.2'), undefined);
    assert.equal(parseTagVersion('20240101'), undefined);
    assert.equal(parseTagVersion('v01.2.3'), undefined);
    assert.equal(parseTagVersion('v1.2.3')?.original, 'v1.2.3');
    assert.equal(latest({ semver: { range: '>=1.0' } }, ['1.9', '1.5.0']), '1.5.0');
  });
  it('admits prereleases only when the range names one', () => {
    assert.equal(latest({ semver: { range: '>=1.0.0' } }, ['1.0.0', '1.1.0-rc.1']), '1.0.0');
    assert.equal(latest({ semver: { range: '>=1.0.0-0' } }, ['1.0.0', '1.1.0-rc.1', '1.1.0-rc.2']), '1.1.0-rc.2');
  });
  it("fails with Flux's messages", () => {
    assert.throws(() => latest({ semver: { range: '1.x' } }, []), {
      name: 'NoLatestError',
      message: 'version list argument cannot be empty',
    });
    assert.throws(() => latest({ semver: { range: '5.x' } }, ['1.0.0']), {
      message: 'unable to determine latest version from provided list',
    });
    assert.throws(() => policerFromSpec({ semver: { range: 'foo' } }), {
      name: 'InvalidPolicyError',
      message: 'improper constraint: "foo"',
    });
  });
});

describe('alphabetical policy', () => {
  const tags = ['RELEASE.2023-01-31', 'RELEASE.2024-02-01', 'RELEASE.2023-12-01'];
  it('asc (the default) picks the last in byte order, desc the first', () => {
    assert.equal(latest({ alphabetical: {} }, tags), 'RELEASE.2024-02-01');
    assert.equal(latest({ alphabetical: { order: 'asc' } }, tags), 'RELEASE.2024-02-01');
    assert.equal(latest({ alphabetical: { order: 'desc' } }, tags), 'RELEASE.2023-01-31');
    assert.equal(latest({ alphabetical: {} }, ['B', 'a', 'Z']), 'a');
  });
  it('orders by UTF-8 bytes as Go does, not UTF-16 units', () => {
    assert.equal(latest({ alphabetical: {} }, ['\u{ff5e}', '\u{1f600}']), '\u{1f600}');
  });
  it('refuses an unknown order with the upper-cased text', () => {
    assert.throws(() => policerFromSpec({ alphabetical: { order: 'up' } }), {
      message: "invalid order argument provided: 'UP', must be one of: ASC, DESC",
    });
  });
});

describe('numerical policy', () => {
  it('asc picks the largest, desc the smallest; Go float syntax', () => {
    assert.equal(latest({ numerical: { order: 'asc' } }, ['1', '10', '9', '1e1', '2.5']), '10');
    assert.equal(latest({ numerical: { order: 'desc' } }, ['3', '-1', '0x1p-2']), '-1');
    assert.equal(latest({ numerical: {} }, ['1_000', '999']), '1_000');
  });
  it('fails on the first value that is not a number', () => {
    assert.throws(() => latest({ numerical: {} }, ['1', 'latest']), {
      name: 'NoLatestError',
      message: "failed to parse invalid numeric value 'latest'",
    });
  });
});

describe('filterTags', () => {
  it('keeps matching tags (unanchored) and extracts named and numbered groups', () => {
    const f = new TagFilter({ pattern: '^main-[a-f0-9]+-(?P<ts>[0-9]+)', extract: '$ts' });
    assert.deepEqual(
      [...f.apply(['main-abc1-100', 'main-ff-20x', 'pr-1-5'])],
      [
        ['100', 'main-abc1-100'],
        ['20', 'main-ff-20x'],
      ],
    );
    const g = new TagFilter({ pattern: 'v(\\d+)\\.(\\d+)', extract: '${2}.$1-$$' });
    assert.deepEqual([...g.apply(['x-v1.2'])], [['2.1-$', 'x-v1.2']]);
    assert.deepEqual([...new TagFilter({ pattern: '(?P<a>x)', extract: '$nope${a}' }).apply(['x'])], [['x', 'x']]);
  });
  it('later tags win when two extract to the same value', () => {
    const f = new TagFilter({ pattern: '^(\\d+)-', extract: '$1' });
    assert.deepEqual([...f.apply(['1-a', '1-b'])], [['1', '1-b']]);
  });
  it('RE2 syntax: no backreferences or lookarounds, Go error messages', () => {
    assert.throws(() => new TagFilter({ pattern: '(a)\\1' }), {
      message: "invalid regular expression pattern '(a)\\1': error parsing regexp: invalid escape sequence: `\\1`",
    });
    assert.throws(() => new TagFilter({ pattern: '(?=a)' }), InvalidPolicyError);
  });
});

describe('selectLatestTag', () => {
  it('maps the policy result back to the original tag', () => {
    const tags = ['main-abc-1700000000', 'main-def-1700000500', 'pr-12-1800000000', 'latest'];
    const spec = {
      policy: { numerical: { order: 'asc' } },
      filterTags: { pattern: '^main-[a-f0-9]+-(?P<ts>[0-9]+)', extract: '$ts' },
    };
    assert.equal(selectLatestTag(tags, spec), 'main-def-1700000500');
    assert.equal(
      selectLatestTag(['1.0.0-alpine', '1.2.0-alpine', '1.3.0'], {
        policy: { semver: { range: '>=1.0.0' } },
        filterTags: { pattern: '^(?P<v>.*)-alpine$', extract: '$v' },
      }),
      '1.2.0-alpine',
    );
  });
  it("prefixes Flux's controller messages", () => {
    assert.throws(() => selectLatestTag(['a'], { policy: { semver: { range: '!' } } }), {
      name: 'InvalidPolicyError',
      message: /^invalid policy: improper constraint/,
    });
    assert.throws(() => selectLatestTag(['a'], { policy: { alphabetical: {} }, filterTags: { pattern: '(' } }), {
      message:
        "failed to filter tags: invalid regular expression pattern '(': error parsing regexp: missing closing ): `(`",
    });
    assert.throws(
      () => selectLatestTag(['a'], { policy: { alphabetical: {} }, filterTags: { pattern: 'b' } }),
      NoLatestError,
    );
    assert.throws(() => selectLatestTag([], { policy: {} }), {
      message: 'invalid policy: given ImagePolicyChoice object is invalid',
    });
  });
});
