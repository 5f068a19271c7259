// Unit tests of the presets on behaviours documented by the Go sources (sorter.go, resolve.go, encode.go,
// emitterc.go); test/goyaml/conformance.test.ts compares each preset with the Go library itself.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  compareKeys,
  emitV3,
  formatRoundTripped,
  helmToYaml,
  marshalSigsYaml,
  needsQuotes,
  noComments,
  resolvePlain,
  type YScalar,
} from './index.ts';
import { JsonRereadError, rereadJsonString } from './json-reread.ts';

describe('sigs.k8s.io/yaml preset', () => {
  test('sorts keys like go-yaml v2: non-letters first, digit runs by value', () => {
    assert.deepEqual(['b', 'a10', 'a9', '_x', 'A', 'a'].sort(compareKeys), ['_x', 'A', 'a', 'a9', 'a10', 'b']);
  });

  test('quotes strings that would read back as other types, but not `<<`', () => {
    assert.equal(
      marshalSigsYaml({ a: 'true', b: '1.5', c: 'yes', d: '', e: '0x1F', f: '2001-12-14', g: 'plain', h: '<<' }),
      'a: "true"\nb: "1.5"\nc: "yes"\nd: ""\ne: "0x1F"\nf: "2001-12-14"\ng: plain\nh: <<\n',
    );
  });

  test('single-quotes indicators and uses literal blocks for multi-line text', () => {
    assert.equal(marshalSigsYaml({ a: '*x', b: 'a: b', c: 'x\ny' }), "a: '*x'\nb: 'a: b'\nc: |-\n  x\n  y\n");
  });

  test('does not indent sequences under a key; empty collections are flow', () => {
    assert.equal(marshalSigsYaml({ a: [{ x: 1, y: [] }, 'b'] }), 'a:\n- x: 1\n  "y": []\n- b\n');
    assert.equal(marshalSigsYaml({}), '{}\n');
    assert.equal(marshalSigsYaml([]), '[]\n');
  });

  test('writes keys over 128 bytes as complex keys', () => {
    const key = 'k'.repeat(129);
    assert.equal(marshalSigsYaml({ [key]: 1 }), `? ${key}\n: 1\n`);
  });

  test('prints numbers after a float64 round trip', () => {
    assert.deepEqual([1, 0.25, 1e-5, 1.5e22, 1234567.5, 2 ** 63, -0].map(formatRoundTripped), [
      '1',
      '0.25',
      '1e-05',
      '1.5e+22',
      '1.2345675e+06',
      '9223372036854776000',
      '0',
    ]);
  });

  test('folds long scalars past column 80; Helm trims one newline', () => {
    const text = Array.from({ length: 21 }, (_, i) => String.fromCharCode(97 + i).repeat(4)).join(' ');
    const [first, second] = helmToYaml({ long: text }).split('\n');
    assert.equal(first?.length, 85);
    assert.ok(second?.startsWith('  qqqq'));
    assert.equal(helmToYaml('a'), 'a');
  });

  test('a NEL survives the JSON step as a folded line break; in a key it is an error', () => {
    assert.equal(rereadJsonString('a \u0085 b'), 'a b');
    assert.equal(rereadJsonString('a\u0085\u0085b'), 'a\nb');
    assert.throws(() => rereadJsonString('a\u0085--- b'), JsonRereadError);
    assert.throws(() => marshalSigsYaml({ 'a\u0085b': 1 }), JsonRereadError);
    assert.equal(marshalSigsYaml({ a: 'x\u0085y' }), 'a: x y\n');
  });
});

describe('resolution', () => {
  test('v2 reads YAML 1.1 booleans; v3 reads them as strings but still quotes them', () => {
    assert.deepEqual(resolvePlain('yes', 2), { tag: 'bool', value: true });
    assert.deepEqual(resolvePlain('yes', 3), { tag: 'str', value: 'yes' });
    assert.ok(needsQuotes('yes', 3));
    assert.ok(!needsQuotes('yesno', 3));
  });

  test('integers, floats and timestamps as Go reads them', () => {
    assert.deepEqual(resolvePlain('0x1_0', 3), { tag: 'int', value: 16n });
    assert.deepEqual(resolvePlain('18446744073709551615', 2), { tag: 'int', value: 18446744073709551615n });
    assert.deepEqual(resolvePlain('1e999', 2), { tag: 'str', value: '1e999' });
    assert.deepEqual(resolvePlain('2001-12-14t21:59:43.1234567890+00:00', 3), {
      tag: 'timestamp',
      value: '2001-12-14T21:59:43.123456789Z',
    });
    assert.deepEqual(resolvePlain('2001-02-29', 3), { tag: 'str', value: '2001-02-29' });
    assert.deepEqual(resolvePlain('2001-12-14', 3, { timestamps: false }).tag, 'str');
  });
});

describe('go-yaml v3 preset', () => {
  const scalar = (text: string, extra: Partial<YScalar> = {}): YScalar => ({
    kind: 'scalar',
    text,
    style: 'plain',
    ...noComments(),
    ...extra,
  });

  test('indents to multiples of the encoder indent, sequences inside mappings included, with comments', () => {
    const out = emitV3({
      kind: 'map',
      ...noComments(),
      head: [' top'],
      pairs: [
        {
          key: scalar('list'),
          value: { kind: 'seq', ...noComments(), items: [scalar('a', { line: [' first'] }), scalar('b')] },
        },
        { key: scalar('map', { head: [' about map'] }), value: { kind: 'map', ...noComments(), pairs: [] } },
      ],
    });
    assert.equal(out, '# top\nlist:\n    - a # first\n    - b\n# about map\nmap: {}\n');
  });
});
