import type { Dirent } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ArtifactStorageError } from './errors.ts';

/** RetentionPolicy is Flux's `--artifact-retention-ttl` (as ms) and `--artifact-retention-records`. */
export interface RetentionPolicy {
  ttlMs: number;
  records: number;
}

/**
 * garbageCollect deletes old artifact files in dir, never current: first every file older than the TTL, then
 * the oldest of the rest until at most `records` files (current included) remain. Lock files, symlinks,
 * sub-directories and in-flight temp files are left alone (fluxcd/pkg `GetGarbageFiles`). Returns the deleted
 * paths.
 */
export async function garbageCollect(
  dir: string,
  current: string,
  policy: RetentionPolicy,
  now: number,
): Promise<string[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new ArtifactStorageError(`artifact directory ${dir}`, 'list', { cause });
  }
  const files: { path: string; mtime: number }[] = [];
  for (const entry of entries) {
    const name = entry.name;
    // Dirent types come from lstat, so symlinks (Flux's convenience links) are skipped here.
    if (!entry.isFile() || name.endsWith('.lock') || (name.startsWith('.') && name.endsWith('.tmp'))) continue;
    const path = join(dir, name);
    const st = await stat(path).catch(() => undefined);
    if (st !== undefined) files.push({ path, mtime: st.mtimeMs });
  }
  files.sort((a, b) => a.mtime - b.mtime);
  const garbage = new Set(files.filter((f) => f.path !== current && now - f.mtime > policy.ttlMs).map((f) => f.path));
  let remaining = files.length - garbage.size;
  for (const f of files) {
    if (remaining <= policy.records) break;
    if (f.path === current || garbage.has(f.path)) continue;
    garbage.add(f.path);
    remaining--;
  }
  const deleted: string[] = [];
  for (const path of garbage) {
    try {
      await rm(path);
      await rm(`${path}.lock`, { force: true });
      deleted.push(path);
    } catch (cause) {
      throw new ArtifactStorageError(`artifact ${path}`, 'garbage collection', { cause });
    }
  }
  return deleted;
}
