import { readdirSync, readFileSync, statSync } from 'node:fs';
import { posix } from 'node:path';

/**
 * FileSystem is everything the engine reads: synchronous, because a build reads many small files and async
 * scheduling would dominate its cost. Paths are absolute POSIX paths.
 */
export interface FileSystem {
  /** readFile returns the file's bytes, or throws when it does not exist or is a directory. */
  readFile(path: string): Uint8Array;
  /** stat says whether the path is a file or a directory, or undefined when it does not exist. */
  stat(path: string): 'file' | 'dir' | undefined;
  /** readDir lists the entry names of a directory. */
  readDir(path: string): string[];
}

/** nodeFileSystem reads the real disk. */
export const nodeFileSystem: FileSystem = {
  readFile: (path) => readFileSync(path),
  stat(path) {
    try {
      const s = statSync(path);
      return s.isDirectory() ? 'dir' : 'file';
    } catch {
      return undefined;
    }
  },
  readDir: (path) => readdirSync(path),
};

/**
 * memoryFileSystem builds a FileSystem from a map of absolute path → content; directories are implied by paths.
 * Tests use it to run builds without touching the disk.
 */
export function memoryFileSystem(files: Record<string, string | Uint8Array>): FileSystem {
  const data = new Map<string, Uint8Array>();
  const dirs = new Map<string, Set<string>>();
  const enc = new TextEncoder();
  for (const [p, content] of Object.entries(files)) {
    const path = posix.normalize(p);
    data.set(path, typeof content === 'string' ? enc.encode(content) : content);
    let child = path;
    for (let dir = posix.dirname(path); ; dir = posix.dirname(dir)) {
      const set = dirs.get(dir) ?? new Set<string>();
      set.add(posix.basename(child));
      dirs.set(dir, set);
      if (dir === '/' || dir === '.') break;
      child = dir;
    }
  }
  return {
    readFile(path) {
      const d = data.get(posix.normalize(path));
      if (d === undefined) throw new Error(`open ${path}: no such file or directory`);
      return d;
    },
    stat(path) {
      const p = posix.normalize(path);
      return data.has(p) ? 'file' : dirs.has(p) ? 'dir' : undefined;
    },
    readDir(path) {
      return [...(dirs.get(posix.normalize(path)) ?? [])].sort();
    },
  };
}
