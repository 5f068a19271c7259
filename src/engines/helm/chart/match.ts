/**
 * Go's `path/filepath.Match` on Linux (what `.helmignore` rules and `helm template --show-only` use): `*` matches
 * any run of characters except `/`, `?` one character except `/`, `[…]` a class (ranges, `^` negation, `\`
 * escapes; a class may match `/`), `\` escapes the next character. Malformed patterns fail with Go's
 * ErrBadPattern, but only where Go's matcher notices them (it stops at the first chunk that cannot match).
 */

/** BadPatternError is Go's filepath.ErrBadPattern. */
export class BadPatternError extends Error {
  constructor() {
    super('syntax error in pattern');
  }
}

type Runes = readonly number[];

function runes(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) out.push(ch.codePointAt(0)!);
  return out;
}

const STAR = 0x2a;
const SLASH = 0x2f;
const BACKSLASH = 0x5c;
const OPEN = 0x5b;
const CLOSE = 0x5d;

/** goMatch reports whether `name` matches the whole `pattern`; throws BadPatternError for a malformed pattern. */
export function goMatch(pattern: string, name: string): boolean {
  let p: Runes = runes(pattern);
  let n: Runes = runes(name);
  outer: while (p.length > 0) {
    const { star, chunk, rest } = scanChunk(p);
    p = rest;
    if (star && chunk.length === 0) return !n.includes(SLASH);
    const direct = matchChunk(chunk, n);
    if (direct !== undefined && (direct.length === 0 || p.length > 0)) {
      n = direct;
      continue;
    }
    if (star) {
      for (let i = 0; i < n.length && n[i] !== SLASH; i++) {
        const t = matchChunk(chunk, n.slice(i + 1));
        if (t !== undefined) {
          if (p.length === 0 && t.length > 0) continue;
          n = t;
          continue outer;
        }
      }
    }
    return false;
  }
  return n.length === 0;
}

function scanChunk(p: Runes): { star: boolean; chunk: Runes; rest: Runes } {
  let i = 0;
  let star = false;
  while (i < p.length && p[i] === STAR) {
    i++;
    star = true;
  }
  const body = p.slice(i);
  let inRange = false;
  for (let j = 0; j < body.length; j++) {
    const c = body[j];
    if (c === BACKSLASH) {
      if (j + 1 < body.length) j++;
    } else if (c === OPEN) inRange = true;
    else if (c === CLOSE) inRange = false;
    else if (c === STAR && !inRange) return { star, chunk: body.slice(0, j), rest: body.slice(j) };
  }
  return { star, chunk: body, rest: [] };
}

/** matchChunk returns the rest of s after the chunk, or undefined when it does not match. */
function matchChunk(chunk: Runes, s: Runes): Runes | undefined {
  let failed = false;
  let c = 0;
  let i = 0;
  while (c < chunk.length) {
    failed = failed || i >= s.length;
    const ch = chunk[c]!;
    if (ch === OPEN) {
      let r = -1;
      if (!failed) r = s[i++]!;
      c++;
      let negated = false;
      if (c < chunk.length && chunk[c] === 0x5e) {
        negated = true;
        c++;
      }
      let match = false;
      let nrange = 0;
      for (;;) {
        if (c < chunk.length && chunk[c] === CLOSE && nrange > 0) {
          c++;
          break;
        }
        const lo = getEsc(chunk, c);
        c = lo.next;
        let hi = lo.r;
        if (chunk[c] === 0x2d) {
          const h = getEsc(chunk, c + 1);
          hi = h.r;
          c = h.next;
        }
        match = match || (lo.r <= r && r <= hi);
        nrange++;
      }
      failed = failed || match === negated;
    } else if (ch === 0x3f) {
      if (!failed) {
        failed = s[i] === SLASH;
        i++;
      }
      c++;
    } else {
      if (ch === BACKSLASH) {
        c++;
        if (c >= chunk.length) throw new BadPatternError();
      }
      if (!failed) {
        failed = chunk[c] !== s[i];
        i++;
      }
      c++;
    }
  }
  return failed ? undefined : s.slice(i);
}

function getEsc(chunk: Runes, at: number): { r: number; next: number } {
  let c = at;
  if (c >= chunk.length || chunk[c] === 0x2d || chunk[c] === CLOSE) throw new BadPatternError();
  if (chunk[c] === BACKSLASH) {
    c++;
    if (c >= chunk.length) throw new BadPatternError();
  }
  const r = chunk[c]!;
  c++;
  if (c >= chunk.length) throw new BadPatternError();
  return { r, next: c };
}
