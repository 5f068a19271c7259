import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { CachedBinary, ensureGoToolchain, GoBuildError, runGo } from './go-build.ts';

test('a missing Go toolchain is one clear error with a hint', async () => {
  const saved = process.env['PATH'];
  process.env['PATH'] = '/nonexistent';
  try {
    await assert.rejects(ensureGoToolchain(), (err: unknown) => {
      assert.ok(err instanceof GoBuildError);
      assert.match(err.message, /Go toolchain not found/);
      assert.match(err.hint ?? '', /install Go/);
      return true;
    });
  } finally {
    process.env['PATH'] = saved;
  }
});

test('a failed go command names the step and shows its output', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'fluxts-gobuild-'));
  await writeFile(join(dir, 'go.mod'), 'module example.com/broken\n\ngo 1.26.0\n');
  await writeFile(join(dir, 'main.go'), 'package main\n\nfunc main() { undefinedCall() }\n');
  await assert.rejects(runGo(['build', '.'], { cwd: dir, label: 'broken: go build' }), (err: unknown) => {
    assert.ok(err instanceof GoBuildError);
    assert.match(err.message, /^broken: go build failed/);
    assert.match(err.message, /undefinedCall/);
    assert.match(err.hint ?? '', /rerun/);
    return true;
  });
});

test('a cached binary whose bytes changed is no longer valid', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'fluxts-cached-'));
  const built = join(dir, 'built');
  await writeFile(built, 'binary v1');
  const cached = new CachedBinary(join(dir, 'bin', 'tool'));
  assert.equal(await cached.isValid(), false);
  await cached.install(built);
  assert.equal(await cached.isValid(), true);
  await writeFile(cached.path, 'truncated');
  assert.equal(await cached.isValid(), false);
});
