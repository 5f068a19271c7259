// Flux's artifact garbage collection (fluxcd/pkg GetGarbageFiles semantics) on a real temp directory.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

import { garbageCollect } from './retention.ts';

const roots: string[] = [];
after(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

const NOW = Date.parse('2026-12-07T12:00:00Z');
const MIN = 60_000;

/** dir writes files aged by minutes before NOW: `{ 'a.tar.gz': 30 }` is half an hour old. */
function dir(ages: Record<string, number>): string {
  const d = mkdtempSync(join(tmpdir(), 'fluxts-retention-'));
  roots.push(d);
  for (const [name, minutes] of Object.entries(ages)) {
    const p = join(d, name);
    writeFileSync(p, name);
    const t = new Date(NOW - minutes * MIN);
    utimesSync(p, t, t);
  }
  return d;
}

test('keeps the newest files up to the record count, the current one included', async () => {
  const d = dir({ 'a.tar.gz': 5, 'b.tar.gz': 4, 'c.tar.gz': 3, 'd.tar.gz': 2, 'e.tar.gz': 1 });
  const deleted = await garbageCollect(d, join(d, 'e.tar.gz'), { ttlMs: 60 * MIN, records: 2 }, NOW);
  assert.deepEqual(
    deleted.sort(),
    ['a.tar.gz', 'b.tar.gz', 'c.tar.gz'].map((n) => join(d, n)),
  );
  assert.ok(existsSync(join(d, 'd.tar.gz')) && existsSync(join(d, 'e.tar.gz')));
});

test('deletes everything past the TTL except the current artifact, even under the record count', async () => {
  const d = dir({ 'old.tar.gz': 120, 'current.tar.gz': 90, 'fresh.tar.gz': 1 });
  const deleted = await garbageCollect(d, join(d, 'current.tar.gz'), { ttlMs: 60 * MIN, records: 10 }, NOW);
  assert.deepEqual(deleted, [join(d, 'old.tar.gz')]);
  assert.ok(existsSync(join(d, 'current.tar.gz')), 'the current artifact survives its TTL');
});

test('the current artifact is never deleted, even when it is the oldest and over the record count', async () => {
  const d = dir({ 'current.tar.gz': 10, 'b.tar.gz': 2, 'c.tar.gz': 1 });
  const deleted = await garbageCollect(d, join(d, 'current.tar.gz'), { ttlMs: 60 * MIN, records: 2 }, NOW);
  assert.deepEqual(deleted, [join(d, 'b.tar.gz')]);
});

test('lock files, temp files, symlinks and sub-directories are left alone; a deleted file takes its lock', async () => {
  const d = dir({ 'a.tar.gz': 100, 'a.tar.gz.lock': 100, '.upload-1.tmp': 100, 'b.tar.gz': 1 });
  symlinkSync(join(d, 'b.tar.gz'), join(d, 'latest.tar.gz'));
  mkdirSync(join(d, 'sub'));
  const deleted = await garbageCollect(d, join(d, 'b.tar.gz'), { ttlMs: 60 * MIN, records: 1 }, NOW);
  assert.deepEqual(deleted, [join(d, 'a.tar.gz')]);
  assert.ok(!existsSync(join(d, 'a.tar.gz.lock')), "the deleted artifact's lock goes with it");
  for (const kept of ['.upload-1.tmp', 'latest.tar.gz', 'sub', 'b.tar.gz']) assert.ok(existsSync(join(d, kept)), kept);
});

test('a missing directory has nothing to collect', async () => {
  assert.deepEqual(await garbageCollect(join(tmpdir(), 'fluxts-no-such-dir-x'), '', { ttlMs: 0, records: 0 }, NOW), []);
});
