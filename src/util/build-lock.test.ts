import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { withBuildLock } from './build-lock.ts';
import { sleep } from './sleep.ts';

// The builds here are this module's test doubles, not tools: keep them out of the test run's timing summary.
delete process.env['FLUXTS_TIMING_FILE'];

const root = await mkdtemp(join(tmpdir(), 'fluxts-build-lock-'));
after(() => rm(root, { recursive: true, force: true }));

/** fakeTool builds "a tool" (a file) slowly, counting builds in a log, like goInstall with a cold cache. */
function fakeTool(dir: string) {
  const product = join(dir, 'tool');
  const log = join(dir, 'builds.log');
  return {
    ready: async () => (existsSync(product) ? await readFile(product, 'utf8') : undefined),
    build: async () => {
      await writeFile(log, 'build\n', { flag: 'a' });
      await sleep(300);
      await writeFile(product, 'built');
      return 'built';
    },
    builds: async () => (await readFile(log, 'utf8').catch(() => '')).split('\n').filter(Boolean).length,
  };
}

test('two concurrent requests in one process share one build', async () => {
  const dir = join(root, 'in-process');
  const tool = fakeTool(dir);
  const results = await Promise.all([
    withBuildLock(dir, tool.ready, tool.build, { pollMs: 20 }),
    withBuildLock(dir, tool.ready, tool.build, { pollMs: 20 }),
  ]);
  assert.deepEqual(results, ['built', 'built']);
  assert.equal(await tool.builds(), 1);
  assert.equal(existsSync(join(dir, 'build.lock')), false, 'the lock is released');
});

test('two processes asking for the same uncached tool at the same moment share one build', async () => {
  const dir = join(root, 'cross-process');
  await mkdir(dir, { recursive: true });
  const script = `
    import { existsSync } from 'node:fs';
    import { readFile, writeFile } from 'node:fs/promises';
    import { join } from 'node:path';
    import { withBuildLock } from ${JSON.stringify(fileURLToPath(new URL('./build-lock.ts', import.meta.url)))};
    const dir = process.argv[1];
    const product = join(dir, 'tool');
    const out = await withBuildLock(dir, async () => (existsSync(product) ? readFile(product, 'utf8') : undefined), async () => {
      await writeFile(join(dir, 'builds.log'), 'build\\n', { flag: 'a' });
      await new Promise((r) => setTimeout(r, 500));
      await writeFile(product, 'built by ' + process.pid);
      return readFile(product, 'utf8');
    }, { pollMs: 20 });
    process.stdout.write(out);
  `;
  const runOne = () =>
    new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', script, dir], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`child exited ${code}`))));
    });
  const [a, b] = await Promise.all([runOne(), runOne()]);
  assert.equal(a, b, 'both got the one product');
  const builds = (await readFile(join(dir, 'builds.log'), 'utf8')).split('\n').filter(Boolean);
  assert.equal(builds.length, 1);
});

test('a lock left by a dead process is broken, and a failed build releases the lock', async () => {
  const dir = join(root, 'stale');
  const tool = fakeTool(dir);
  await mkdir(join(dir, 'build.lock'), { recursive: true });
  // A pid far above pid_max on Linux belongs to no process.
  await writeFile(join(dir, 'build.lock', 'owner'), `${hostname()} 2147483646\n`);
  assert.equal(await withBuildLock(dir, tool.ready, tool.build, { pollMs: 20 }), 'built');

  const failing = join(root, 'failing');
  await assert.rejects(
    withBuildLock(
      failing,
      () => Promise.resolve(undefined),
      () => Promise.reject(new Error('go build failed')),
    ),
    /go build failed/,
  );
  assert.equal(existsSync(join(failing, 'build.lock')), false);
});

test('a live owner keeps its lock however old it is; a silent lock of another host is broken', async () => {
  const dir = join(root, 'old-but-alive');
  const tool = fakeTool(dir);
  await mkdir(join(dir, 'build.lock'), { recursive: true });
  await writeFile(join(dir, 'build.lock', 'owner'), `${hostname()} ${process.pid}\n`);
  const old = new Date(Date.now() - 24 * 3600_000);
  await utimes(join(dir, 'build.lock'), old, old);
  const waiting = withBuildLock(dir, tool.ready, tool.build, { pollMs: 20, staleAfterMs: 1000 });
  await sleep(200);
  assert.equal(await tool.builds(), 0, 'no second build while the owner lives');
  await rm(join(dir, 'build.lock'), { recursive: true, force: true });
  assert.equal(await waiting, 'built');

  const remote = join(root, 'remote-owner');
  const remoteTool = fakeTool(remote);
  await mkdir(join(remote, 'build.lock'), { recursive: true });
  await writeFile(join(remote, 'build.lock', 'owner'), `another-host 1\n`);
  await utimes(join(remote, 'build.lock'), old, old);
  assert.equal(await withBuildLock(remote, remoteTool.ready, remoteTool.build, { pollMs: 20 }), 'built');
});

test('the owner refreshes its lock while it builds', async () => {
  const dir = join(root, 'heartbeat');
  await mkdir(dir, { recursive: true });
  let seen = 0;
  await withBuildLock(
    dir,
    () => Promise.resolve(undefined),
    async () => {
      const old = new Date(Date.now() - 3600_000);
      await utimes(join(dir, 'build.lock'), old, old);
      await sleep(150);
      seen = (await stat(join(dir, 'build.lock'))).mtimeMs;
      return 'built';
    },
    { heartbeatMs: 50 },
  );
  assert.ok(Date.now() - seen < 10_000, 'the heartbeat moved the mtime forward');
});
