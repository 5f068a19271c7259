import { SemverError } from './errors.ts';

/** MAX_VERSION_LEN is the longest version string (in bytes) the library parses. */
export const MAX_VERSION_LEN = 256;
const MAX_UINT64 = (1n << 64n) - 1n;

// The library's lenient grammar (its `looseSemVerRegex`), anchored as NewVersion anchors it. Go's regexp picks the
// submatches a backtracking engine would, so a JavaScript RegExp of the same text captures the same groups; this
// one cannot backtrack badly (identifiers are separated by dots) and inputs are capped at 256 bytes first.
const LOOSE =
  /^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?(\+([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?$/;

const DIGITS = /^[0-9]*$/;
const IDENT = /^[0-9A-Za-z-]*$/;

/**
 * SemverVersion is Masterminds/semver v3's `Version`: three uint64 numbers, a prerelease and metadata, and the
 * text it was parsed from. Parse with `parseVersion` (Helm's and Sprig's `NewVersion`) or `parseStrictVersion`.
 */
export class SemverVersion {
  readonly major: bigint;
  readonly minor: bigint;
  readonly patch: bigint;
  readonly prerelease: string;
  readonly metadata: string;
  /** original is the text the version was parsed from (for versions built by Inc*, the `v` prefix kept). */
  readonly original: string;

  constructor(major: bigint, minor: bigint, patch: bigint, prerelease = '', metadata = '', original?: string) {
    this.major = major;
    this.minor = minor;
    this.patch = patch;
    this.prerelease = prerelease;
    this.metadata = metadata;
    this.original = original ?? this.toString();
  }

  /** toString prints `major.minor.patch[-pre][+meta]`, without a `v`, as `Version.String()` does. */
  toString(): string {
    let s = `${this.major}.${this.minor}.${this.patch}`;
    if (this.prerelease !== '') s += `-${this.prerelease}`;
    if (this.metadata !== '') s += `+${this.metadata}`;
    return s;
  }

  /** compare orders by SemVer 2.0 precedence (metadata ignored): -1, 0 or 1. */
  compare(o: SemverVersion): -1 | 0 | 1 {
    const d = cmp(this.major, o.major) || cmp(this.minor, o.minor) || cmp(this.patch, o.patch);
    if (d !== 0) return d;
    if (this.prerelease === '' && o.prerelease === '') return 0;
    if (this.prerelease === '') return 1;
    if (o.prerelease === '') return -1;
    return comparePrerelease(this.prerelease, o.prerelease);
  }

  lessThan(o: SemverVersion): boolean {
    return this.compare(o) < 0;
  }
  lessThanEqual(o: SemverVersion): boolean {
    return this.compare(o) <= 0;
  }
  greaterThan(o: SemverVersion): boolean {
    return this.compare(o) > 0;
  }
  greaterThanEqual(o: SemverVersion): boolean {
    return this.compare(o) >= 0;
  }
  equal(o: SemverVersion): boolean {
    return this.compare(o) === 0;
  }

  /** incPatch drops prerelease and metadata; only a release version's patch number grows (`IncPatch`). */
  incPatch(): SemverVersion {
    if (this.prerelease !== '') return this.derive(this.major, this.minor, this.patch, '', '');
    return this.derive(this.major, this.minor, inc(this.patch, 'patch'), '', '');
  }
  incMinor(): SemverVersion {
    return this.derive(this.major, inc(this.minor, 'minor'), 0n, '', '');
  }
  incMajor(): SemverVersion {
    return this.derive(inc(this.major, 'major'), 0n, 0n, '', '');
  }
  /** setPrerelease replaces the prerelease (validated unless empty), as `SetPrerelease`. */
  setPrerelease(pre: string): SemverVersion {
    if (pre !== '') validatePrerelease(pre);
    return this.derive(this.major, this.minor, this.patch, pre, this.metadata);
  }
  /** setMetadata replaces the metadata (validated unless empty), as `SetMetadata`. */
  setMetadata(meta: string): SemverVersion {
    if (meta !== '') validateMetadata(meta);
    return this.derive(this.major, this.minor, this.patch, this.prerelease, meta);
  }

  /** derive builds a new version whose original keeps this one's `v` prefix, as the library's setters do. */
  private derive(major: bigint, minor: bigint, patch: bigint, pre: string, meta: string): SemverVersion {
    const next = new SemverVersion(major, minor, patch, pre, meta);
    const v = this.original.startsWith('v') ? 'v' : '';
    return new SemverVersion(major, minor, patch, pre, meta, v + next.toString());
  }
}

function inc(n: bigint, what: string): bigint {
  if (n === MAX_UINT64) throw new SemverError(`${what} version increment would overflow uint64`);
  return n + 1n;
}

const cmp = (a: bigint, b: bigint): -1 | 0 | 1 => (a < b ? -1 : a > b ? 1 : 0);

/** comparePrerelease compares dot-separated identifiers: numbers numerically and below text, a prefix first. */
export function comparePrerelease(v: string, o: string): -1 | 0 | 1 {
  const s = v.split('.');
  const t = o.split('.');
  for (let i = 0; i < Math.max(s.length, t.length); i++) {
    const d = comparePrePart(s[i] ?? '', t[i] ?? '');
    if (d !== 0) return d;
  }
  return 0;
}

function comparePrePart(s: string, o: string): -1 | 0 | 1 {
  if (s === o) return 0;
  if (s === '') return -1;
  if (o === '') return 1;
  const oi = parseUint(o);
  const si = parseUint(s);
  if (oi === undefined && si === undefined) return byteCompare(s, o) > 0 ? 1 : -1;
  if (oi === undefined) return -1;
  if (si === undefined) return 1;
  return si > oi ? 1 : -1;
}

/** parseUint is strconv.ParseUint(s, 10, 64) without the error text: undefined when not a uint64. */
function parseUint(s: string): bigint | undefined {
  if (s === '' || !/^[0-9]+$/.test(s)) return undefined;
  const n = BigInt(s);
  return n > MAX_UINT64 ? undefined : n;
}

/** byteCompare compares like Go compares strings: by UTF-8 bytes. */
function byteCompare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** segment parses a version number with strconv.ParseUint's range error wrapped as the library wraps it. */
function segment(text: string): bigint {
  const n = BigInt(text);
  if (n > MAX_UINT64) {
    throw new SemverError(`error parsing version segment: strconv.ParseUint: parsing "${text}": value out of range`);
  }
  return n;
}

/**
 * parseVersion is `semver.NewVersion` in its default (coercing) mode: optional `v`, minor and patch optional,
 * leading zeros allowed in the numbers, prerelease and metadata of `[0-9A-Za-z-]` identifiers. Throws SemverError
 * with the library's message.
 */
export function parseVersion(v: string): SemverVersion {
  if (Buffer.byteLength(v, 'utf8') > MAX_VERSION_LEN) {
    throw new SemverError(`version string is too long (max ${MAX_VERSION_LEN} bytes)`);
  }
  const m = LOOSE.exec(v);
  if (m === null) throw new SemverError('invalid semantic version');
  const [, major = '', minor = '', patch = '', , pre = '', , , meta = ''] = m;
  const parsed = new SemverVersion(
    segment(major),
    minor === '' ? 0n : segment(minor.slice(1)),
    patch === '' ? 0n : segment(patch.slice(1)),
    pre,
    meta,
    v,
  );
  if (pre !== '') validatePrerelease(pre);
  if (meta !== '') validateMetadata(meta);
  return parsed;
}

/** parseStrictVersion is `semver.StrictNewVersion`: exactly `X.Y.Z[-pre][+meta]`, no `v`, no leading zeros. */
export function parseStrictVersion(v: string): SemverVersion {
  if (v === '') throw new SemverError('version string empty');
  if (Buffer.byteLength(v, 'utf8') > MAX_VERSION_LEN) {
    throw new SemverError(`version string is too long (max ${MAX_VERSION_LEN} bytes)`);
  }
  // strings.SplitN(v, ".", 3): the third part keeps any further dots.
  const dot1 = v.indexOf('.');
  const dot2 = dot1 < 0 ? -1 : v.indexOf('.', dot1 + 1);
  if (dot2 < 0) throw new SemverError('invalid semantic version');
  const major = v.slice(0, dot1);
  const minor = v.slice(dot1 + 1, dot2);
  let patch = v.slice(dot2 + 1);
  let meta = '';
  let pre = '';
  const plus = patch.indexOf('+');
  if (plus >= 0) {
    [patch, meta] = [patch.slice(0, plus), patch.slice(plus + 1)];
    validateMetadata(meta);
  }
  const dash = patch.indexOf('-');
  if (dash >= 0) {
    [patch, pre] = [patch.slice(0, dash), patch.slice(dash + 1)];
    validatePrerelease(pre);
  }
  for (const p of [major, minor, patch]) {
    if (!DIGITS.test(p)) throw new SemverError('invalid characters in version');
    if (p.length > 1 && p.startsWith('0')) throw new SemverError('version segment starts with 0');
  }
  const num = (p: string): bigint => {
    // strconv.ParseUint refuses the empty string with a syntax error; the library returns that error unwrapped.
    if (p === '') throw new SemverError('strconv.ParseUint: parsing "": invalid syntax');
    const n = BigInt(p);
    if (n > MAX_UINT64) throw new SemverError(`strconv.ParseUint: parsing "${p}": value out of range`);
    return n;
  };
  return new SemverVersion(num(major), num(minor), num(patch), pre, meta, v);
}

function validatePrerelease(p: string): void {
  for (const part of p.split('.')) {
    if (part === '') throw new SemverError('invalid prerelease string');
    if (DIGITS.test(part)) {
      if (part.length > 1 && part.startsWith('0')) throw new SemverError('version segment starts with 0');
    } else if (!IDENT.test(part)) {
      throw new SemverError('invalid prerelease string');
    }
  }
}

function validateMetadata(m: string): void {
  for (const part of m.split('.')) {
    if (part === '' || !IDENT.test(part)) throw new SemverError('invalid metadata string');
  }
}
