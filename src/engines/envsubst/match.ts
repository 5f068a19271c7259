import { decodeRune, RUNE_ERROR } from './bytes.ts';

/**
 * Shell pattern matching for `${var#pat}`-style trims: Go's path.Match as fluxcd/pkg/envsubst modified it — `*` and
 * `?` also match `/`, and a trailing `*` matches the rest of the name. Operates on byte strings.
 */

/** BadPatternError is Go's path.ErrBadPattern; the trim functions treat it as "no change". */
class BadPatternError extends Error {}

/** shellMatch reports whether `name` matches all of `pattern`; it throws BadPatternError for a malformed pattern. */
export function shellMatch(pattern: string, name: string): boolean {
  let p = pattern;
  let n = name;
  outer: while (p.length > 0) {
    const { star, chunk, rest } = scanChunk(p);
    p = rest;
    if (star && chunk === '') return true;
    const direct = matchChunk(chunk, n);
    if (direct.ok && (direct.rest.length === 0 || p.length > 0)) {
      n = direct.rest;
      continue;
    }
    if (direct.err) throw new BadPatternError();
    if (star) {
      for (let i = 0; i < n.length; i++) {
        const t = matchChunk(chunk, n.slice(i + 1));
        if (t.ok) {
          if (p.length === 0 && t.rest.length > 0) continue;
          n = t.rest;
          continue outer;
        }
        if (t.err) throw new BadPatternError();
      }
    }
    return false;
  }
  return n.length === 0;
}

/** isBadPattern tells the trim functions apart from other failures. */
export function isBadPattern(err: unknown): boolean {
  return err instanceof BadPatternError;
}

function scanChunk(pattern: string): { star: boolean; chunk: string; rest: string } {
  let p = pattern;
  let star = false;
  while (p.length > 0 && p[0] === '*') {
    p = p.slice(1);
    star = true;
  }
  let inRange = false;
  let i = 0;
  scan: for (; i < p.length; i++) {
    switch (p[i]) {
      case '\\':
        if (i + 1 < p.length) i++;
        break;
      case '[':
        inRange = true;
        break;
      case ']':
        inRange = false;
        break;
      case '*':
        if (!inRange) break scan;
    }
  }
  return { star, chunk: p.slice(0, i), rest: p.slice(i) };
}

interface ChunkResult {
  rest: string;
  ok: boolean;
  err: boolean;
}

const NO: ChunkResult = { rest: '', ok: false, err: false };
const BAD: ChunkResult = { rest: '', ok: false, err: true };

function matchChunk(chunkIn: string, sIn: string): ChunkResult {
  let chunk = chunkIn;
  let s = sIn;
  while (chunk.length > 0) {
    if (s.length === 0) return NO;
    const c = chunk[0];
    if (c === '[') {
      const [r, n] = decodeRune(s, 0);
      s = s.slice(n);
      chunk = chunk.slice(1);
      let notNegated = true;
      if (chunk.length > 0 && chunk[0] === '^') {
        notNegated = false;
        chunk = chunk.slice(1);
      }
      let match = false;
      let nrange = 0;
      for (;;) {
        if (chunk.length > 0 && chunk[0] === ']' && nrange > 0) {
          chunk = chunk.slice(1);
          break;
        }
        const lo = getEsc(chunk);
        if (lo === undefined) return BAD;
        chunk = lo.rest;
        let hi = lo.r;
        if (chunk[0] === '-') {
          const h = getEsc(chunk.slice(1));
          if (h === undefined) return BAD;
          chunk = h.rest;
          hi = h.r;
        }
        if (lo.r <= r && r <= hi) match = true;
        nrange++;
      }
      if (match !== notNegated) return NO;
    } else if (c === '?') {
      const [, n] = decodeRune(s, 0);
      s = s.slice(n);
      chunk = chunk.slice(1);
    } else {
      if (c === '\\') {
        chunk = chunk.slice(1);
        if (chunk.length === 0) return BAD;
      }
      if (chunk[0] !== s[0]) return NO;
      s = s.slice(1);
      chunk = chunk.slice(1);
    }
  }
  return { rest: s, ok: true, err: false };
}

function getEsc(chunkIn: string): { r: number; rest: string } | undefined {
  let chunk = chunkIn;
  if (chunk.length === 0 || chunk[0] === '-' || chunk[0] === ']') return undefined;
  if (chunk[0] === '\\') {
    chunk = chunk.slice(1);
    if (chunk.length === 0) return undefined;
  }
  const [r, n] = decodeRune(chunk, 0);
  if (r === RUNE_ERROR && n === 1) return undefined;
  const rest = chunk.slice(n);
  if (rest.length === 0) return undefined;
  return { r, rest };
}
