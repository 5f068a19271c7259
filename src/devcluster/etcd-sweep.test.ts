import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { sweepOrphanedEtcdDirs } from './etcd-sweep.ts';

test('removes old etcd stores no process uses, keeps used, fresh and foreign ones', async (t) => {
  const shm = await mkdtemp(join(tmpdir(), 'sweep-'));
  t.after(() => rm(shm, { recursive: true, force: true }));
  const orphan = join(shm, 'fluxts-etcd-orphan');
  const used = join(shm, 'fluxts-etcd-used');
  const fresh = join(shm, 'fluxts-etcd-fresh');
  const foreign = join(shm, 'someone-else');
  for (const d of [orphan, used, fresh, foreign]) await mkdir(d);
  const hourAgo = new Date(Date.now() - 3_600_000);
  for (const d of [orphan, used, foreign]) await utimes(d, hourAgo, hourAgo);

  // A live process naming `used` on its command line, as etcd does.
  const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)', '--', `--data-dir=${used}`], {
    stdio: 'ignore',
  });
  t.after(() => holder.kill());
  await new Promise((resolve) => holder.once('spawn', resolve));

  const removed = await sweepOrphanedEtcdDirs({ shm, proc: '/proc' });
  assert.deepEqual(removed, [orphan]);
  assert.ok(!existsSync(orphan));
  for (const d of [used, fresh, foreign]) assert.ok(existsSync(d), d);
});

test('a missing shm or proc directory sweeps nothing and does not throw', async () => {
  assert.deepEqual(await sweepOrphanedEtcdDirs({ shm: '/nonexistent-shm', proc: '/nonexistent-proc' }), []);
});
