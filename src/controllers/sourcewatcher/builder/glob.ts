// The glob dialects source-watcher's copy operations use, over a directory on disk: Go's `fs.Glob` (path.Match per
// path element: `*` and `?` never cross `/`, so `dir/**` is `dir/*`) for Overwrite and Merge copies, and
// doublestar's (`**` spans any number of directories, `{a,b}` alternatives) for exclude patterns and Extract copies.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

import { compileNameGlob } from '../../../engines/sourceignore/index.ts';

/** hasMeta reports whether a pattern has Go glob metacharacters (source-watcher's containsGlobChars). */
export function hasMeta(pattern: string): boolean {
  return /[*?[\]]/.test(pattern);
}

/** goMatch is Go's path.Match; a malformed pattern matches nothing. */
export function goMatch(pattern: string, name: string): boolean {
  return compileNameGlob(pattern)?.test(name) ?? false;
}

/** validGoPattern reports whether Go's path.Match accepts the pattern. */
export function validGoPattern(pattern: string): boolean {
  return compileNameGlob(pattern) !== undefined;
}

async function isDir(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

async function sortedNames(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

/**
 * goGlob is Go's fs.Glob over root: the matching paths (relative, `/`-separated) in lexical order per directory;
 * a pattern without metacharacters matches itself when it exists.
 */
export async function goGlob(root: string, pattern: string): Promise<string[]> {
  if (!hasMeta(pattern)) {
    return (await stat(join(root, pattern)).catch(() => undefined)) ? [pattern] : [];
  }
  const slash = pattern.lastIndexOf('/');
  const dir = slash === -1 ? '.' : pattern.slice(0, slash);
  const file = pattern.slice(slash + 1);
  const dirs = hasMeta(dir) ? await goGlob(root, dir) : [dir];
  const out: string[] = [];
  for (const d of dirs) {
    if (!(await isDir(join(root, d)))) continue;
    for (const name of await sortedNames(join(root, d))) {
      if (goMatch(file, name)) out.push(d === '.' ? name : `${d}/${name}`);
    }
  }
  return out;
}

/** expandBraces turns `a{b,c}d` into `abd`, `acd` (nested and escaped braces handled). */
export function expandBraces(pattern: string): string[] {
  let depth = 0;
  let start = -1;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '{') {
      if (depth === 0) start = i;
      depth++;
    } else if (c === '}' && depth > 0) {
      depth--;
      if (depth === 0) {
        const alternatives: string[] = [];
        let level = 0;
        let from = start + 1;
        for (let j = start + 1; j < i; j++) {
          const d = pattern[j];
          if (d === '\\') j++;
          else if (d === '{') level++;
          else if (d === '}') level--;
          else if (d === ',' && level === 0) {
            alternatives.push(pattern.slice(from, j));
            from = j + 1;
          }
        }
        alternatives.push(pattern.slice(from, i));
        const head = pattern.slice(0, start);
        const tails = expandBraces(pattern.slice(i + 1));
        return alternatives.flatMap((alt) => expandBraces(head + alt).flatMap((h) => tails.map((t) => h + t)));
      }
    }
  }
  return [pattern];
}

function matchSegments(pat: readonly string[], path: readonly string[]): boolean {
  if (pat.length === 0) return path.length === 0;
  const [first, ...rest] = pat;
  if (first === '**') {
    for (let skip = 0; skip <= path.length; skip++) if (matchSegments(rest, path.slice(skip))) return true;
    return false;
  }
  if (path.length === 0) return false;
  return goMatch(first as string, path[0] as string) && matchSegments(rest, path.slice(1));
}

/** doublestarMatch is doublestar's Match: `**` as a whole path element spans zero or more elements. */
export function doublestarMatch(pattern: string, path: string): boolean {
  return expandBraces(pattern).some((p) => matchSegments(p.split('/'), path.split('/')));
}

/** validDoublestarPattern reports whether every element of every brace alternative is a valid Go pattern. */
export function validDoublestarPattern(pattern: string): boolean {
  return expandBraces(pattern).every((p) => p.split('/').every((s) => s === '**' || validGoPattern(s)));
}

/** walkFiles lists every path under root (files and directories, relative, `/`-separated), lexically per level. */
export async function walkPaths(root: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const name of await sortedNames(prefix ? join(root, prefix) : root)) {
    const rel = prefix ? `${prefix}/${name}` : name;
    out.push(rel);
    if (await isDir(join(root, rel))) out.push(...(await walkPaths(root, rel)));
  }
  return out;
}

/** doublestarGlob is doublestar's Glob over root: every path that doublestarMatch accepts. */
export async function doublestarGlob(root: string, pattern: string): Promise<string[]> {
  return (await walkPaths(root)).filter((p) => doublestarMatch(pattern, p));
}
