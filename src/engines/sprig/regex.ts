/**
 * Sprig's regular-expression functions with Go's `regexp` semantics: RE2 syntax and leftmost-first matching
 * through re2js, and Go's own loops for FindAll (no empty match right after a match), Split and ReplaceAll
 * (`$1`, `${name}`, `$$` expansion; the longest `$name`).
 */
import { RE2JS, type Matcher } from 're2js';

import { canBackquote, quote as goQuote } from '../gotemplate/index.ts';
import { BOOL, GoNil, goFunc, INT, SLICE_STRING, STRING, type FuncMap, type GoValue } from '../gotemplate/index.ts';
import type { SprigContext } from './context.ts';
import { stringList } from './convert.ts';
import { SprigError } from './errors.ts';
import { checkStringSize, checkListSize } from './limits.ts';
import { isDigit, isLetter } from './unicode.ts';

/** RegexpError is regexp.Compile's error: `error parsing regexp: <what>: `<where>``. */
class RegexpError extends SprigError {}

const cache = new Map<string, RE2JS | RegexpError>();

/** compile is regexp.Compile, cached per pattern (charts call the same patterns in loops). */
function compile(pattern: string): RE2JS {
  let re = cache.get(pattern);
  if (re === undefined) {
    try {
      re = RE2JS.compile(pattern);
    } catch (err) {
      re = err instanceof RegexpError ? err : new RegexpError((err as Error).message);
    }
    if (cache.size > 1000) cache.clear();
    cache.set(pattern, re);
  }
  if (re instanceof RegexpError) throw re;
  return re;
}

/** mustCompile is regexp.MustCompile: a compile error becomes Go's panic text. */
function mustCompile(pattern: string): RE2JS {
  try {
    return compile(pattern);
  } catch (err) {
    const q = canBackquote(pattern) ? `\`${pattern}\`` : goQuote(pattern);
    throw new SprigError(`regexp: Compile(${q}): ${(err as Error).message}`);
  }
}

/** width is the size (in UTF-16 units) of the code point at `pos`; 0 at the end. */
function width(s: string, pos: number): number {
  if (pos >= s.length) return 0;
  const c = s.charCodeAt(pos);
  return c >= 0xd800 && c < 0xdc00 && pos + 1 < s.length ? 2 : 1;
}

/** Match is the group offsets of one match: [start0, end0, start1, end1, …], -1 for groups that did not take part. */
export type Match = number[];

/** offsets is the matcher's group offsets after a successful find (Go's FindStringSubmatchIndex layout). */
export function offsets(m: Matcher, groups: number): Match {
  const out: Match = [];
  for (let g = 0; g <= groups; g++) out.push(m.start(g), m.end(g));
  return out;
}

/** allMatches is Go's Regexp.allMatches: up to n matches (all when n < 0), skipping an empty match after a match. */
function allMatches(re: RE2JS, s: string, n: number, withGroups: boolean): Match[] {
  const out: Match[] = [];
  const m = re.matcher(s);
  const groups = withGroups ? re.groupCount() : 0;
  const limit = n < 0 ? s.length + 1 : n;
  let prevEnd = -1;
  for (let pos = 0; out.length < limit && pos <= s.length;) {
    if (!m.find(pos)) break;
    const match = offsets(m, groups);
    const [start = 0, end = 0] = match;
    let accept = true;
    if (end === pos) {
      if (start === prevEnd) accept = false;
      const w = width(s, pos);
      pos = w > 0 ? pos + w : s.length + 1;
    } else pos = end;
    prevEnd = end;
    if (accept) out.push(match);
  }
  return out;
}

/** split is Regexp.Split. */
function split(re: RE2JS, pattern: string, s: string, n: number): string[] {
  if (n === 0) return [];
  if (pattern.length > 0 && s.length === 0) return [''];
  const out: string[] = [];
  let beg = 0;
  let end = 0;
  for (const [start = 0, stop = 0] of allMatches(re, s, n, false)) {
    if (n > 0 && out.length === n - 1) break;
    end = start;
    if (stop !== 0) out.push(s.slice(beg, end));
    beg = stop;
  }
  if (end !== s.length) out.push(s.slice(beg));
  return out;
}

/** replaceAll is Regexp.ReplaceAllString (expand) or ReplaceAllLiteralString (literal), with Go's loop. */
function replaceAll(re: RE2JS, src: string, repl: string, literal: boolean, guard: (n: number) => void): string {
  const m = re.matcher(src);
  const expand = !literal && repl.includes('$');
  const groups = expand ? re.groupCount() : 0;
  const names = expand ? re.namedGroups() : {};
  let out = '';
  let lastEnd = 0;
  let searchPos = 0;
  while (searchPos <= src.length) {
    if (!m.find(searchPos)) break;
    const match = offsets(m, groups);
    const [start = 0, end = 0] = match;
    out += src.slice(lastEnd, start);
    if (end > lastEnd || start === 0) out += expand ? expandTemplate(repl, src, match, names) : repl;
    guard(out.length);
    lastEnd = end;
    const w = width(src, searchPos);
    if (searchPos + w > end) searchPos += w;
    else if (searchPos + 1 > end) searchPos++;
    else searchPos = end;
  }
  return out + src.slice(lastEnd);
}

/**
 * expandTemplate is Regexp.expand (ReplaceAllString, ExpandString): `$n`, `${n}`, `$name`, `${name}` and `$$` in a
 * replacement; a group that does not exist or did not take part expands to nothing. Image policies' `extract` uses it.
 */
export function expandTemplate(template: string, src: string, match: Match, names: Record<string, number>): string {
  let out = '';
  let t = template;
  for (;;) {
    const at = t.indexOf('$');
    if (at < 0) break;
    out += t.slice(0, at);
    t = t.slice(at + 1);
    if (t.startsWith('$')) {
      out += '$';
      t = t.slice(1);
      continue;
    }
    const ref = extractRef(t);
    if (ref === undefined) {
      out += '$';
      continue;
    }
    t = ref.rest;
    const group = ref.num >= 0 ? ref.num : Object.hasOwn(names, ref.name) ? (names[ref.name] ?? -1) : -1;
    const from = match[2 * group] ?? -1;
    if (group >= 0 && from >= 0) out += src.slice(from, match[2 * group + 1] ?? from);
  }
  return out + t;
}

/** extractRef is regexp's extract: a group name or number after `$`, braced or the longest word. */
function extractRef(str: string): { name: string; num: number; rest: string } | undefined {
  if (str === '') return undefined;
  const brace = str.startsWith('{');
  const s = brace ? str.slice(1) : str;
  let i = 0;
  while (i < s.length) {
    const r = s.codePointAt(i) ?? 0;
    if (!isLetter(r) && !isDigit(r) && r !== 0x5f) break;
    i += r > 0xffff ? 2 : 1;
  }
  if (i === 0) return undefined;
  const name = s.slice(0, i);
  if (brace) {
    if (s[i] !== '}') return undefined;
    i++;
  }
  let num = /^[0-9]+$/.test(name) && name.length <= 9 ? Number(name) : -1;
  if (name.length > 1 && name.startsWith('0')) num = -1;
  return { name, num, rest: s.slice(i) };
}

/** quoteMeta is regexp.QuoteMeta: a backslash before each of `\.+*?()|[]{}^$`. */
function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

export function regexFunctions(ctx: SprigContext): FuncMap {
  const strings = { type: SLICE_STRING };
  const limitList = (list: string[]): GoValue => {
    checkListSize(ctx.limits, 'regexFindAll', list.length);
    return list.length === 0 ? new GoNil(SLICE_STRING) : stringList(list);
  };
  const findAll = (re: RE2JS, s: string, n: bigint): GoValue =>
    limitList(allMatches(re, s, Number(n), false).map(([a = 0, b = 0]) => s.slice(a, b)));
  const find = (re: RE2JS, s: string): string => {
    const m = re.matcher(s);
    return m.find(0) ? s.slice(m.start(0), m.end(0)) : '';
  };
  const splitList = (re: RE2JS, p: string, s: string, n: bigint): GoValue => {
    const parts = split(re, p, s, Number(n));
    return n === 0n ? new GoNil(SLICE_STRING) : stringList(parts);
  };
  // A JavaScript string never has more UTF-16 units than its text has UTF-8 bytes.
  const guard = (fn: string) => (units: number) => {
    if (units > ctx.limits.maxStringBytes) checkStringSize(ctx.limits, fn, units);
  };
  const replace = (fn: string, literal: boolean) => (re: RE2JS, s: string, repl: string) =>
    replaceAll(re, s, repl, literal, guard(fn));
  return {
    regexMatch: goFunc(
      [STRING, STRING],
      (p, s) => {
        try {
          return compile(p).matcher(s).find(0);
        } catch (err) {
          if (err instanceof RegexpError) return false;
          throw err;
        }
      },
      { type: BOOL },
    ),
    mustRegexMatch: goFunc([STRING, STRING], (p, s) => compile(p).matcher(s).find(0), { type: BOOL, error: true }),
    regexFindAll: goFunc([STRING, STRING, INT], (p, s, n) => findAll(mustCompile(p), s, n.value), strings),
    mustRegexFindAll: goFunc([STRING, STRING, INT], (p, s, n) => findAll(compile(p), s, n.value), {
      ...strings,
      error: true,
    }),
    regexFind: goFunc([STRING, STRING], (p, s) => find(mustCompile(p), s), { type: STRING }),
    mustRegexFind: goFunc([STRING, STRING], (p, s) => find(compile(p), s), { type: STRING, error: true }),
    regexReplaceAll: goFunc(
      [STRING, STRING, STRING],
      (p, s, r) => replace('regexReplaceAll', false)(mustCompile(p), s, r),
      { type: STRING },
    ),
    mustRegexReplaceAll: goFunc(
      [STRING, STRING, STRING],
      (p, s, r) => replace('mustRegexReplaceAll', false)(compile(p), s, r),
      { type: STRING, error: true },
    ),
    regexReplaceAllLiteral: goFunc(
      [STRING, STRING, STRING],
      (p, s, r) => replace('regexReplaceAllLiteral', true)(mustCompile(p), s, r),
      { type: STRING },
    ),
    mustRegexReplaceAllLiteral: goFunc(
      [STRING, STRING, STRING],
      (p, s, r) => replace('mustRegexReplaceAllLiteral', true)(compile(p), s, r),
      { type: STRING, error: true },
    ),
    regexSplit: goFunc([STRING, STRING, INT], (p, s, n) => splitList(mustCompile(p), p, s, n.value), strings),
    mustRegexSplit: goFunc([STRING, STRING, INT], (p, s, n) => splitList(compile(p), p, s, n.value), {
      ...strings,
      error: true,
    }),
    regexQuoteMeta: goFunc([STRING], quoteMeta, { type: STRING }),
  };
}
