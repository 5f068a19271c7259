// Runs the same template through Go (sprigref) and through engines/gotemplate + engines/sprig, and compares.
import assert from 'node:assert/strict';

import { Template, utf8Encode } from '../../src/engines/gotemplate/index.ts';
import type { GoValue } from '../../src/engines/gotemplate/index.ts';
import { sprigFunctions, type SprigOptions } from '../../src/engines/sprig/index.ts';
import type { SprigRef } from './sprigref.ts';

/** Case is one template and its data (decoded as Helm decodes values: every number a float64). */
export interface Case {
  tpl: string;
  data?: unknown;
}

/** Outcome is what one side produced: the output text, or the error message. */
export type Outcome = { out: string } | { err: string };

/** ours renders a case with fluxts. */
export function ours(c: Case, options: SprigOptions = {}): Outcome {
  try {
    const t = new Template('t').funcs(sprigFunctions(options)).parse(c.tpl);
    const out = t.execute((c.data === undefined ? null : JSON.parse(JSON.stringify(c.data))) as GoValue);
    // Compared as Go's side is: the output bytes (invalid UTF-8 kept as byte escapes) read back as UTF-8.
    return { out: Buffer.from(utf8Encode(out)).toString('utf8') };
  } catch (err) {
    return { err: (err as Error).message };
  }
}

/** theirs renders a case with Go. */
export async function theirs(ref: SprigRef, c: Case): Promise<Outcome> {
  const r = await ref.run(c.tpl, c.data);
  return 'output' in r ? { out: Buffer.from(r.output).toString('utf8') } : { err: r.error };
}

/** compareAll renders every case on both sides and asserts they agree, reporting every mismatch at once. */
export async function compareAll(
  ref: SprigRef,
  cases: readonly (Case | string)[],
  options: SprigOptions = {},
): Promise<void> {
  const all = cases.map((c) => (typeof c === 'string' ? { tpl: c } : c));
  const want = await Promise.all(all.map((c) => theirs(ref, c)));
  const failures: string[] = [];
  all.forEach((c, i) => {
    const got = ours(c, options);
    try {
      assert.deepEqual(got, want[i]);
    } catch {
      failures.push(
        `${c.tpl}${c.data === undefined ? '' : ` with ${JSON.stringify(c.data)}`}\n  go:   ${JSON.stringify(want[i])}\n  ours: ${JSON.stringify(got)}`,
      );
    }
  });
  assert.equal(failures.length, 0, `${failures.length} of ${all.length} cases differ:\n${failures.join('\n')}`);
}
