import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { withBuildLock } from './build-lock.ts';
import { sleep } from './sleep.ts';

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
