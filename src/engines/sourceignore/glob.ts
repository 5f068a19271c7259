/**
 * compileNameGlob compiles one path-component pattern with Go's `filepath.Match` semantics (on a `/`-separated
 * system): `*` any run of characters, `?` one character, `[...]` a class (`^` negates, `a-z` ranges, `\` escapes),
 * `\x` a literal x. It returns undefined for a malformed pattern, which Go reports as `ErrBadPattern` and go-git's
 * gitignore treats as "does not match"; keeping that quirk is what makes our filter agree with Flux's.
 */
export function compileNameGlob(pattern: string): RegExp | undefined {
  const chars = Array.from(pattern);
  let re = '';
  let i = 0;
  const next = (): string | undefined => chars[i++];
  while (i < chars.length) {
    const c = next() as string;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '\\') {
      const e = next();
      if (e === undefined) return undefined;
      re += escapeRegExp(e);
    } else if (c === '[') {
      const cls = compileClass(chars, i);
      if (cls === undefined) return undefined;
      re += cls.source;
      i = cls.end;
    } else re += escapeRegExp(c);
  }
  return new RegExp(`^${re}$`, 'u');
}

/** compileClass parses a `[...]` class starting after the `[` at index start, or returns undefined if malformed. */
function compileClass(chars: string[], start: number): { source: string; end: number } | undefined {
  let i = start;
  let negate = false;
  if (chars[i] === '^') {
    negate = true;
    i++;
  }
  const ranges: string[] = [];
  // Go's getEsc: a bare '-' or ']' where a character is expected, a dangling '\' or the end are all errors.
  const getEsc = (): string | undefined => {
    let c = chars[i];
    if (c === undefined || c === '-' || c === ']') return undefined;
    if (c === '\\') {
      i++;
      c = chars[i];
      if (c === undefined) return undefined;
    }
    i++;
    return c;
  };
  for (;;) {
    if (chars[i] === ']' && ranges.length > 0) {
      i++;
      break;
    }
    const lo = getEsc();
    if (lo === undefined) return undefined;
    let hi = lo;
    if (chars[i] === '-') {
      i++;
      const h = getEsc();
      if (h === undefined) return undefined;
      hi = h;
    }
    ranges.push(lo === hi ? escapeClassChar(lo) : `${escapeClassChar(lo)}-${escapeClassChar(hi)}`);
    if ((lo.codePointAt(0) ?? 0) > (hi.codePointAt(0) ?? 0)) {
      // Go accepts an inverted range but it matches nothing; a JS class would reject it, so emulate.
      ranges[ranges.length - 1] = '(?!)';
    }
  }
  const body = ranges.filter((r) => r !== '(?!)').join('');
  if (body === '') return { source: negate ? '[^/]' : '(?!)', end: i };
  return { source: negate ? `[^/${body}]` : `[${body}]`, end: i };
}

function escapeRegExp(c: string): string {
  return /[\\^$.*+?()[\]{}|/]/u.test(c) ? `\\${c}` : c;
}

function escapeClassChar(c: string): string {
  return /[\\\]^[-]/u.test(c) ? `\\${c}` : c;
}

/** matchName reports whether name matches the compiled glob; a malformed pattern never matches. */
export function matchName(glob: RegExp | undefined, name: string): boolean {
  return glob !== undefined && glob.test(name);
}
