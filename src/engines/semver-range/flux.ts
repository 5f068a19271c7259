// How Flux reads tags as versions (fluxcd/pkg/version.ParseVersion) and picks the latest one in a range: the rule
// GitRepository `ref.semver` and OCIRepository `ref.semver` share. Kept here so the two cannot drift apart.
import { parseConstraint, type SemverConstraints } from './constraints.ts';
import { parseStrictVersion, parseVersion, type SemverVersion } from './version.ts';

/**
 * parseFluxVersion is fluxcd/pkg/version.ParseVersion: `semver.StrictNewVersion` (exactly `X.Y.Z[-pre][+meta]`, no
 * leading zeros) except that one leading `v` is allowed; the version keeps the text it came from as `original`.
 * Throws SemverError for anything else (`1.2`, `v01.2.3`, `latest`).
 */
export function parseFluxVersion(tag: string): SemverVersion {
  parseStrictVersion(tag.startsWith('v') ? tag.slice(1) : tag);
  return parseVersion(tag);
}

/**
 * latestInRange returns the candidate with the highest version satisfying the constraint, or undefined when none
 * does. `versionText` maps a candidate to the text read as a version (e.g. Helm's `_` for `+` in OCI tags);
 * candidates that are not versions by parseFluxVersion are skipped. Among equal versions (differing only in build
 * metadata or a `v`) the first candidate wins.
 * @example latestInRange(['v1.0.0', '1.2.0', 'latest'], parseConstraint('1.x')) // '1.2.0'
 */
export function latestInRange<T>(
  candidates: Iterable<T>,
  constraint: SemverConstraints | string,
  versionText: (c: T) => string = String,
): T | undefined {
  const range = typeof constraint === 'string' ? parseConstraint(constraint) : constraint;
  let best: { item: T; v: SemverVersion } | undefined;
  for (const item of candidates) {
    let v: SemverVersion;
    try {
      v = parseFluxVersion(versionText(item));
    } catch {
      continue;
    }
    if (!range.check(v)) continue;
    if (best === undefined || v.compare(best.v) > 0) best = { item, v };
  }
  return best?.item;
}
