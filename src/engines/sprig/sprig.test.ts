import assert from 'node:assert/strict';
import { test } from 'node:test';

import { Template } from '../gotemplate/index.ts';
import { sprigFunctions } from './index.ts';

const render = (tpl: string, options = {}): string =>
  new Template('t').funcs(sprigFunctions(options)).parse(tpl).execute(null);

test('sprigFunctions: every Sprig v3.3.0 function except env and expandenv, as Helm exposes them', () => {
  const names = Object.keys(sprigFunctions());
  assert.equal(names.length, 209);
  for (const removed of ['env', 'expandenv']) assert.ok(!names.includes(removed));
  for (const name of [
    'urlParse',
    'genSignedCert',
    'mergeOverwrite',
    'regexReplaceAll',
    'semverCompare',
    'dateInZone',
    'toRawJson',
  ]) {
    assert.ok(names.includes(name), name);
  }
  assert.equal(render('{{ getHostByName "localhost" }}'), '');
  assert.equal(render('{{ getHostByName "x" }}', { lookupHost: (n: string) => `1.2.3.4 for ${n}` }), '1.2.3.4 for x');
});

test('sprig limits: hostile sizes fail fast with a clear error instead of exhausting memory', () => {
  const started = Date.now();
  for (const [tpl, what] of [
    ['{{ repeat 1073741824 "x" }}', /repeat: the result would be 1073741824 bytes, over the limit of 67108864 bytes/],
    ['{{ repeat 1000000 (repeat 1000 "x") }}', /repeat: the result would be 1000000000 bytes/],
    ['{{ until 1000000000 }}', /untilStep: the result would have 1000000000 elements, over the limit of 4194304/],
    ['{{ untilStep 0 9223372036854775807 4611686018427387904 }}', /untilStep/],
    ['{{ indent 100000000 "a\\nb" }}', /indent: the result would be/],
    ['{{ randAlphaNum 1000000000 }}', /randAlphaNum: the result would be/],
    ['{{ seq 1000000000 }}', /untilStep: the result would have/],
    ['{{ wrapWith 1 (repeat 1000000 "-") (repeat 1000 "a ") }}', /wrapWith: the result would be/],
    ['{{ replace "a" (repeat 100000 "b") (repeat 10000 "a") }}', /replace: the result would be/],
  ] as const) {
    assert.throws(() => render(tpl), what, tpl);
  }
  assert.ok(Date.now() - started < 10_000, 'the refusals are immediate');
  // Within the limits the same functions work, and Go's own errors still come first.
  assert.equal(render('{{ repeat 3 "ab" }}'), 'ababab');
  assert.throws(() => render('{{ repeat -1 "x" }}'), /strings: negative Repeat count/);
  assert.throws(() => render('{{ repeat 2 "xy" }}', { limits: { maxStringBytes: 3 } }), /over the limit of 3 bytes/);
});

test('sprig: a map that contains itself fails merge and toJson cleanly', () => {
  assert.throws(
    () => render('{{ $d := dict }}{{ $_ := set $d "self" $d }}{{ toRawJson $d }}'),
    /encountered a cycle via map\[string\]interface \{\}/,
  );
  assert.throws(
    () => render('{{ $d := dict }}{{ $_ := set $d "self" $d }}{{ merge $d $d }}'),
    /merge: maps nested more than 1000 deep/,
  );
  assert.equal(render('{{ $d := dict }}{{ $_ := set $d "self" $d }}{{ toJson $d }}'), '');
});
