import { IGNORE_FILE, readPatterns } from './matcher.ts';
import type { IgnorePattern } from './pattern.ts';

/** IgnoreTreeFs is the read-only view of a directory tree that loadIgnorePatterns needs. */
export interface IgnoreTreeFs {
  /** readFile returns the text of the file at the `/`-joined relative path, or undefined when it is absent. */
  readFile(path: string): Promise<string | undefined>;
  /** readDir lists a directory (relative path, '' for the root); isDir is false for symlinks. */
  readDir(path: string): Promise<{ name: string; isDir: boolean }[]>;
}

/**
 * loadIgnorePatterns collects the patterns of every `.sourceignore` in the tree, each scoped to its own
 * directory, in Flux's order: a directory's own file first, then its subdirectories sorted by name, depth
 * first; `.git` is not descended. Later patterns have higher priority.
 */
export async function loadIgnorePatterns(fs: IgnoreTreeFs, domain: readonly string[] = []): Promise<IgnorePattern[]> {
  const dir = domain.join('/');
  const text = await fs.readFile(dir === '' ? IGNORE_FILE : `${dir}/${IGNORE_FILE}`);
  const out = text === undefined ? [] : readPatterns(text, domain);
  const entries = (await fs.readDir(dir)).filter((e) => e.isDir && e.name !== '.git');
  entries.sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
  for (const e of entries) out.push(...(await loadIgnorePatterns(fs, [...domain, e.name])));
  return out;
}
