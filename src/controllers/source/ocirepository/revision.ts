// Which artifact an OCIRepository's `spec.ref` points at: digest > semver (with semverFilter) > tag > `latest`,
// and the revision string Flux records for it (`<tag>@sha256:<hex>`, or the digest alone for a digest ref).
import { RE2JS } from 're2js';

import { latestInRange, parseConstraint } from '../../../engines/semver-range/index.ts';
import { MediaType } from '../../../fetchers/oci/index.ts';
import { errorMessage, FluxtsError } from '../../../util/errors.ts';

/** OCIRef is `spec.ref`. */
export interface OCIRef {
  digest?: string;
  semver?: string;
  semverFilter?: string;
  tag?: string;
}

/** RefError: the ref cannot be resolved from the tags (no semver match, invalid range or filter). */
export class RefError extends FluxtsError {}

/**
 * bestSemverTag picks the highest tag satisfying a Masterminds semver range, after the optional `semverFilter`
 * regular expression (RE2, as Go's regexp); tags that are not versions as Flux reads them (strict SemVer with an
 * optional `v`) are skipped. Helm chart tags carry `_` for the `+` of build metadata (OCI tags cannot contain `+`),
 * so with the Helm chart media type they are read that way.
 * @example bestSemverTag(['1.0.0', '1.2.0', 'latest'], '1.x') // '1.2.0'
 */
export function bestSemverTag(
  tags: readonly string[],
  range: string,
  filter?: string,
  layerMediaType?: string,
): string {
  let constraint;
  try {
    constraint = parseConstraint(range);
  } catch (err) {
    throw new RefError(`semver '${range}' parse error: ${errorMessage(err)}`, { cause: err });
  }
  let re: RE2JS | undefined;
  if (filter) {
    try {
      re = RE2JS.compile(filter);
    } catch (err) {
      throw new RefError(`semverFilter '${filter}' is not a valid regular expression: ${errorMessage(err)}`, {
        cause: err,
      });
    }
  }
  const helm = layerMediaType === MediaType.HelmChartContent;
  const candidates = re ? tags.filter((t) => re.matcher(t).find()) : tags;
  const best = latestInRange(candidates, constraint, helm ? (t) => t.replace(/_/gu, '+') : String);
  if (best === undefined) throw new RefError(`no match found for semver: ${range}`);
  return best;
}

/** formatRevision renders Flux's revision: `<tag>@<digest>`, or the digest alone when no tag was involved. */
export function formatRevision(tag: string | undefined, digest: string): string {
  return tag === undefined ? digest : `${tag}@${digest}`;
}

/** digestFromRevision extracts the digest part of a revision (`tag@sha256:…` or `sha256:…`). */
export function digestFromRevision(revision: string): string {
  const at = revision.lastIndexOf('@');
  return at === -1 ? revision : revision.slice(at + 1);
}
