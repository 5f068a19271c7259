import { compileNameGlob, matchName } from './glob.ts';

/** MatchResult is the verdict of one pattern on one path: no opinion, exclude, or re-include (`!pattern`). */
export type MatchResult = 'none' | 'exclude' | 'include';

/**
 * IgnorePattern is one parsed gitignore line scoped to a domain: the path segments (relative to the archive root)
 * of the directory whose `.sourceignore` declared it. The semantics are go-git's gitignore as vendored by
 * fluxcd/pkg, not git's own: that is what source-controller applies, quirks included.
 */
export interface IgnorePattern {
  readonly source: string;
  readonly domain: readonly string[];
  readonly inclusion: boolean;
  readonly dirOnly: boolean;
  /** isGlob is true when the pattern contains a `/`: it is then anchored to its domain. */
  readonly isGlob: boolean;
  readonly segments: readonly string[];
  readonly globs: readonly (RegExp | undefined)[];
}

/**
 * parsePattern parses one gitignore line. Callers skip blank and `#` lines first (see readPatterns).
 * @example parsePattern('!keep/*.yaml', ['apps'])
 */
export function parsePattern(line: string, domain: readonly string[] = []): IgnorePattern {
  let p = line;
  let inclusion = false;
  if (p.startsWith('!')) {
    inclusion = true;
    p = p.slice(1);
  }
  if (!p.endsWith('\\ ')) p = p.replace(/ +$/u, '');
  let dirOnly = false;
  if (p.endsWith('/')) {
    dirOnly = true;
    p = p.slice(0, -1);
  }
  const isGlob = p.includes('/');
  const segments = p.split('/');
  return {
    source: line,
    domain: [...domain],
    inclusion,
    dirOnly,
    isGlob,
    segments,
    globs: segments.map((s) => (s === '' || s === '**' ? undefined : compileNameGlob(s))),
  };
}

/** matchPattern applies one pattern to a path given as segments relative to the archive root. */
export function matchPattern(p: IgnorePattern, path: readonly string[], isDir: boolean): MatchResult {
  if (path.length <= p.domain.length) return 'none';
  for (let i = 0; i < p.domain.length; i++) if (path[i] !== p.domain[i]) return 'none';
  const rest = path.slice(p.domain.length);
  const hit = p.isGlob ? globMatch(p, rest, isDir) : simpleNameMatch(p, rest, isDir);
  if (!hit) return 'none';
  return p.inclusion ? 'include' : 'exclude';
}

// A slash-free pattern matches any component of the path, so it also excludes everything beneath a matching
// directory; dirOnly only rejects a match on the final component when that is a file.
function simpleNameMatch(p: IgnorePattern, path: readonly string[], isDir: boolean): boolean {
  const glob = p.globs[0];
  for (let i = 0; i < path.length; i++) {
    if (!matchName(glob, path[i] as string)) continue;
    return !(p.dirOnly && !isDir && i === path.length - 1);
  }
  return false;
}

// Anchored pattern: segments consume path components left to right, `**` lets the next segment skip ahead; a
// match on a prefix of the path counts (so `a/b` excludes `a/b/c`), and a trailing `**` matches `a` itself too.
function globMatch(p: IgnorePattern, pathIn: readonly string[], isDir: boolean): boolean {
  let path = pathIn;
  let matched = false;
  let canTraverse = false;
  for (let i = 0; i < p.segments.length; i++) {
    const seg = p.segments[i] as string;
    if (seg === '') {
      canTraverse = false;
      continue;
    }
    if (seg === '**') {
      if (i === p.segments.length - 1) break;
      canTraverse = true;
      continue;
    }
    if (seg.includes('**')) return false;
    if (path.length === 0) return false;
    const glob = p.globs[i];
    if (glob === undefined) return false;
    if (canTraverse) {
      canTraverse = false;
      while (path.length > 0) {
        const e = path[0] as string;
        path = path.slice(1);
        if (glob.test(e)) {
          matched = true;
          break;
        } else if (path.length === 0) matched = false;
      }
    } else {
      if (!glob.test(path[0] as string)) return false;
      matched = true;
      path = path.slice(1);
    }
  }
  if (matched && p.dirOnly && !isDir && path.length === 0) matched = false;
  return matched;
}
