import { RegexSyntaxError } from './errors.ts';

/**
 * Go's regexp (RE2 syntax) for target selectors, written as JavaScript RegExp. kustomize compiles selector fields
 * with Go's regexp, anchored as `^(?:…)$`; the two dialects mostly agree, and where they do not this translates
 * (`(?P<n>…)`, inline flags, `\A`, `\z`, `\Q…\E`, `\x{…}`, POSIX classes, RE2's ASCII `\s`, a leading `]` in a
 * class) or refuses what RE2 refuses (lookaround, backreferences, unknown escapes, repeat counts over 1000), so a
 * pattern never matches differently from kustomize.
 */

const cache = new Map<string, RegExp | RegexSyntaxError>();

/** anchoredRe2 compiles a selector pattern the way kustomize does: RE2 syntax, anchored at both ends. */
export function anchoredRe2(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (re === undefined) {
    try {
      re = new RegExp(`^(?:${translate(pattern)})$`);
    } catch (err) {
      re =
        err instanceof RegexSyntaxError
          ? err
          : new RegexSyntaxError(`error parsing regexp: ${pattern}: ${(err as Error).message}`, { cause: err });
    }
    cache.set(pattern, re);
  }
  if (re instanceof RegexSyntaxError) throw re;
  return re;
}

const POSIX: Readonly<Record<string, string>> = {
  alnum: '0-9A-Za-z', alpha: 'A-Za-z', ascii: '\\x00-\\x7F', blank: '\\t ', cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9', graph: '!-~', lower: 'a-z', print: ' -~', punct: '!-\\/:-@\\[-`{-~', space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z', word: '0-9A-Za-z_', xdigit: '0-9A-Fa-f',
}; // prettier-ignore

/** Escapes RE2 knows whose JavaScript meaning is the same (ASCII classes, control characters, boundaries). */
const SAME_ESCAPES = new Set(['d', 'D', 'w', 'W', 'b', 'B', 'f', 't', 'n', 'r', 'v']);
const SPACE = '\\t\\n\\f\\r ';

function fail(pattern: string, what: string): never {
  throw new RegexSyntaxError(`error parsing regexp: ${what} in \`${pattern}\` (Go's RE2 syntax, as kustomize uses)`);
}

/** literal escapes a character for use in a JavaScript pattern (inside or outside a class). */
function literal(ch: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(ch) ? `\\${ch}` : ch;
}

/** escape translates the escape at `p[i]` (the backslash); returns the JavaScript text and the next index. */
function escape(p: string, i: number, inClass: boolean): [string, number] {
  const c = p[i + 1];
  if (c === undefined) fail(p, 'trailing backslash at end of expression');
  if (/[1-9]/.test(c)) fail(p, `invalid escape sequence: \`\\${c}\` (backreferences are not supported)`);
  if (SAME_ESCAPES.has(c) && !(inClass && (c === 'b' || c === 'B'))) return [`\\${c}`, i + 2];
  if (c === 's') return [inClass ? SPACE : `[${SPACE}]`, i + 2];
  if (c === 'S' && !inClass) return [`[^${SPACE}]`, i + 2];
  if (c === 'a') return ['\\x07', i + 2];
  if (c === '0') return ['\\0', i + 2];
  if (!inClass && c === 'A') return ['(?<![\\s\\S])', i + 2];
  if (!inClass && c === 'z') return ['(?![\\s\\S])', i + 2];
  if (c === 'x') {
    const braced = /^\{([0-9A-Fa-f]+)\}/.exec(p.slice(i + 2));
    if (braced?.[1]) {
      const cp = parseInt(braced[1], 16);
      if (cp > 0x10ffff) fail(p, `invalid escape sequence: \`\\x{${braced[1]}}\``);
      return [literal(String.fromCodePoint(cp)), i + 2 + braced[0].length];
    }
    if (/^[0-9A-Fa-f]{2}/.test(p.slice(i + 2))) return [`\\x${p.slice(i + 2, i + 4)}`, i + 4];
    fail(p, 'invalid escape sequence: `\\x`');
  }
  if (c === 'Q' && !inClass) {
    const end = p.indexOf('\\E', i + 2);
    const text = end < 0 ? p.slice(i + 2) : p.slice(i + 2, end);
    return [[...text].map(literal).join(''), end < 0 ? p.length : end + 2];
  }
  if (c === 'p' || c === 'P') fail(p, `Unicode class \`\\${c}\` is not supported by this engine`);
  // RE2 takes any punctuation literally after a backslash, and refuses every other letter or digit.
  if (/[!-/:-@[-`{-~]/.test(c)) return [`\\${c}`, i + 2];
  return fail(p, `invalid escape sequence: \`\\${c}\``);
}

/** charClass translates `[…]` starting at `p[i]`; returns the JavaScript text and the next index. */
function charClass(p: string, i: number): [string, number] {
  let out = '[';
  let j = i + 1;
  if (p[j] === '^') {
    out += '^';
    j++;
  }
  // In RE2 a `]` right after `[` or `[^` is a literal; in JavaScript `[]` is an empty class.
  if (p[j] === ']') {
    out += '\\]';
    j++;
  }
  for (;;) {
    const c = p[j];
    if (c === undefined) fail(p, 'missing closing ]');
    if (c === ']') return [out + ']', j + 1];
    if (c === '[' && p[j + 1] === ':') {
      const m = /^\[:(\^?)([a-z]+):\]/.exec(p.slice(j));
      const set = m?.[2] ? POSIX[m[2]] : undefined;
      if (!m || set === undefined) fail(p, 'invalid character class range');
      if (m[1]) fail(p, 'negated POSIX class is not supported by this engine');
      out += set;
      j += m[0].length;
      continue;
    }
    if (c === '\\') {
      const [text, next] = escape(p, j, true);
      out += text;
      j = next;
      continue;
    }
    out += c === '[' ? '\\[' : c;
    j++;
  }
}

/** Group is an open group: the `)` to add when it closes, and whether an inline flag came after other text. */
interface Group {
  closers: number;
  /** output length when the group opened, to tell a leading `(?i)` from one after some of the group. */
  start: number;
  flagAfterText: boolean;
}

/** translate rewrites an RE2 pattern as a JavaScript one, or throws RegexSyntaxError where Go would not compile it. */
export function translate(p: string): string {
  let out = '';
  // `(?i)` holds to the end of its group: written as a modifier group `(?i:` closed where its group closes.
  const groups: Group[] = [{ closers: 0, start: 0, flagAfterText: false }];
  const top = (): Group => groups[groups.length - 1] as Group;
  let i = 0;
  /** quantified: after a repetition, take a lazy `?`, then refuse another repetition as RE2 does. */
  const quantified = (): void => {
    if (p[i] === '?') {
      out += '?';
      i++;
    }
    const next = p[i] ?? '';
    if (next === '*' || next === '+' || next === '?' || /^\{\d+(,\d*)?\}/.test(p.slice(i))) {
      fail(p, `invalid nested repetition operator before \`${next}\``);
    }
  };
  while (i < p.length) {
    const c = p[i] ?? '';
    if (c === '\\') {
      const [text, next] = escape(p, i, false);
      out += text;
      i = next;
    } else if (c === '[') {
      const [text, next] = charClass(p, i);
      out += text;
      i = next;
    } else if (c === '(') {
      const rest = p.slice(i);
      if (/^\(\?(=|!|<=|<!)/.test(rest)) fail(p, 'invalid or unsupported Perl syntax: lookaround');
      const named = /^\(\?P?<([A-Za-z0-9_]+)>/.exec(rest);
      const flags = /^\(\?([imsU-]*)(:|\))/.exec(rest);
      if (named) {
        out += `(?<${named[1]}>`;
        i += named[0].length;
        groups.push({ closers: 0, start: out.length, flagAfterText: false });
      } else if (flags) {
        const f = flags[1] ?? '';
        if (f.includes('U')) fail(p, 'the ungreedy flag `U` is not supported by this engine');
        if (f === '' || f.endsWith('-')) fail(p, `missing argument to repetition operator or flags \`(?${f}\``);
        if (flags[2] === ')') {
          const g = top();
          if (out.length !== g.start) g.flagAfterText = true;
          g.closers++;
        }
        out += `(?${f}:`;
        i += flags[0].length;
        if (flags[2] === ':') groups.push({ closers: 0, start: out.length, flagAfterText: false });
      } else if (rest.startsWith('(?')) {
        fail(p, `invalid or unsupported Perl syntax: \`${rest.slice(0, 3)}\``);
      } else {
        out += '(';
        i++;
        groups.push({ closers: 0, start: out.length, flagAfterText: false });
      }
    } else if (c === ')') {
      if (groups.length === 1) fail(p, 'unexpected )');
      out += ')'.repeat((groups.pop()?.closers ?? 0) + 1);
      i++;
    } else if (c === '|') {
      // `(?i)` at the start of a group covers every alternative, like `(?i:a|b)`; one after other text would
      // cover only the rest of its own alternative, which a modifier group cannot express.
      if (top().flagAfterText) fail(p, 'an inline flag after text followed by `|` is not supported by this engine');
      out += '|';
      i++;
    } else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(p.slice(i));
      if (!m) {
        out += '\\{';
        i++;
        continue;
      }
      if (Number(m[1]) > 1000 || Number(m[3] || 0) > 1000) fail(p, `invalid repeat count \`${m[0]}\``);
      out += m[0];
      i += m[0].length;
      quantified();
    } else if (c === '*' || c === '+' || c === '?') {
      out += c;
      i++;
      quantified();
    } else {
      out += c;
      i++;
    }
  }
  if (groups.length > 1) fail(p, 'missing closing )');
  return out + ')'.repeat(groups[0]?.closers ?? 0);
}
