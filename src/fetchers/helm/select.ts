// Helm's choice of a chart version from an index (source-controller `ChartRepository.GetChartVersion`): an exact
// version string first, then the newest version satisfying the Masterminds semver range (`*` or empty: the newest
// stable one), versions that only differ in build metadata ordered by their creation time.
import { parseConstraint, parseStrictVersion, type SemverVersion } from '../../engines/semver-range/index.ts';
import { errorMessage } from '../../util/errors.ts';
import { HelmRepositoryError } from './errors.ts';
import type { ChartVersion, IndexFile } from './index-file.ts';

/** fluxVersion is fluxcd/pkg's version.ParseVersion: strict SemVer, a leading `v` allowed. */
function fluxVersion(text: string): SemverVersion | undefined {
  try {
    return parseStrictVersion(text.startsWith('v') ? text.slice(1) : text);
  } catch {
    return undefined;
  }
}

/**
 * selectChartVersion returns the entry of chart `name` that `version` (a version or a semver range) picks; a
 * HelmRepositoryError of kind `reference` says why none does (`no chart name found`, `no 'podinfo' chart with
 * version matching '>=9.0.0' found`, Masterminds' `improper constraint: …`).
 */
export function selectChartVersion(index: IndexFile, name: string, version: string): ChartVersion {
  const entries = index.entries[name];
  if (entries === undefined) throw new HelmRepositoryError('reference', 'no chart name found');
  const versions = entries.filter((cv): cv is ChartVersion => cv !== null);
  if (versions.length === 0) throw new HelmRepositoryError('reference', 'no chart version found');
  if (version !== '') {
    const exact = versions.find((cv) => cv.version === version);
    if (exact) return exact;
  }
  let constraint;
  try {
    constraint = parseConstraint(version === '' ? '*' : version);
  } catch (err) {
    throw new HelmRepositoryError('reference', errorMessage(err), { cause: err });
  }
  const matched: { cv: ChartVersion; v: SemverVersion }[] = [];
  for (const cv of versions) {
    const v = fluxVersion(cv.version);
    if (v !== undefined && constraint.check(v)) matched.push({ cv, v });
  }
  if (matched.length === 0) {
    throw new HelmRepositoryError('reference', `no '${name}' chart with version matching '${version}' found`);
  }
  matched.sort((a, b) => {
    const byVersion = b.v.compare(a.v);
    if (byVersion !== 0) return byVersion;
    return Date.parse(b.cv.created || '0001-01-01T00:00:00Z') - Date.parse(a.cv.created || '0001-01-01T00:00:00Z');
  });
  return matched[0]!.cv;
}
