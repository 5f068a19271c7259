import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  loadIgnorePatterns,
  readPatterns,
  sourceIgnoreMatcher,
  type IgnoreTreeFs,
} from '../engines/sourceignore/index.ts';
import type { PackFilter } from './pack.ts';

/** diskIgnoreFs is the on-disk IgnoreTreeFs rooted at dir. */
export function diskIgnoreFs(dir: string): IgnoreTreeFs {
  return {
    readFile: async (p) => {
      try {
        return await readFile(join(dir, ...p.split('/')), 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'EISDIR') {
          return undefined;
        }
        throw err;
      }
    },
    readDir: async (p) =>
      (await readdir(p === '' ? dir : join(dir, ...p.split('/')), { withFileTypes: true })).map((d) => ({
        name: d.name,
        isDir: d.isDirectory(),
      })),
  };
}

/**
 * sourceIgnoreFilter builds the PackFilter source-controller archives a GitRepository checkout with: every
 * `.sourceignore` in dir (each scoped to its directory), then `spec.ignore`, with Flux's default-list rule.
 * @example await storage.archive(artifact, dir, await sourceIgnoreFilter(dir, obj.spec.ignore))
 */
export async function sourceIgnoreFilter(dir: string, specIgnore?: string): Promise<PackFilter> {
  const ps = await loadIgnorePatterns(diskIgnoreFs(dir));
  if (specIgnore !== undefined) ps.push(...readPatterns(specIgnore));
  const m = sourceIgnoreMatcher(ps);
  return (path, isDir) => m.excludes(path, isDir);
}
