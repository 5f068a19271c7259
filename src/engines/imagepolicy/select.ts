// The whole selection of an ImagePolicy over a repository's tags: filter (and extract), then the policy.
import { InvalidPolicyError } from './errors.ts';
import { TagFilter, type FilterTags } from './filter.ts';
import { policerFromSpec, type PolicyChoice } from './policy.ts';

/** SelectSpec is the part of an ImagePolicy spec that decides which tag is latest. */
export interface SelectSpec {
  policy: PolicyChoice;
  filterTags?: FilterTags;
}

/**
 * selectLatestTag returns the tag the policy picks. Throws InvalidPolicyError (bad spec: stall) with the
 * `invalid policy: …` / `failed to filter tags: …` prefixes Flux's controller adds, or NoLatestError.
 * @example selectLatestTag(['main-1', 'main-20', 'pr-3'], { policy: { numerical: {} },
 *   filterTags: { pattern: '^main-(?P<n>\\d+)$', extract: '$n' } }) // 'main-20'
 */
export function selectLatestTag(tags: readonly string[], spec: SelectSpec): string {
  const policer = withPrefix('invalid policy: ', () => policerFromSpec(spec.policy));
  if (spec.filterTags === undefined) return policer.latest(tags);
  const filterTags = spec.filterTags;
  const filter = withPrefix('failed to filter tags: ', () => new TagFilter(filterTags));
  const values = filter.apply(tags);
  const latest = policer.latest([...values.keys()]);
  return values.get(latest) ?? latest;
}

function withPrefix<T>(prefix: string, f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof InvalidPolicyError) throw new InvalidPolicyError(prefix + err.message, { cause: err });
    throw err;
  }
}
