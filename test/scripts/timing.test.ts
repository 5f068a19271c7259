// The closing timing line of `npm test`: the reporter's per-file wall times under the real node:test runner, build
// records from withBuildLock, and the summary that adds them up per suite.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { formatDuration, readTimings, recordPhase, suiteOf, summarize } from '../../scripts/timing.ts';
import { withBuildLock } from '../../src/util/build-lock.ts';

const REPORTER = join(import.meta.dirname, '../../scripts/timing-reporter.ts');

test('the reporter records each file from its first event to its last', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'fluxts-timing-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const slow = join(dir, 'slow.test.ts');
  const fast = join(dir, 'fast.test.ts');
  await writeFile(
    slow,
    "import { test } from 'node:test';\ntest('a', () => new Promise((r) => setTimeout(r, 600)));\ntest('b', () => {});\n",
  );
  await writeFile(fast, "import { test } from 'node:test';\ntest('c', () => {});\n");
  const out = join(dir, 'files.jsonl');
  const r = spawnSync(
    process.execPath,
    ['--test', `--test-reporter=${REPORTER}`, `--test-reporter-destination=${out}`, slow, fast],
    // Without NODE_TEST_CONTEXT, which would make the inner runner report to this one instead of the reporter.
    { cwd: dir, encoding: 'utf8', env: { ...process.env, NODE_TEST_CONTEXT: undefined } },
  );
  assert.equal(r.status, 0, r.stderr);
  const lines = readTimings(out);
  assert.deepEqual(lines.map((l) => [l.kind, l.name]).sort(), [
    ['file', 'fast.test.ts'],
    ['file', 'slow.test.ts'],
  ]);
  const ms = (name: string): number => lines.find((l) => l.name === name)?.ms ?? -1;
  assert.ok(ms('slow.test.ts') >= 550, `slow file took ${ms('slow.test.ts')} ms`);
  assert.ok(ms('fast.test.ts') < ms('slow.test.ts'));
});

test('withBuildLock records builds and waits in FLUXTS_TIMING_FILE', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'fluxts-timing-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'timing.jsonl');
  const before = process.env['FLUXTS_TIMING_FILE'];
  process.env['FLUXTS_TIMING_FILE'] = file;
  t.after(() => {
    if (before === undefined) delete process.env['FLUXTS_TIMING_FILE'];
    else process.env['FLUXTS_TIMING_FILE'] = before;
  });
  let built: string | undefined;
  const tool = join(dir, 'tool-v1');
  const build = (): Promise<string> =>
    withBuildLock(
      tool,
      () => Promise.resolve(built),
      async () => {
        await new Promise((r) => setTimeout(r, 300));
        return (built = 'bin');
      },
      { pollMs: 20 },
    );
  // Two concurrent requests: one builds, the other waits for it.
  assert.deepEqual(await Promise.all([build(), build()]), ['bin', 'bin']);
  await build(); // cached: nothing recorded
  const lines = readTimings(file);
  assert.deepEqual(
    lines.map((l) => [l.kind, l.name]),
    [
      ['build', 'tool-v1'],
      ['build-wait', 'tool-v1'],
    ],
  );
  assert.ok(lines.every((l) => l.ms >= 250));
});

test('the summary names the phases, builds and suites, slowest first', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'fluxts-timing-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'timing.jsonl');
  recordPhase(file, 'control plane', 31_000);
  recordPhase(file, 'parallel', 125_000);
  await writeFile(
    join(dir, 'files.jsonl'),
    [
      { kind: 'file', name: 'test/helm/differential.test.ts', ms: 20_000 },
      { kind: 'file', name: 'test/helm/values.test.ts', ms: 5_000 },
      { kind: 'file', name: 'src/engines/kustomize/build.test.ts', ms: 40_000 },
      { kind: 'build', name: 'kustomize-v5.8.2', ms: 300_000 },
      { kind: 'build-wait', name: 'kustomize-v5.8.2', ms: 200_000 },
    ]
      .map((l) => JSON.stringify(l))
      .join('\n') + '\n{"torn',
  );
  const line = summarize(readTimings(file, join(dir, 'files.jsonl'), join(dir, 'missing.jsonl')), 3_725_000);
  assert.equal(
    line,
    'timing: total 1h02m | phases: control plane 31s, parallel 2m05s | builds: kustomize-v5.8.2 5m00s, ' +
      'kustomize-v5.8.2 (waited) 3m20s | suites: src/engines 40s, test/helm 25s',
  );
  assert.equal(summarize([], 900), 'timing: total 900ms | builds: none (caches warm)');
  assert.equal(suiteOf('test/kustomize/fixtures/x.test.ts'), 'test/kustomize');
  assert.equal(formatDuration(59_400), '59s');
});
