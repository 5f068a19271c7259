/**
 * Sprig's `semver` and `semverCompare` over engines/semver-range, and the Go types a template sees:
 * `*semver.Version` (every method) and `semver.Version` (the value-receiver methods, which is what `IncMajor` and
 * friends return, so `.IncMajor.Original` fails as in Go).
 */
import {
  BOOL,
  defineMethods,
  GoStruct,
  goFunc,
  INT,
  ptrTo,
  STRING,
  structType,
  UINT64,
  goInt,
  type FuncMap,
  type GoFunc,
  type GoType,
  type GoValue,
} from '../gotemplate/index.ts';
import {
  parseConstraint,
  parseVersion,
  SemverError,
  type SemverConstraints,
  type SemverVersion,
} from '../semver-range/index.ts';
import { rethrowAs, SprigError } from './errors.ts';
import { method } from './methods.ts';

const native = (v: GoValue): SemverVersion => (v as GoStruct).native as SemverVersion;

let versionTypes: { value: GoType; ptr: GoType } | undefined;

/** semverTypes returns the Go types `semver.Version` and `*semver.Version`. */
export function semverTypes(): { value: GoType; ptr: GoType } {
  if (versionTypes !== undefined) return versionTypes;
  const str = { type: STRING };
  const u64 = { type: UINT64 };
  const holder: { value?: GoType; ptr?: GoType } = {};
  const asValue = (v: SemverVersion): GoValue => new GoStruct(holder.value as GoType, {}, v);
  const other = (o: GoValue): SemverVersion => {
    if (!(o instanceof GoStruct) || !(o.native instanceof Object))
      throw new SprigError('invalid memory address or nil pointer dereference');
    return o.native as SemverVersion;
  };
  const values: Record<string, GoFunc> = {
    String: method([], (r) => native(r).toString(), str),
    Major: method([], (r) => goInt(native(r).major, UINT64), u64),
    Minor: method([], (r) => goInt(native(r).minor, UINT64), u64),
    Patch: method([], (r) => goInt(native(r).patch, UINT64), u64),
    Prerelease: method([], (r) => native(r).prerelease, str),
    Metadata: method([], (r) => native(r).metadata, str),
    IncPatch: method([], (r) => asValue(native(r).incPatch())),
    IncMinor: method([], (r) => asValue(native(r).incMinor())),
    IncMajor: method([], (r) => asValue(native(r).incMajor())),
    SetPrerelease: method(
      [STRING],
      (r, p: string) => asValue(rethrowAs(SemverError, () => native(r).setPrerelease(p))),
      {
        error: true,
      },
    ),
    SetMetadata: method([STRING], (r, m: string) => asValue(rethrowAs(SemverError, () => native(r).setMetadata(m))), {
      error: true,
    }),
    MarshalJSON: method([], (r) => Buffer.from(JSON.stringify(native(r).toString())), { error: true }),
    MarshalText: method([], (r) => Buffer.from(native(r).toString()), { error: true }),
  };
  const value = structType('semver.Version', [], values);
  holder.value = value;
  const ptrType: GoType = ptrTo(value);
  const pointerMethods: Record<string, GoFunc> = {
    Original: method([], (r) => native(r).original, str),
    LessThan: method([ptrType], (r, o: GoValue) => native(r).lessThan(other(o)), { type: BOOL }),
    LessThanEqual: method([ptrType], (r, o: GoValue) => native(r).lessThanEqual(other(o)), { type: BOOL }),
    GreaterThan: method([ptrType], (r, o: GoValue) => native(r).greaterThan(other(o)), { type: BOOL }),
    GreaterThanEqual: method([ptrType], (r, o: GoValue) => native(r).greaterThanEqual(other(o)), { type: BOOL }),
    Equal: method([ptrType], (r, o: GoValue) => native(r).equal(other(o)), { type: BOOL }),
    Compare: method([ptrType], (r, o: GoValue) => goInt(native(r).compare(other(o))), { type: INT }),
  };
  defineMethods(ptrType, pointerMethods);
  versionTypes = { value, ptr: ptrType };
  return versionTypes;
}

/** versionValue wraps a parsed version as the `*semver.Version` Sprig's `semver` returns. */
export function versionValue(v: SemverVersion): GoStruct {
  return new GoStruct(semverTypes().ptr, {}, v);
}

const constraintCache = new Map<string, SemverConstraints | SemverError>();

/** cachedConstraint parses a constraint once per text (charts check the same few in every template). */
function cachedConstraint(text: string): SemverConstraints {
  let c = constraintCache.get(text);
  if (c === undefined) {
    try {
      c = parseConstraint(text);
    } catch (err) {
      if (!(err instanceof SemverError)) throw err;
      c = err;
    }
    if (constraintCache.size > 1000) constraintCache.clear();
    constraintCache.set(text, c);
  }
  if (c instanceof SemverError) throw new SprigError(c.message, { cause: c });
  return c;
}

export function semverFunctions(): FuncMap {
  return {
    semver: goFunc([STRING], (v) => versionValue(rethrowAs(SemverError, () => parseVersion(v))), {
      type: semverTypes().ptr,
      error: true,
    }),
    semverCompare: goFunc(
      [STRING, STRING],
      (c, v) => cachedConstraint(c).check(rethrowAs(SemverError, () => parseVersion(v))),
      {
        type: BOOL,
        error: true,
      },
    ),
  };
}
