// Differential test of engines/semver-range against Masterminds/semver v3.5.0 through Sprig's `semver` and
// `semverCompare` in Go (the versions helm v4.2.4 pins).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { parseConstraint, parseVersion, satisfies, SemverError } from '../../src/engines/semver-range/index.ts';
import { SprigRef } from './sprigref.ts';

let ref: SprigRef;
before(async () => {
  ref = await SprigRef.start();
});
after(() => ref.close());

/** goRun runs a template and returns its text, or the message the called function failed with. */
async function goRun(tpl: string, data: unknown): Promise<{ ok: string } | { err: string }> {
  const r = await ref.run(tpl, data);
  if ('output' in r) return { ok: Buffer.from(r.output).toString('utf8') };
  const at = r.error.indexOf(': error calling ');
  return { err: at < 0 ? r.error : r.error.slice(r.error.indexOf(': ', at + 16) + 2) };
}

function ours<T>(f: () => T): { ok: T } | { err: string } {
  try {
    return { ok: f() };
  } catch (err) {
    if (!(err instanceof SemverError)) throw err;
    return { err: err.message };
  }
}

const VERSIONS = [
  '1.2.3', 'v1.2.3', '1.2', '1', 'v1', '01.02.03', '1.2.3-beta.1', '1.2.3-beta.01', '1.2.3+build.5', '1.2.3-rc.1+b',
  'v1.19.3-gke.100', '1.2.3.4', '', 'v', 'x', '1.x', '1.2.3-', '1.2.3+', '1.2.3-a..b', '1.2.3-alpha-1',
  '18446744073709551615.0.0', '18446744073709551616.0.0', '1.18446744073709551616', ' 1.2.3', '1.2.3 ',
  'V1.2.3', '1.2.3-0', '1.2.3-00', '1.2.3+00', `1.${'9'.repeat(260)}`, '1.2.3-αβ', '0.0.0',
]; // prettier-ignore

test('semver: parsing and printing match Masterminds/semver', async () => {
  const tpl =
    '{{ $v := semver .v }}{{ $v }}|{{ $v.Major }}|{{ $v.Minor }}|{{ $v.Patch }}|{{ $v.Prerelease }}|' +
    '{{ $v.Metadata }}|{{ $v.Original }}|{{ $v.IncPatch }}|{{ $v.IncMinor }}|{{ $v.IncMajor }}';
  for (const v of VERSIONS) {
    const want = await goRun(tpl, { v });
    const got = ours(() => {
      const p = parseVersion(v);
      return [p, p.major, p.minor, p.patch, p.prerelease, p.metadata, p.original, p.incPatch(), p.incMinor()]
        .concat([p.incMajor()])
        .map(String)
        .join('|');
    });
    assert.deepEqual(got, want, `version ${JSON.stringify(v)}`);
  }
});

test('semver: comparison matches Masterminds/semver', async () => {
  const pairs = [
    ['1.2.3', '1.2.3'], ['1.2.3', '1.2.4'], ['1.2.3-alpha', '1.2.3'], ['1.2.3-alpha', '1.2.3-alpha.1'],
    ['1.2.3-alpha.1', '1.2.3-alpha.beta'], ['1.2.3-alpha.beta', '1.2.3-beta'], ['1.2.3-beta.2', '1.2.3-beta.11'],
    ['1.2.3-rc.1', '1.2.3-rc.1+b'], ['1.2.3-1', '1.2.3-a'], ['2.0.0', '10.0.0'], ['1.2.3-Z', '1.2.3-a'],
    ['1.2.3-18446744073709551616', '1.2.3-2'],
  ]; // prettier-ignore
  for (const [a = '', b = ''] of pairs) {
    const want = await goRun(
      '{{ (semver .a).Compare (semver .b) }} {{ (semver .b).Compare (semver .a) }} {{ (semver .a).Equal (semver .b) }}',
      { a, b },
    );
    const va = parseVersion(a);
    const vb = parseVersion(b);
    assert.deepEqual({ ok: `${va.compare(vb)} ${vb.compare(va)} ${va.equal(vb)}` }, want, `${a} vs ${b}`);
  }
});

const CONSTRAINTS = [
  '>=1.2.3', '> 1.2', '>1', '>1.2.x', '<1.2.3', '<= 1.2', '<=1.x', '=1.2.3', '1.2.3', '!=1.2.3', '!=1.2', '!=1',
  '~1.2.3', '~1.2', '~1', '~>1.2', '~0', '~0.0.0', '^1.2.3', '^0.2.3', '^0.0.3', '^0.0', '^0', '^1.x', '*', 'x',
  '1.2.x', '1.x', '>= 1.2, < 2', '>=1.2 <2', '>=1.2,<2', '1.2 - 1.4.5', '1.2.3 - 2', '>1 || <0.5', '>=1.19-0',
  '>= 1.19.0-0', '>=1.2.3-beta.2', '<1.2.3-rc', '', ' ', 'foo', '>=1.2.3 ||', '|| 1', '>=01.2', '=>1.2', '=<1.2',
  '>= 1.2 ,  <= 1.4', '>=1.2,,<2', '> =1.2', 'v1.2.3', '>=v1.2', '~v1.2', '1.2.3+meta', '>=1.2.3+meta',
  '1 - 2 || 3 - 4', '>1.2.3-alpha <1.3', '||', Array(33).fill('1').join('||'), '1.2.3-01', '>=1.2.3-01',
  `>=${'1'.repeat(520)}`, '>=1.*', '>=*.1', '^*', '!=1.2.x', '>=1.2.3-x.y', '~1.2.3-beta', '^1.2.3-beta',
  '1.2 - 1.4.5 || >=2', '< 1.2 > 3',
]; // prettier-ignore
const CHECKED = [
  '0.0.0', '0.0.3', '0.0.4', '0.2.3', '0.2.9', '0.3.0', '0.5.0', '1.0.0', '1.2.0', '1.2.3', '1.2.4', '1.3.0',
  '1.4.5', '1.4.6', '1.5.0', '2.0.0', '3.5.0', 'v1.19.3-gke.100', '1.2.3-beta.2', '1.2.3-beta.3', '1.2.3-alpha',
  '1.19.0', '1.20.0-rc.1', '1.2.3+meta', '1.2.3-rc', 'junk',
]; // prettier-ignore

test('semverCompare: every constraint against every version matches Masterminds/semver', async () => {
  let compared = 0;
  for (const c of CONSTRAINTS) {
    const batch = await Promise.all(CHECKED.map((v) => goRun('{{ semverCompare .c .v }}', { c, v })));
    CHECKED.forEach((v, i) => {
      const got = ours(() => String(satisfies(c, v)));
      assert.deepEqual(got, batch[i], `semverCompare ${JSON.stringify(c)} ${JSON.stringify(v)}`);
      compared++;
    });
  }
  assert.ok(compared > 1500);
});

test('semver: constraint text prints as the library prints it', () => {
  for (const c of ['>=1.2.3', '1.2 - 1.4.5', '>1 || <0.5', '~1.2 ^2', '>= 1.2, < 2']) {
    // Sprig offers no constraint printer; the library's String() joins op+original per group.
    assert.equal(typeof parseConstraint(c).toString(), 'string');
  }
  assert.equal(parseConstraint('1.2 - 1.4.5').toString(), '>=1.2 <=1.4.5');
  assert.equal(parseConstraint('>1 || <0.5').toString(), '>1 || <0.5');
});
