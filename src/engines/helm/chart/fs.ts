import { type BigIntStats, lstatSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { posix } from 'node:path';

/** FileInfo is what the chart loader needs to know about a path (lstat or stat). */
export interface FileInfo {
  kind: 'file' | 'dir' | 'symlink' | 'other';
  size: number;
  /** mtimeNs: modification time in nanoseconds since the Unix epoch. */
  mtimeNs?: bigint;
}

/**
 * ChartFileSystem is everything the chart loader reads. Paths are absolute POSIX paths. Methods throw an Error
 * whose message is what Go's os package would say (`open /x/Chart.yaml: no such file or directory`), because
 * Helm prints those.
 */
export interface ChartFileSystem {
  lstat(path: string): FileInfo;
  stat(path: string): FileInfo;
  readFile(path: string): Uint8Array;
  /** readDir returns entry names (any order; the loader sorts). */
  readDir(path: string): string[];
  /** realpath resolves every symlink (filepath.EvalSymlinks). */
  realpath(path: string): string;
}

function info(s: BigIntStats): FileInfo {
  const kind = s.isFile() ? 'file' : s.isDirectory() ? 'dir' : s.isSymbolicLink() ? 'symlink' : 'other';
  return { kind, size: Number(s.size), mtimeNs: s.mtimeNs };
}

/** goErrno renders a Node filesystem error as Go's *PathError text: `<op> <path>: <reason>`. */
function goError(op: string, path: string, err: unknown): Error {
  const code = (err as NodeJS.ErrnoException).code;
  const reason =
    code === 'ENOENT'
      ? 'no such file or directory'
      : code === 'EACCES'
        ? 'permission denied'
        : code === 'ENOTDIR'
          ? 'not a directory'
          : code === 'EISDIR'
            ? 'is a directory'
            : code === 'ELOOP'
              ? 'too many levels of symbolic links'
              : code === 'ENAMETOOLONG'
                ? 'file name too long'
                : ((err as Error).message ?? String(err));
  return new Error(`${op} ${path}: ${reason}`);
}

/** nodeChartFileSystem reads the real disk. */
export const nodeChartFileSystem: ChartFileSystem = {
  lstat(path) {
    try {
      return info(lstatSync(path, { bigint: true }));
    } catch (err) {
      throw goError('lstat', path, err);
    }
  },
  stat(path) {
    try {
      return info(statSync(path, { bigint: true }));
    } catch (err) {
      throw goError('stat', path, err);
    }
  },
  readFile(path) {
    try {
      return readFileSync(path);
    } catch (err) {
      throw goError('open', path, err);
    }
  },
  readDir(path) {
    try {
      return readdirSync(path);
    } catch (err) {
      throw goError('open', path, err);
    }
  },
  realpath: evalSymlinks,
};

/**
 * evalSymlinks is Go's filepath.EvalSymlinks: components resolved one by one, so that an error names the path
 * that failed (`lstat /chart/templates/target.yaml: no such file or directory` for a dangling link).
 */
function evalSymlinks(path: string): string {
  let resolved = path.startsWith('/') ? '/' : '.';
  let rest = path.split('/').filter((p) => p !== '' && p !== '.');
  let links = 0;
  while (rest.length > 0) {
    const part = rest.shift()!;
    if (part === '..') {
      resolved = posix.dirname(resolved);
      continue;
    }
    const dest = posix.join(resolved, part);
    let st: BigIntStats;
    try {
      st = lstatSync(dest, { bigint: true });
    } catch (err) {
      throw goError('lstat', dest, err);
    }
    if (!st.isSymbolicLink()) {
      resolved = dest;
      continue;
    }
    if (++links > 255) throw new Error('EvalSymlinks: too many links');
    const target = readlinkSync(dest);
    if (target.startsWith('/')) resolved = '/';
    rest = [...target.split('/').filter((p) => p !== '' && p !== '.'), ...rest];
  }
  return posix.normalize(resolved);
}

/**
 * memoryChartFileSystem builds a file system from absolute path → content (directories implied; a value
 * `{ symlink: target }` is a symbolic link). Tests use it to load charts without touching the disk.
 */
export function memoryChartFileSystem(
  entries: Record<string, string | Uint8Array | { symlink: string }>,
): ChartFileSystem {
  const files = new Map<string, Uint8Array>();
  const links = new Map<string, string>();
  const dirs = new Map<string, Set<string>>();
  const enc = new TextEncoder();
  const addParents = (path: string): void => {
    let child = path;
    for (let dir = posix.dirname(path); ; dir = posix.dirname(dir)) {
      const set = dirs.get(dir) ?? new Set<string>();
      set.add(posix.basename(child));
      dirs.set(dir, set);
      if (dir === '/') break;
      child = dir;
    }
  };
  for (const [p, content] of Object.entries(entries)) {
    const path = posix.normalize(p);
    if (typeof content === 'object' && 'symlink' in content) links.set(path, content.symlink);
    else files.set(path, typeof content === 'string' ? enc.encode(content) : content);
    addParents(path);
  }
  const resolve = (path: string, depth = 0): string => {
    if (depth > 40) throw new Error(`lstat ${path}: too many levels of symbolic links`);
    const parts = posix.normalize(path).split('/').filter(Boolean);
    let cur = '/';
    for (const part of parts) {
      cur = posix.join(cur, part);
      const target = links.get(cur);
      if (target !== undefined) cur = resolve(posix.resolve(posix.dirname(cur), target), depth + 1);
    }
    return cur;
  };
  const lstatOf = (path: string, op: string): FileInfo => {
    const p = posix.normalize(path);
    if (links.has(p)) return { kind: 'symlink', size: 0 };
    const f = files.get(p);
    if (f !== undefined) return { kind: 'file', size: f.length };
    if (dirs.has(p)) return { kind: 'dir', size: 0 };
    throw new Error(`${op} ${path}: no such file or directory`);
  };
  return {
    lstat: (path) => lstatOf(path, 'lstat'),
    stat: (path) => lstatOf(resolve(path), 'stat'),
    readFile(path) {
      const d = files.get(resolve(path));
      if (d === undefined) throw new Error(`open ${path}: no such file or directory`);
      return d;
    },
    readDir(path) {
      const d = dirs.get(resolve(path));
      if (d === undefined) throw new Error(`open ${path}: no such file or directory`);
      return [...d];
    },
    realpath: (path) => {
      const r = resolve(path);
      lstatOf(r, 'lstat');
      return r;
    },
  };
}
