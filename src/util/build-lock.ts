import { hostname } from 'node:os';
import { appendFileSync } from 'node:fs';
import { mkdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';

import { sleep } from './sleep.ts';

/**
 * withBuildLock runs `build` while holding an exclusive, cross-process lock on `dir` (a `build.lock` directory
 * inside it), so that test files, helpers and clones that ask for the same uncached tool at the same moment share
 * one build instead of racing over its staging files. `ready` is asked before the lock is taken and again once it
 * is held: when another process finished the build meanwhile, its result is returned without building again.
 *
 * The owner refreshes the lock's mtime every `heartbeatMs` while it builds (a cold Kubernetes build can take an hour
 * or more on a loaded machine, so age alone says nothing). A lock is broken only when its owner is provably gone:
 * same host and the pid no longer alive, or no heartbeat for `staleAfterMs` (an owner on another host sharing the
 * cache, or a lock without an owner file).
 */
export async function withBuildLock<T>(
  dir: string,
  ready: () => Promise<T | undefined>,
  build: () => Promise<T>,
  options: { staleAfterMs?: number; heartbeatMs?: number; pollMs?: number; onWait?: (owner: string) => void } = {},
): Promise<T> {
  const heartbeatMs = options.heartbeatMs ?? 30_000;
  const staleAfterMs = options.staleAfterMs ?? 10 * heartbeatMs;
  const pollMs = options.pollMs ?? 1000;
  await mkdir(dir, { recursive: true });
  const lock = join(dir, 'build.lock');
  const ownerFile = join(lock, 'owner');
  let announced = false;
  const waitStarted = Date.now();
  for (;;) {
    const done = await ready();
    if (done !== undefined) {
      if (announced) recordTiming('build-wait', basename(dir), Date.now() - waitStarted);
      return done;
    }
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
    const heartbeat = setInterval(() => {
      const now = new Date();
      utimes(lock, now, now).catch(() => undefined);
    }, heartbeatMs);
    heartbeat.unref();
    try {
      await writeFile(ownerFile, `${hostname()} ${process.pid}\n`);
      const finished = await ready();
      if (finished !== undefined) return finished;
      const started = Date.now();
      const result = await build();
      recordTiming('build', basename(dir), Date.now() - started);
      return result;
    } finally {
      clearInterval(heartbeat);
      await rm(lock, { recursive: true, force: true });
    }
  }
}

async function isStale(lock: string, owner: string, staleAfterMs: number): Promise<boolean> {
  const info = await stat(lock).catch(() => undefined);
  if (info === undefined) return false; // released meanwhile: try again
  const silentFor = Date.now() - info.mtimeMs;
  const [host, pidText] = owner.trim().split(' ');
  const pid = Number(pidText);
  // A live owner on this host keeps its lock however long its build takes.
  if (host === hostname() && Number.isInteger(pid) && pid > 0) return !processAlive(pid);
  // Otherwise only a missing heartbeat tells (the owner file is written just after the directory).
  return silentFor > staleAfterMs;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * recordTiming appends one line `{"kind","name","ms"}` to the file named by FLUXTS_TIMING_FILE, when set: the test
 * runner (scripts/test.ts) sets it to say at the end of a run where the time went. One short append per line, so
 * concurrent processes do not interleave.
 */
export function recordTiming(kind: string, name: string, ms: number): void {
  const file = process.env['FLUXTS_TIMING_FILE'];
  if (!file) return;
  try {
    appendFileSync(file, `${JSON.stringify({ kind, name, ms })}\n`);
  } catch {
    // Timing is advisory: a missing directory must not fail a build.
  }
}
