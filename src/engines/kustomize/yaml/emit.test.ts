import assert from 'node:assert/strict';
import { test } from 'node:test';

import { emitDocument, goFormatG, keyLess, sortedKeys, type Value } from './emit.ts';

const doc = (entries: [string, Value][]): string => emitDocument(new Map(entries));

test('emitDocument quotes strings that go-yaml v2 would read back as other types', () => {
  assert.equal(doc([['a', 'yes']]), 'a: "yes"\n');
  assert.equal(doc([['a', '0x10']]), 'a: "0x10"\n');
  assert.equal(doc([['a', '12:30']]), 'a: "12:30"\n');
  assert.equal(doc([['a', '']]), 'a: ""\n');
  assert.equal(doc([['n', 'plain']]), '"n": plain\n');
});

test('emitDocument single-quotes indicators and double-quotes control characters', () => {
  assert.equal(doc([['a', '*x']]), "a: '*x'\n");
  assert.equal(doc([['a', 'a: b']]), "a: 'a: b'\n");
  assert.equal(doc([['a', "it's"]]), "a: it's\n");
  assert.equal(doc([['a', 'a\tb']]), 'a: "a\\tb"\n');
  assert.equal(doc([['a', '😀']]), 'a: "\\U0001F600"\n');
});

test('emitDocument writes literal blocks with chomping and indentation indicators', () => {
  assert.equal(doc([['a', 'x\n']]), 'a: |\n  x\n');
  assert.equal(doc([['a', 'x\ny']]), 'a: |-\n  x\n  y\n');
  assert.equal(doc([['a', 'x\n\n']]), 'a: |+\n  x\n\n');
  assert.equal(doc([['a', ' x\n']]), 'a: |2\n   x\n');
  assert.equal(doc([['a', 'x  \ny']]), 'a: "x  \\ny"\n');
});

test('emitDocument folds long plain scalars after column 80', () => {
  const words = Array.from({ length: 21 }, (_, i) => String.fromCharCode(97 + i).repeat(4)).join(' ');
  const out = doc([['long', words]]);
  // `long: ` plus sixteen words reaches column 85 before the first space past column 80.
  assert.equal(out.split('\n')[0]?.length, 85);
  assert.ok(out.split('\n')[1]?.startsWith('  qqqq'));
});

test('emitDocument uses indentless sequences and flow style for empty collections', () => {
  const v = new Map<string, Value>([
    [
      'list',
      [
        'a',
        new Map<string, Value>([
          ['k', 1n],
          ['j', true],
        ]),
      ],
    ],
    ['empty', new Map()],
    ['none', []],
    ['nil', null],
  ]);
  assert.equal(emitDocument(v), 'empty: {}\nlist:\n- a\n- j: true\n  k: 1\nnil: null\nnone: []\n');
});

test('keyLess orders digits numerically and non-letters before letters', () => {
  assert.deepEqual(sortedKeys(new Map<string, Value>(['a10', 'a2', 'a1', 'b', 'a-b', 'aB'].map((k) => [k, null]))), [
    'a-b',
    'a1',
    'a2',
    'a10',
    'aB',
    'b',
  ]);
  assert.equal(keyLess('A', 'a'), true);
});

test('goFormatG matches Go strconv.FormatFloat(f, g, -1, 64)', () => {
  assert.equal(goFormatG(1.5), '1.5');
  assert.equal(goFormatG(1234567.5), '1.2345675e+06');
  assert.equal(goFormatG(1.2345678901234569e23), '1.2345678901234569e+23');
  assert.equal(goFormatG(0.00001), '1e-05');
  assert.equal(goFormatG(0.0001), '0.0001');
});
