// `fluxts helm template` as a process (bin/fluxts.js → cli/main.ts → the render thread): helm's exit codes and
// streams, which the in-process differential test (runHelm) cannot see.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';

const BIN = join(import.meta.dirname, '../../bin/fluxts.js');
const CHART = join(import.meta.dirname, 'corpus/errors/chart');

function fluxts(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [BIN, 'helm', 'template', 'rel', CHART, ...args], { encoding: 'utf8' });
}

test('a chart that renders exits 0 with the manifests on stdout', () => {
  const r = fluxts();
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^---\n# Source: errors\/templates\/cm.yaml\n/);
  assert.equal(r.stderr, '');
});

test("a chart that fails exits 1 with helm's message on stderr and nothing on stdout", () => {
  const r = fluxts('--set', 'mode=fail');
  assert.equal(r.status, 1);
  assert.equal(r.stdout, '');
  assert.match(
    r.stderr,
    /^Error: execution error at \(errors\/templates\/cm.yaml:\d+:\d+\): this chart refuses to render\n/,
  );
});

test("include nested past Helm's limit fails with helm's message, not a stack overflow", () => {
  const r = fluxts('--set', 'mode=deep,depth=1001');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /rendering template has a nested reference name: countdown: unable to execute template\n/);
  assert.doesNotMatch(r.stderr, /call stack|max expression depth/);
});

test("a flag helm does not know fails with pflag's message, as helm prints it", () => {
  const r = fluxts('--sett', 'a=1');
  assert.equal(r.status, 1);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, 'Error: unknown flag: --sett\n');
});
