import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { loadValues } from '../../src/engines/helm/values/load.ts';
import { yamlToJson, YamlToJsonError } from '../../src/engines/helm/yaml/decode.ts';
import { HelmRef } from './helmref.ts';
import { typed } from './typed.ts';

/**
 * Differential tests of the go-yaml v2 compatible reader against sigs.k8s.io/yaml (over go-yaml v2.4.3) as
 * Helm v4.2.4 links it: the decoded value with its Go types, or the exact error text.
 */

const VALID: string[] = [
  '',
  '# only a comment\n',
  'a: 1\nb: 2.5\nc: -3\nd: 0x1F\ne: 0o17\nf: 017\ng: 0b101\nh: 1_000\ni: +12\n',
  'big: 9223372036854775807\nbigger: 18446744073709551615\nhuge: 18446744073709551616\nneg: -9223372036854775808\n',
  'f1: 1.0\nf2: .5\nf3: 1e3\nf4: 1.5e-7\nf5: -.inf\nf6: 6.02e+23\nf7: 1e400\nf8: 1.\n',
  'b: [y, Y, yes, Yes, YES, n, N, no, No, NO, true, True, TRUE, false, on, On, ON, off, OFF, oN, yES]\n',
  'n: [~, null, Null, NULL, nULL, "", \'\']\n',
  't: [2024-01-02, 2024-1-2, 2024-01-02T03:04:05Z, 2024-01-02 03:04:05.5, 2024-13-01, 20240102]\n',
  's: ["1", \'2\', "true", !!str 3, !!str yes]\n',
  'lit: |\n  a\n   b\n\n  c\nfold: >\n  a\n  b\n\n  c\n   d\n  e\nkeep: |+\n  x\n\n\nstrip: |-\n  y\nind: |2\n    z\n',
  "q: \"a\\tb\\n\\x41\\u00e9\\U0001F600 \\\" \\\\ \\/\"\nsq: 'it''s'\n",
  'multi: this is\n  a plain\n\n  scalar\nquoted: "folded\n  line"\n',
  'flow: {a: 1, b: [x, y], "c d": {e: f}}\nempty: {}\nlist: []\n',
  'anchors:\n  base: &b {x: 1, y: 2}\n  copy: *b\n  merged:\n    <<: *b\n    y: 3\n  multi:\n    <<: [*b, {z: 4}]\n',
  'before:\n  y: 0\n  <<: {y: 9, w: 1}\n',
  '1: int key\n1.5: float key\ntrue: bool key\n0x10: hex key\n3.0: three\n1e10: big\n',
  '? complex\n: value\n? [a, b]\n',
  'key with spaces: v\n"quoted key": v\n\'single\': v\n',
  '- a\n- b: c\n  d: e\n- - nested\n  - list\n',
  'a:\n- indentless\n- seq\nb: c\n',
  '--- \nafter: separator\n',
  'doc: one\n---\ndoc: two\n',
  'x: !!float 1\ny: !!int "2"\nz: !!bool "true"\nw: !custom v\nv: !!binary aGVsbG8=\n',
  '%YAML 1.1\n---\na: b\n',
  '%TAG !e! tag:example.com,2000:\n---\na: !e!foo b\n',
  'a: "\\u00e9t\\u00e9"\nb: café\nc: 日本語\nd: 😀\n',
  'tabs:\tvalue\nafter: "\tx"\n',
  'crlf: a\r\nnext: b\r\n',
  '\ufeffbom: x\n',
  'long: ' + 'x'.repeat(2000) + '\n',
  'nested:\n' +
    Array.from({ length: 50 }, (_, i) => '  '.repeat(i + 1) + `k${i}:\n`).join('') +
    '  '.repeat(51) +
    'v\n',
  'emptyval:\nnext: 1\n',
  'a: b # comment\nc: "d" # comment\n# full\ne: f#not comment\n',
  'url: http://example.com:8080/path?x=1#frag\ntime: 12:30:45\nver: 1.2.3\n',
  'key: - not a list\n',
  'a: [1, [2, [3, [4]]]]\n',
  '[a, b]\n',
  '"just a string"\n',
  '42\n',
  'a: &x 1\nb: *x\n',
  'weird: ":"\nalso: -x\nq: ?x\n',
];

const INVALID: string[] = [
  'a: b: c\n',
  'a:\n  - b\n  c: d\n',
  "a: 'unterminated",
  "a: 'unterminated\n",
  'a: "unterminated\nb: c\n',
  '- a\nb: c\n',
  'a: [1, 2\n',
  'a: {b: 1\n',
  'a: [1, 2}\n',
  'a:\n\t- b\n',
  'a: @b\n',
  'a: `b`\n',
  'a: *undefined\n',
  'a: &x [*x]\n',
  'a: &\n',
  'a: |0\n  b\n',
  'a: |x\n',
  'a: "\\q"\n',
  'a: "\\xZZ"\n',
  'a: "\\uD800"\n',
  'key: value\n  bad: indent\n',
  'a: b\n c: d\n',
  '  a: b\nc: d\n',
  'a:\n  b: c\n d: e\n',
  '- a\n - b\n',
  'a: !!int foo\n',
  'a: !!null x\n',
  'a: !!binary "%%%"\n',
  '%FOO bar\n---\na: b\n',
  '%YAML 1.2\n---\na: b\n',
  'a: !e!x b\n',
  'a: b\n\u0001c: d\n',
  'a: "\u0007"\n',
  ': no key\n',
  '? [a]\n: b\n',
  '{a: 1}: b\n',
  "a: 'x' y\n",
  'a: "x" y\n',
  'a: [b, c] d\n',
  'list:\n- a\n- b\n c\n',
  'x: ' + '['.repeat(200) + ']'.repeat(200) + '\n',
  'k:\n  - a\n  -b\n  - c\n',
  'a:\n  b:\n    c: d\n   e: f\n',
  '- &a\n  - *a\n',
  'a: <<\n<<: 1\n',
  'a:\n  <<: [1, 2]\n',
];

describe('YAML decoding matches sigs.k8s.io/yaml over go-yaml v2', () => {
  let ref: HelmRef;
  before(async () => {
    ref = await HelmRef.start();
  });
  after(() => ref.close());

  const check = async (text: string, failures: string[]): Promise<void> => {
    const want = await ref.ask({ op: 'yaml', text });
    let got: { value: string } | { error: string };
    try {
      got = { value: typed(yamlToJson(text)) };
    } catch (err) {
      if (!(err instanceof YamlToJsonError)) throw err;
      got = { error: `error converting YAML to JSON: ${err.message}` };
    }
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      failures.push(`input: ${JSON.stringify(text)}\n  want ${JSON.stringify(want)}\n  got  ${JSON.stringify(got)}`);
    }
  };

  it('decodes valid documents with Go types', async () => {
    const failures: string[] = [];
    for (const text of VALID) await check(text, failures);
    assert.deepEqual(failures, []);
  });

  it('fails invalid documents with go-yaml messages and lines', async () => {
    const failures: string[] = [];
    for (const text of INVALID) await check(text, failures);
    assert.deepEqual(failures, []);
  });

  it('reads values files: every document merged, separators checked', async () => {
    const texts = [
      'a: 1\n---\nb: 2\n---\na: {c: 3}\n',
      '---\n---\na: 1\n--- # comment\nb: 2\n',
      'a: 1\n---bad\n',
      '- list\n',
      'scalar\n',
      'a: 1\n---\n- list\n',
      'x:\n  y: 1\n---\nx:\n  z: 2\n',
      'a: b: c\n',
      'a: 1\r\n---\r\nb: 2\r\n',
    ];
    for (const text of texts) {
      const want = await ref.ask({ op: 'values', text });
      let got: { value: string } | { error: string };
      try {
        got = { value: typed(loadValues(text)) };
      } catch (err) {
        got = { error: (err as Error).message };
      }
      assert.deepEqual(got, want, `input: ${JSON.stringify(text)}`);
    }
  });
});
