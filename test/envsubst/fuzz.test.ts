// Differential fuzzing: random templates over the characters the envsubst grammar cares about, compared with
// Flux's Go envsubst. Seeded, so every run checks the same templates.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { envsubst, lenientLookup, strictLookup } from '../../src/engines/envsubst/index.ts';
import { FluxRef } from '../kstatus/fluxref.ts';
import { rng } from '../support/rng.ts';

const PIECES = [
  '$',
  '{',
  '}',
  '${',
  '$$',
  ':',
  '-',
  '=',
  '#',
  '%',
  '/',
  ',',
  '^',
  '\\',
  '?',
  '+',
  '*',
  '[',
  ']',
  'a',
  'b',
  'x',
  '1',
  '2',
  'é',
  ' ',
  '\n',
  'v',
  'w',
  'e',
];
const VARS: Record<string, string> = { a: 'abcabc', b: 'B/é', v: '', x: 'x.y.z', w: '12' };

let ref: FluxRef;
before(async () => {
  ref = await FluxRef.start();
});
after(() => ref.close());

test('random templates expand exactly as in Flux', async () => {
  const rand = rng(20261123);
  const vars = new Map(Object.entries(VARS));
  let compared = 0;
  for (let i = 0; i < 3000; i++) {
    let template = '';
    const len = 1 + Math.floor(rand() * 12);
    for (let j = 0; j < len; j++) template += PIECES[Math.floor(rand() * PIECES.length)] ?? '';
    const strict = rand() < 0.5;
    const want = await ref.ask({ op: 'envsubst', input: template, vars: VARS, strict });
    let got: { output?: string; error?: string };
    try {
      got = { output: envsubst(template, strict ? strictLookup(vars) : lenientLookup(vars)) };
    } catch (err) {
      got = { error: (err as Error).message };
    }
    if (want.error?.startsWith('panic:')) {
      assert.ok(got.error, `${JSON.stringify(template)}: Flux panics (${want.error}), we should fail`);
      continue;
    }
    assert.deepEqual(
      got,
      want.error === undefined ? { output: want.output } : { error: want.error },
      JSON.stringify(template),
    );
    compared++;
  }
  assert.ok(compared > 2900);
});
