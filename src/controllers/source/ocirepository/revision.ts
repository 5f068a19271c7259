// Which artifact an OCIRepository's `spec.ref` points at: digest > semver (with semverFilter) > tag > `latest`,
// and the revision string Flux records for it (`<tag>@sha256:<hex>`, or the digest alone for a digest ref).
import { parseConstraint, parseVersion, type SemverVersion } from '../../../engines/semver-range/index.ts';
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
 * regular expression; tags that are not versions are skipped. Helm chart tags carry `_` for the `+` of build
 * metadata (OCI tags cannot contain `+`), so with the Helm chart media type they are read that way.
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
  let re: RegExp | undefined;
  if (filter) {
    try {
      re = new RegExp(filter, 'u');
    } catch (err) {
      throw new RefError(`semverFilter '${filter}' is not a valid regular expression: ${errorMessage(err)}`, {
        cause: err,
      });
    }
  }
  const helm = layerMediaType === MediaType.HelmChartContent;
  let best: { tag: string; v: SemverVersion } | undefined;
  for (const tag of tags) {
    if (re && !re.test(tag)) continue;
    let v: SemverVersion;
    try {
      v = parseVersion(helm ? tag.replace(/_/gu, '+') : tag);
    } catch {
      continue;
    }
    if (!constraint.check(v)) continue;
    if (!best || v.compare(best.v) > 0) best = { tag, v };
  }
  if (!best) throw new RefError(`no match found for semver: ${range}`);
  return best.tag;
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
