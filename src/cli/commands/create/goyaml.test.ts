import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { compareKeys, formatNumber, marshalYaml } from './goyaml.ts';

// The expectations are yaml.v2 behaviours documented in its sources (sorter.go, encode.go, emitterc.go); the golden
// test in test/cli-create compares whole documents with the flux CLI itself.
describe('goyaml', () => {
  it('sorts keys like yaml.v2: non-letters first, digit runs by value', () => {
    assert.deepEqual(['b', 'a10', 'a9', '_x', 'A', 'a'].sort(compareKeys), ['_x', 'A', 'a', 'a9', 'a10', 'b']);
  });
  it('quotes strings that would read back as other types', () => {
    assert.equal(
      marshalYaml({ a: 'true', b: '1.5', c: 'yes', d: '', e: '0x1F', f: '2001-12-14', g: 'plain' }),
      'a: "true"\nb: "1.5"\nc: "yes"\nd: ""\ne: "0x1F"\nf: "2001-12-14"\ng: plain\n',
    );
  });
  it('single-quotes indicators and uses literal blocks for multi-line text', () => {
    assert.equal(marshalYaml({ a: '*x', b: 'a: b', c: 'x\ny' }), "a: '*x'\nb: 'a: b'\nc: |-\n  x\n  y\n");
  });
  it('does not indent sequences under a key', () => {
    assert.equal(marshalYaml({ a: [{ x: 1, y: [] }, 'b'] }), 'a:\n- x: 1\n  "y": []\n- b\n');
  });
  it('prints numbers after a float64 round trip', () => {
    assert.deepEqual([1, 0.25, 1e-5, 1.5e22, 1234567.5, 2 ** 63].map(formatNumber), [
      '1',
      '0.25',
      '1e-05',
      '1.5e+22',
      '1.2345675e+06',
      '9223372036854776000',
    ]);
  });
});
