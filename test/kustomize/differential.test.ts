import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { before, describe, test } from 'node:test';

import { build, KustomizeBuildError, nodeFileSystem } from '../../src/engines/kustomize/index.ts';
import { kustomizeBinary, runKubectlKustomize, runKustomize } from './reference.ts';
import { SHARED_FIXTURES } from '../support/fixtures.ts';

const here = import.meta.dirname;
const own = join(here, 'fixtures');
const shared = SHARED_FIXTURES;
const KFILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** kustomizationDirs lists every directory below root holding a kustomization file. */
function kustomizationDirs(root: string): string[] {
  if (!existsSync(root)) return [];
  const out: string[] = [];
  const walk = (d: string): void => {
    if (KFILES.some((f) => existsSync(join(d, f)))) out.push(d);
    for (const e of readdirSync(d).sort()) {
      const p = join(d, e);
      if (e !== '.git' && statSync(p).isDirectory()) walk(p);
    }
  };
  walk(root);
  return out;
}

/** Our own fixtures: each top-level folder is one case, built at its root. */
const ownCases = existsSync(own)
  ? readdirSync(own)
      .sort()
      .map((n) => join(own, n))
      .filter((d) => statSync(d).isDirectory() && KFILES.some((f) => existsSync(join(d, f))))
  : [];
const sharedCases = kustomizationDirs(shared);

/**
 * FLAGS_FILE, in a case's folder, holds `kustomize build` flags for that case (one line); the engine gets the same
 * setting. Only the load restrictor is supported.
 */
const FLAGS_FILE = 'kustomize-flags.txt';

function flagsOf(dir: string): string[] {
  const file = join(dir, FLAGS_FILE);
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split(/\s+/).filter(Boolean) : [];
}

function ours(dir: string, flags: readonly string[]): { ok: boolean; out: string } {
  const none = flags.join(' ').includes('--load-restrictor LoadRestrictionsNone');
  try {
    return { ok: true, out: build(dir, { fs: nodeFileSystem, loadRestrictions: none ? 'none' : 'rootOnly' }).yaml };
  } catch (err) {
    if (err instanceof KustomizeBuildError) return { ok: false, out: err.message };
    throw err;
  }
}

/** firstDifference shows a few lines around the first line where our output departs from kustomize's. */
function firstDifference(actual: string, expected: string): string {
  const a = actual.split('\n');
  const e = expected.split('\n');
  let i = 0;
  while (i < a.length && i < e.length && a[i] === e[i]) i++;
  const from = Math.max(0, i - 4);
  const show = (l: string[]): string =>
    l
      .slice(from, i + 4)
      .map((x, j) => `${from + j + 1}: ${x}`)
      .join('\n');
  return `output differs from kustomize at line ${i + 1}\n--- ours\n${show(a)}\n--- kustomize\n${show(e)}`;
}

let bin = '';
before(async () => {
  // No skip: a missing reference must fail the suite loudly (on CI and locally alike).
  bin = await kustomizeBinary();
});

for (const [group, cases, base] of [
  ['own fixtures', ownCases, own],
  ['shared fixtures', sharedCases, shared],
] as const) {
  describe(`kustomize build, differential (${group})`, () => {
    test('has cases', () => assert.ok(cases.length > 0, `no fixtures found under ${base}`));
    for (const dir of cases) {
      test(relative(base, dir), () => {
        const flags = flagsOf(dir);
        const ref = runKustomize(bin, dir, flags);
        const got = ours(dir, flags);
        const legacy = runKubectlKustomize(dir, flags);
        if (legacy && (legacy.ok !== ref.ok || (ref.ok && legacy.stdout !== ref.stdout))) {
          // Where kubectl's kustomize v5.5 disagrees with the pinned current kustomize, current kustomize wins.
          process.stderr.write(`# note: kubectl kustomize (v5.5) differs from kustomize ${relative(base, dir)}\n`);
        }
        if (!ref.ok) {
          assert.equal(got.ok, false, `kustomize fails (${ref.stderr.trim()}) but we printed:\n${got.out}`);
          return;
        }
        assert.equal(got.ok, true, `kustomize succeeds but we failed: ${got.out}`);
        if (got.out !== ref.stdout) assert.fail(firstDifference(got.out, ref.stdout));
      });
    }
  });
}
