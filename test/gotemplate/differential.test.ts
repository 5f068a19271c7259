// Differential test: every corpus case runs on Go's text/template (goref, built from the local Go 1.26) and on
// engines/gotemplate; output or error text must be byte-identical. Pointer addresses, which Go makes up per run,
// are the only normalisation.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { loadCorpus } from './corpus.ts';
import { GoRef, type GoRefResponse } from './goref.ts';
import { runOurs } from './ours.ts';

function normalise(r: GoRefResponse): GoRefResponse {
  const addr = (s: string | undefined): string | undefined => s?.replace(/0x[0-9a-f]{6,}/g, '0xADDR');
  return { ...r, output: addr(r.output), error: addr(r.error) };
}

describe('gotemplate differential (Go text/template)', () => {
  let ref: GoRef;
  before(async () => {
    ref = await GoRef.start();
  });
  after(() => ref.close());

  test('corpus', async () => {
    const cases = loadCorpus();
    assert.ok(cases.length > 200, `corpus too small: ${cases.length}`);
    const mismatches: string[] = [];
    for (const c of cases) {
      const want = normalise(await ref.ask(c.request));
      const got = normalise(runOurs(c.request));
      if (JSON.stringify(want) !== JSON.stringify(got)) {
        mismatches.push(
          `${c.where} ${JSON.stringify(c.request.templates)}\n  go: ${JSON.stringify(want)}\n  ts: ${JSON.stringify(got)}`,
        );
      }
    }
    assert.deepEqual(mismatches, [], `${mismatches.length} of ${cases.length} cases differ from Go`);
  });
});
