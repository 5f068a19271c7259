// Differential test over generated cases (see generate.ts): fmt verbs × flags × values, random floats, random
// token soups and random pipelines, each run on Go's text/template and on engines/gotemplate.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { actionCases, floatCases, fmtCases, Rng, soupCases } from './generate.ts';
import { GoRef, type GoRefRequest, type GoRefResponse } from './goref.ts';
import { runOurs } from './ours.ts';

function normalise(r: GoRefResponse): string {
  return JSON.stringify(r).replace(/0x[0-9a-f]{6,}/g, '0xADDR');
}

/** describe_ names a mismatch; for long `|`-joined outputs, only the segments that differ. */
function describe_(req: GoRefRequest, want: string, got: string): string {
  const w = want.split('|');
  const g = got.split('|');
  if (w.length > 20 && w.length === g.length) {
    const text = req.templates[0]![1];
    const verbs = /printf "([^"]*)"/.exec(text)?.[1]?.split('|') ?? [];
    const diffs = w.flatMap((x, i) => (x === g[i] ? [] : [`${verbs[i] ?? i}: go ${x} ts ${g[i]}`]));
    return `${text.slice(text.lastIndexOf('"') + 1, text.lastIndexOf('"') + 30)}… ${diffs.slice(0, 12).join('; ')}`;
  }
  return `${JSON.stringify(req.templates)}\n  go: ${want}\n  ts: ${got}`;
}

async function compare(ref: GoRef, requests: GoRefRequest[]): Promise<string[]> {
  const mismatches: string[] = [];
  for (const req of requests) {
    const want = normalise(await ref.ask(req));
    let got: string;
    try {
      got = normalise(runOurs(req));
    } catch (err) {
      got = `THROWN ${(err as Error).stack}`;
    }
    if (want !== got) mismatches.push(describe_(req, want, got));
  }
  return mismatches;
}

describe('gotemplate differential (generated)', () => {
  let ref: GoRef;
  before(async () => {
    ref = await GoRef.start();
  });
  after(() => ref.close());

  test('fmt: every verb and flag over values of every type', async () => {
    const mismatches = await compare(ref, fmtCases());
    assert.deepEqual(mismatches, [], `${mismatches.length} operands differ`);
  });

  test('fmt: random floats in shortest and fixed precision', async () => {
    const mismatches = await compare(ref, floatCases(new Rng(1), 250));
    assert.deepEqual(mismatches.slice(0, 5), [], `${mismatches.length} differ`);
  });

  test('lexer and parser: random token soups', async () => {
    const mismatches = await compare(ref, soupCases(new Rng(2), 3000));
    assert.deepEqual(mismatches.slice(0, 5), [], `${mismatches.length} differ`);
  });

  test('executor: random pipelines in every control structure', async () => {
    const mismatches = await compare(ref, actionCases(new Rng(3), 3000));
    assert.deepEqual(mismatches.slice(0, 5), [], `${mismatches.length} differ`);
  });
});
