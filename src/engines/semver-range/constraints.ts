import { quote as goQuote } from '../gotemplate/index.ts';
import { SemverError } from './errors.ts';
import { comparePrerelease, parseVersion, type SemverVersion } from './version.ts';

/** The library's limits on constraint text. */
export const MAX_CONSTRAINT_LEN = 512;
export const MAX_CONSTRAINT_GROUPS = 32;

// The library defines the constraint grammar as Go regular expressions. Go's regexp reports the match and
// submatches a backtracking engine would find first, so a JavaScript RegExp of the same text (with Go's ASCII `\s`)
// finds the same ones: the hyphen-range rewrite uses one (it cannot backtrack exponentially, and inputs are capped
// at 512 bytes first). The per-group validity check and term split are a scanner instead (see scanGroup), which is
// linear and several times faster than the library's patterns in any regex engine.
const WS = String.raw`[\t\n\f\r ]`;
const CV =
  String.raw`v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?` +
  String.raw`(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?` +
  String.raw`(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?`;
const RANGE = new RegExp(`${WS}*(${CV})${WS}+-${WS}+(${CV})${WS}*`, 'g');
const MAYBE_RANGE = new RegExp(`${WS}-${WS}`);

type Op = '' | '=' | '!=' | '>' | '<' | '>=' | '=>' | '<=' | '=<' | '~' | '~>' | '^';

/** Comparison is one parsed `op version` term; `dirty` when a part was omitted or a wildcard. */
interface Comparison {
  op: Op;
  /** orig is the version text as written (without the operator). */
  orig: string;
  con: SemverVersion;
  dirty: boolean;
  minorDirty: boolean;
  patchDirty: boolean;
}

/**
 * SemverConstraints is Masterminds/semver v3's `Constraints`: groups separated by `||`, each a list of comparisons
 * that must all hold. A prerelease version only satisfies a group in which some comparison names a prerelease
 * (unless `includePrerelease`).
 */
export class SemverConstraints {
  private readonly groups: Comparison[][];
  private readonly groupHasPre: boolean[];
  includePrerelease = false;

  constructor(groups: Comparison[][]) {
    this.groups = groups;
    this.groupHasPre = groups.map((g) => g.some((c) => c.con.prerelease !== ''));
  }

  /** check is `Constraints.Check`: true when some group admits `v`. */
  check(v: SemverVersion): boolean {
    return this.groups.some((group, i) => {
      const includePre = this.includePrerelease || (this.groupHasPre[i] ?? false);
      return group.every((c) => holds(v, c, includePre));
    });
  }

  /** toString is `Constraints.String`: each comparison as `op` + original text, groups joined by ` || `. */
  toString(): string {
    return this.groups.map((g) => g.map((c) => c.op + c.orig).join(' ')).join(' || ');
  }
}

/**
 * parseConstraint is `semver.NewConstraint`: rewrites hyphen ranges (`1.2 - 1.4.5`), splits `||` groups, checks each
 * against the grammar and parses its comparisons. Throws SemverError with the library's message.
 */
export function parseConstraint(text: string): SemverConstraints {
  if (Buffer.byteLength(text, 'utf8') > MAX_CONSTRAINT_LEN) {
    throw new SemverError(`constraint string is too long (max ${MAX_CONSTRAINT_LEN} bytes)`);
  }
  const ors = rewriteRange(text).split('||');
  if (ors.length > MAX_CONSTRAINT_GROUPS) {
    throw new SemverError(`too many constraint groups (max ${MAX_CONSTRAINT_GROUPS})`);
  }
  const groups = ors.map((or) => {
    const terms = scanGroup(or);
    if (terms === undefined) throw new SemverError(`improper constraint: ${goQuote(or)}`);
    return terms.map(comparison);
  });
  return new SemverConstraints(groups);
}

/** satisfies parses `constraint` and `version` as Sprig's semverCompare does (constraint first) and checks. */
export function satisfies(constraint: string, version: string): boolean {
  const c = parseConstraint(constraint);
  return c.check(parseVersion(version));
}

function rewriteRange(text: string): string {
  if (!MAYBE_RANGE.test(text)) return text;
  let out = text;
  for (const m of text.matchAll(RANGE)) {
    // strings.Replace(o, match, …, 1): the first occurrence in the text rewritten so far.
    const at = out.indexOf(m[0]);
    if (at < 0) continue;
    out = out.slice(0, at) + `>= ${m[1] ?? ''}, <= ${m[11] ?? ''} ` + out.slice(at + m[0].length);
  }
  return out;
}

const isWs = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d;
/** isNum: the library's version-number class `[0-9|x|X|\*]` (the `|` is in it, as written). */
const isNum = (c: number): boolean => (c >= 0x30 && c <= 0x39) || c === 0x7c || c === 0x78 || c === 0x58 || c === 0x2a;
/** isIdent: `[0-9A-Za-z-]`, a prerelease or metadata identifier character. */
const isIdent = (c: number): boolean =>
  (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2d;
const TWO_CHAR_OPS = new Set(['!=', '>=', '=>', '<=', '=<', '~>']);
const ONE_CHAR_OPS = new Set(['=', '>', '<', '~', '^']);

/** Term is one `op version` of a group, with the version's parts as the library's regex captures them. */
interface Term {
  op: Op;
  /** version is the whole version text; minor and patch keep their leading dot, pre its leading dash. */
  version: string;
  major: string;
  minor: string;
  patch: string;
  pre: string;
}

/**
 * scanGroup decides the library's `validConstraintRegex` (`^(\s*OP\s*CV\s*)((?:\s+|,\s*)OP\s*CV\s*)*$`) and
 * splits the group into the terms its `findConstraintRegex` finds, in one left-to-right pass; undefined when the
 * group is not valid. No version starts with an operator character and none contains white space or a comma, so
 * the longest operator and the longest version at each point are the only choices that can lead to a match.
 */
function scanGroup(s: string): Term[] | undefined {
  const terms: Term[] = [];
  let i = 0;
  const skipWs = (): void => {
    while (isWs(s.charCodeAt(i))) i++;
  };
  const term = (): boolean => {
    skipWs();
    let op: Op = '';
    if (TWO_CHAR_OPS.has(s.slice(i, i + 2))) op = s.slice(i, i + 2) as Op;
    else if (ONE_CHAR_OPS.has(s[i] ?? '')) op = s[i] as Op;
    i += op.length;
    skipWs();
    const t = scanVersion(s, i, op);
    if (t === undefined) return false;
    terms.push(t);
    i += t.version.length;
    return true;
  };
  if (!term()) return undefined;
  for (;;) {
    const before = i;
    skipWs();
    if (i === s.length) return terms;
    if (s[i] === ',') i++;
    else if (i === before) return undefined;
    if (!term()) return undefined;
  }
}

/** scanVersion matches the longest constraint version (`cvRegex`) at `start`, or undefined. */
function scanVersion(s: string, start: number, op: Op): Term | undefined {
  let i = start;
  const run = (test: (c: number) => boolean): void => {
    while (test(s.charCodeAt(i))) i++;
  };
  if (s[i] === 'v' && isNum(s.charCodeAt(i + 1))) i++;
  if (!isNum(s.charCodeAt(i))) return undefined;
  const majorAt = i;
  run(isNum);
  const major = s.slice(majorAt, i);
  const dotted = (): string => {
    if (s[i] !== '.' || !isNum(s.charCodeAt(i + 1))) return '';
    const at = i++;
    run(isNum);
    return s.slice(at, i);
  };
  const minor = dotted();
  const patch = minor === '' ? '' : dotted();
  const identifiers = (lead: string): string => {
    if (s[i] !== lead || !isIdent(s.charCodeAt(i + 1))) return '';
    const at = i++;
    run(isIdent);
    while (s[i] === '.' && isIdent(s.charCodeAt(i + 1))) {
      i++;
      run(isIdent);
    }
    return s.slice(at, i);
  };
  const pre = identifiers('-');
  identifiers('+');
  return { op, version: s.slice(start, i), major, minor, patch, pre };
}

const isX = (s: string): boolean => s === 'x' || s === '*' || s === 'X';

/** comparison is the library's parseConstraint for one term: omitted or wildcard parts make it "dirty". */
function comparison(t: Term): Comparison {
  let ver = t.version;
  let dirty = false;
  let minorDirty = false;
  let patchDirty = false;
  if (isX(t.major)) {
    ver = `0.0.0${t.pre}`;
    dirty = true;
  } else if (isX(t.minor.slice(1)) || t.minor === '') {
    minorDirty = dirty = true;
    ver = `${t.major}.0.0${t.pre}`;
  } else if (isX(t.patch.slice(1)) || t.patch === '') {
    patchDirty = dirty = true;
    ver = `${t.major}${t.minor}.0${t.pre}`;
  }
  let con: SemverVersion;
  try {
    con = parseVersion(ver);
  } catch (err) {
    throw new SemverError('constraint parser error', { cause: err });
  }
  return { op: t.op, orig: t.version, con, dirty, minorDirty, patchDirty };
}

/** holds applies one comparison, as the library's constraint functions do (their error texts are not kept). */
function holds(v: SemverVersion, c: Comparison, includePre: boolean): boolean {
  if (v.prerelease !== '' && !includePre) return false;
  switch (c.op) {
    case '':
    case '=':
      return c.dirty ? tilde(v, c) : v.equal(c.con);
    case '!=':
      return notEqual(v, c);
    case '>':
      return greaterThan(v, c);
    case '<':
      return v.compare(c.con) < 0;
    case '>=':
    case '=>':
      return v.compare(c.con) >= 0;
    case '<=':
    case '=<':
      return lessThanEqual(v, c);
    case '~':
    case '~>':
      return tilde(v, c);
    case '^':
      return caret(v, c);
  }
}

function notEqual(v: SemverVersion, c: Comparison): boolean {
  if (c.dirty) {
    if (c.con.major !== v.major) return true;
    if (c.con.minor !== v.minor && !c.minorDirty) return true;
    if (c.minorDirty) return false;
    if (c.con.patch !== v.patch && !c.patchDirty) return true;
    if (c.patchDirty) {
      if (v.prerelease !== '' || c.con.prerelease !== '') {
        return comparePrerelease(v.prerelease, c.con.prerelease) !== 0;
      }
      return false;
    }
  }
  return !v.equal(c.con);
}

function greaterThan(v: SemverVersion, c: Comparison): boolean {
  if (!c.dirty) return v.compare(c.con) === 1;
  if (v.major > c.con.major) return true;
  if (v.major < c.con.major) return false;
  if (c.minorDirty) return false;
  if (c.patchDirty) return v.minor > c.con.minor;
  return v.compare(c.con) === 1;
}

function lessThanEqual(v: SemverVersion, c: Comparison): boolean {
  if (!c.dirty) return v.compare(c.con) <= 0;
  if (v.major > c.con.major) return false;
  if (v.major === c.con.major && v.minor > c.con.minor && !c.minorDirty) return false;
  return true;
}

function tilde(v: SemverVersion, c: Comparison): boolean {
  if (v.lessThan(c.con)) return false;
  // ~0.0.0 (or ~*) admits everything at or above it.
  if (c.con.major === 0n && c.con.minor === 0n && c.con.patch === 0n && !c.minorDirty && !c.patchDirty) return true;
  if (v.major !== c.con.major) return false;
  if (v.minor !== c.con.minor && !c.minorDirty) return false;
  return true;
}

function caret(v: SemverVersion, c: Comparison): boolean {
  if (v.lessThan(c.con)) return false;
  if (c.con.major > 0n || c.minorDirty) return v.major === c.con.major;
  if (c.con.major === 0n && v.major > 0n) return false;
  if (c.con.minor > 0n || c.patchDirty) return v.minor === c.con.minor;
  if (c.con.minor === 0n && v.minor > 0n) return false;
  return c.con.patch === v.patch;
}
