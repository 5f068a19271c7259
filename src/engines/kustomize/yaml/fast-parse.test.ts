import assert from 'node:assert/strict';
import { test } from 'node:test';

import { isScalar, parseAllDocuments } from 'yaml';

import { emitDocument } from './emit.ts';
import { fastParseDocuments } from './fast-parse.ts';
import { toValue } from './to-value.ts';

/** Both readers must yield the same values; the fast one may only decline (undefined), never differ. */
function same(text: string): 'fast' | 'declined' {
  const fast = fastParseDocuments(text);
  const full = parseAllDocuments(text, { schema: 'failsafe' });
  const slow = (Array.isArray(full) ? full : []).map((d) => d.contents);
  if (fast === undefined) return 'declined';
  assert.equal(fast.length, slow.length, `document count for:\n${text}`);
  fast.forEach((n, i) => {
    const a = n === null ? 'null' : emitDocument(toValue(n));
    const s = slow[i];
    // An empty document is null to one reader and an empty plain scalar to the other; both mean "nothing".
    const empty = s === null || s === undefined || (isScalar(s) && (s.value === '' || s.value === null));
    const b = empty ? 'null' : emitDocument(toValue(s));
    assert.equal(a, b, `document ${i} of:\n${text}`);
  });
  return 'fast';
}

test('the fast reader agrees with the yaml package on manifest-style YAML', () => {
  const cases = [
    'a: 1\nb: "two"\nc: \'three\'\n',
    'list:\n- a\n- b: 1\n  c: 2\n-   d: x\n',
    'm:\n  n:\n    o: p # comment\n  q: []\n  r: {}\n',
    '---\na: 1\n---\n# only comment\n---\nb: 2\n',
    's: |\n  line\n    indented\n\n  last\nt: x\n',
    'u: |-\n  x\nv: |+\n  y\n\nw: z\n',
    'k: "esc \\" \\\\ \\n \\u00e9"\n',
    'seq:\n  - x\n  - y\nafter: 1\n',
    'key with spaces: v\n"quoted key": w\n',
    'e:\nf: ~\n',
    'url: http://example.com:8080/path\n',
    'colon: a:b\n',
  ];
  for (const c of cases) assert.equal(same(c), 'fast', c);
});

test('the fast reader declines what it does not handle', () => {
  for (const c of [
    'a: &x 1\nb: *x\n',
    'a: >\n  folded\n',
    'a: [1, 2]\n',
    'a: b\n  continued\n',
    '%YAML 1.2\n---\na: 1\n',
    'a:\tb\n',
  ])
    assert.equal(same(c), 'declined', c);
});
