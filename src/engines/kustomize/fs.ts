import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
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
  /**
   * realPath resolves symbolic links (throwing when the path does not exist). A filesystem that can hold links
   * implements it, so kustomize's load restrictor sees where a link really points (`withinRealRoot`).
   */
  realPath?(path: string): string;
}

/** MAX_FILE_BYTES caps one file read from disk: nothing a kustomization reads is near it, /dev/zero is past it. */
export const MAX_FILE_BYTES = 64 << 20;

/**
 * withinRealRoot is kustomize's load restriction (`RestrictionRootOnly`): `path` must sit in or below `root`, by
 * name and, where the filesystem resolves links, after resolving them; a link out of the root is refused.
 */
export function withinRealRoot(fs: FileSystem, root: string, path: string): boolean {
  if (!within(root, path)) return false;
  if (fs.realPath === undefined) return true;
  let real: string;
  let realRoot: string;
  try {
    realRoot = fs.realPath(root);
    real = fs.realPath(path);
  } catch {
    return true; // missing: the read reports it
  }
  return within(realRoot, real);
}

/** isLink reports whether a directory entry is a symbolic link (false where the filesystem has no links). */
export function isLink(fs: FileSystem, path: string): boolean {
  if (fs.realPath === undefined) return false;
  try {
    return fs.realPath(path) !== posix.join(fs.realPath(posix.dirname(path)), posix.basename(path));
  } catch {
    return false;
  }
}

function within(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith('/') ? root : `${root}/`);
}

/** nodeFileSystem reads the real disk. */
export const nodeFileSystem: FileSystem = {
  readFile(path) {
    // Only regular files, and not huge ones: a link to /dev/zero must not read until memory runs out.
    const s = statSync(path);
    if (!s.isFile()) throw new Error(`open ${path}: not a regular file`);
    if (s.size > MAX_FILE_BYTES) throw new Error(`open ${path}: ${s.size} bytes, over the limit of ${MAX_FILE_BYTES}`);
    return readFileSync(path);
  },
  stat(path) {
    try {
      const s = statSync(path);
      return s.isDirectory() ? 'dir' : s.isFile() ? 'file' : undefined;
    } catch {
      return undefined;
    }
  },
  readDir: (path) => readdirSync(path),
  realPath: (path) => realpathSync.native(path),
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
