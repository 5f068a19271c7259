// etcd's store lives on /dev/shm (RAM) and is removed when etcd exits or the cluster stops. A test run or a
// `fluxts cluster start` killed with SIGKILL removes nothing, and each orphan holds 60-130 MB of RAM until reboot, so
// every control-plane start sweeps the stores no running process uses.
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** ETCD_DIR_PREFIX names the data directories startEtcd creates. */
export const ETCD_DIR_PREFIX = 'fluxts-etcd-';

/**
 * GRACE_MS keeps a directory that was just created: a concurrent start makes it with mkdtemp a moment before its etcd
 * process exists and names it on its command line.
 */
const GRACE_MS = 60_000;

/** SweepPaths are where to look; tests point them at temporary directories. */
export interface SweepPaths {
  /** shm holds the etcd data directories (/dev/shm). */
  shm: string;
  /** proc is procfs (/proc), read for the `--data-dir=` arguments of running processes. */
  proc: string;
}

/** dataDirsInUse returns every `--data-dir=` argument of a running process. */
async function dataDirsInUse(proc: string): Promise<Set<string>> {
  const inUse = new Set<string>();
  for (const pid of await readdir(proc).catch(() => [])) {
    if (!/^\d+$/.test(pid)) continue;
    const cmdline = await readFile(join(proc, pid, 'cmdline'), 'utf8').catch(() => '');
    for (const arg of cmdline.split('\0'))
      if (arg.startsWith('--data-dir=')) inUse.add(arg.slice('--data-dir='.length));
  }
  return inUse;
}

/**
 * sweepOrphanedEtcdDirs removes the etcd data directories under paths.shm that no running process uses and that are
 * older than the grace period; it returns the removed paths. Errors are swallowed: a failed sweep must never stop a
 * cluster from starting.
 */
export async function sweepOrphanedEtcdDirs(
  paths: SweepPaths = { shm: '/dev/shm', proc: '/proc' },
  now: number = Date.now(),
): Promise<string[]> {
  const candidates = (await readdir(paths.shm).catch(() => [])).filter((n) => n.startsWith(ETCD_DIR_PREFIX));
  if (candidates.length === 0) return [];
  const inUse = await dataDirsInUse(paths.proc);
  const removed: string[] = [];
  for (const name of candidates) {
    const dir = join(paths.shm, name);
    if (inUse.has(dir)) continue;
    const info = await stat(dir).catch(() => undefined);
    if (!info?.isDirectory() || now - info.mtimeMs < GRACE_MS) continue;
    await rm(dir, { recursive: true, force: true }).then(
      () => removed.push(dir),
      () => undefined,
    );
  }
  return removed;
}
