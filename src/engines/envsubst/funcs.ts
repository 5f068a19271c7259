import { decodeRune, encodeRune, fromRunes, goReplace, mapRunes, runes, toLowerRune, toUpperRune } from './bytes.ts';
import { EnvsubstSyntaxError } from './errors.ts';
import { isBadPattern, shellMatch } from './match.ts';

/**
 * The substitution functions of Flux's envsubst (fluxcd/pkg/envsubst funcs.go), on byte strings: lengths and
 * offsets count bytes, as in Go. Each takes the variable's value and the evaluated arguments.
 */
export type SubstituteFn = (value: string, args: readonly string[]) => string;

const toLen: SubstituteFn = (s) => String(s.length);
const toLower: SubstituteFn = (s) => mapRunes(s, toLowerRune);
const toUpper: SubstituteFn = (s) => mapRunes(s, toUpperRune);

function firstRune(s: string, fn: (r: number) => number): string {
  if (s === '') return s;
  const [r, n] = decodeRune(s, 0);
  return encodeRune(fn(r)) + s.slice(n);
}

const toLowerFirst: SubstituteFn = (s) => firstRune(s, toLowerRune);
const toUpperFirst: SubstituteFn = (s) => firstRune(s, toUpperRune);

/** toDefault keeps a non-empty value, else joins the arguments (so `${v=x}` also replaces an empty value). */
const toDefault: SubstituteFn = (s, args) => (s.length === 0 && args.length > 0 ? args.join('') : s);

/** goAtoi is strconv.Atoi: an optional sign and decimal digits within int64, else undefined. */
function goAtoi(s: string): number | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const v = BigInt(s);
  if (v > 9223372036854775807n || v < -9223372036854775808n) return undefined;
  return Number(v);
}

const toSubstr: SubstituteFn = (s, args) => {
  const first = args[0];
  if (first === undefined) return s;
  let pos = goAtoi(first);
  if (pos === undefined) return s;
  if (pos < 0) pos = Math.max(0, s.length + pos);
  const second = args[1];
  if (second === undefined) return pos < s.length ? s.slice(pos) : '';
  const length = goAtoi(second);
  if (length === undefined) return s;
  if (pos + length >= s.length) return pos < s.length ? s.slice(pos) : '';
  // Flux 2.9's envsubst slices s[pos:pos+length] here, which panics for a negative length; report it instead.
  if (length < 0) throw new EnvsubstSyntaxError(`bad substitution: negative length ${length} in substring`);
  return s.slice(pos, pos + length);
};

const replaceAll: SubstituteFn = (s, args) =>
  args.length === 0 ? s : goReplace(s, args[0] ?? '', args.length === 1 ? '' : (args[1] ?? ''), -1);
const replaceFirst: SubstituteFn = (s, args) =>
  args.length === 0 ? s : goReplace(s, args[0] ?? '', args.length === 1 ? '' : (args[1] ?? ''), 1);

const replacePrefix: SubstituteFn = (s, args) => {
  const [pat, rep] = args;
  if (args.length !== 2 || pat === undefined || rep === undefined) return s;
  return s.startsWith(pat) ? goReplace(s, pat, rep, 1) : s;
};

const replaceSuffix: SubstituteFn = (s, args) => {
  const [pat, rep] = args;
  if (args.length !== 2 || pat === undefined || rep === undefined) return s;
  return s.endsWith(pat) ? s.slice(0, s.length - pat.length) + rep : s;
};

/** reverse is Go's rune-wise reversal; the suffix trims reverse both value and pattern, as upstream does. */
const reverse = (s: string): string => fromRunes(runes(s).reverse());

function tryMatch(pattern: string, name: string): boolean | undefined {
  try {
    return shellMatch(pattern, name);
  } catch (err) {
    if (isBadPattern(err)) return undefined;
    throw err;
  }
}

function trimShortest(s: string, pattern: string): string {
  let shortest = '';
  for (let i = 0; i < s.length; i++) {
    const candidate = s.slice(0, s.length - i);
    const m = tryMatch(pattern, candidate);
    if (m === undefined) return s;
    if (m) shortest = candidate;
  }
  return shortest !== '' && s.startsWith(shortest) ? s.slice(shortest.length) : s;
}

function trimLongest(s: string, pattern: string): string {
  for (let i = 0; i < s.length; i++) {
    const candidate = s.slice(0, s.length - i);
    const m = tryMatch(pattern, candidate);
    if (m === undefined) return s;
    if (m) return s.slice(candidate.length);
  }
  return s;
}

const withArg =
  (fn: (s: string, pattern: string) => string): SubstituteFn =>
  (s, args) =>
    args[0] === undefined ? s : fn(s, args[0]);
const reversed =
  (fn: (s: string, pattern: string) => string): SubstituteFn =>
  (s, args) =>
    args[0] === undefined ? s : reverse(fn(reverse(s), reverse(args[0])));

/** lookupFunc maps an operator to its function; unknown operators (`:?`, `:+`, `,^`) fall back to the default. */
export function lookupFunc(name: string, argc: number): SubstituteFn {
  switch (name) {
    case ',':
      return toLowerFirst;
    case ',,':
      return toLower;
    case '^':
      return toUpperFirst;
    case '^^':
      return toUpper;
    case '#':
      return argc === 0 ? toLen : withArg(trimShortest);
    case '##':
      return withArg(trimLongest);
    case '%':
      return reversed(trimShortest);
    case '%%':
      return reversed(trimLongest);
    case ':':
      return toSubstr;
    case '/#':
      return replacePrefix;
    case '/%':
      return replaceSuffix;
    case '/':
      return replaceFirst;
    case '//':
      return replaceAll;
    default:
      return toDefault;
  }
}

/** isDefaultOp lists the operators that tolerate an undefined variable in strict mode. */
export function isDefaultOp(name: string): boolean {
  return ['-', '+', '=', '?', ':-', ':+', ':=', ':?'].includes(name);
}
