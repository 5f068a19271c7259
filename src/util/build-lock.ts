import { hostname } from 'node:os';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { sleep } from './sleep.ts';

/**
 * withBuildLock runs `build` while holding an exclusive, cross-process lock on `dir` (a `build.lock` directory
 * inside it), so that test files, helpers and clones that ask for the same uncached tool at the same moment share
 * one build instead of racing over its staging files. `ready` is asked before the lock is taken and again once it
 * is held: when another process finished the build meanwhile, its result is returned without building again.
 *
 * A lock whose owner process is gone (same host, pid no longer alive) or that is older than `staleAfterMs` belongs
 * to a killed run and is broken.
 */
export async function withBuildLock<T>(
  dir: string,
  ready: () => Promise<T | undefined>,
  build: () => Promise<T>,
  options: { staleAfterMs?: number; pollMs?: number; onWait?: (owner: string) => void } = {},
): Promise<T> {
  const staleAfterMs = options.staleAfterMs ?? 90 * 60_000;
  const pollMs = options.pollMs ?? 1000;
  await mkdir(dir, { recursive: true });
  const lock = join(dir, 'build.lock');
  const ownerFile = join(lock, 'owner');
  let announced = false;
  for (;;) {
    const done = await ready();
    if (done !== undefined) return done;
    try {
      await mkdir(lock);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = await readFile(ownerFile, 'utf8').catch(() => '');
      if (await isStale(lock, owner, staleAfterMs)) {
        await rm(lock, { recursive: true, force: true });
        continue;
      }
      if (!announced) {
        options.onWait?.(owner.trim() || 'another process');
        announced = true;
      }
      await sleep(pollMs);
      continue;
    }
    try {
      await writeFile(ownerFile, `${hostname()} ${process.pid}\n`);
      const finished = await ready();
      if (finished !== undefined) return finished;
      return await build();
    } finally {
      await rm(lock, { recursive: true, force: true });
    }
  }
}

async function isStale(lock: string, owner: string, staleAfterMs: number): Promise<boolean> {
  const info = await stat(lock).catch(() => undefined);
  if (info === undefined) return false; // released meanwhile: try again
  const age = Date.now() - info.mtimeMs;
  if (age > staleAfterMs) return true;
  const [host, pidText] = owner.trim().split(' ');
  const pid = Number(pidText);
  // The owner file is written just after the directory: give a fresh lock a moment before judging it ownerless.
  if (!host || !Number.isInteger(pid) || pid <= 0) return age > 10_000;
  if (host !== hostname()) return false;
  return !processAlive(pid);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
