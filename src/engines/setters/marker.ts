// Reading image-automation markers from YAML comments, as kyaml's fieldmeta does for image-automation-controller:
// the comment without its leading `#`s must be a JSON object, either the `$imagepolicy` shorthand or a `$ref` to
// `#/definitions/io.k8s.cli.setters.<setter>`.

/** The shorthand key Flux registers with kyaml; files without `"$imagepolicy"` (quoted) are never read. */
export const SETTER_SHORTHAND = '$imagepolicy';
/** SCREENING_TOKEN is the literal text a file must contain to be considered at all. */
export const SCREENING_TOKEN = `"${SETTER_SHORTHAND}"`;
const REF_PREFIX = '#/definitions/io.k8s.cli.setters.';

/**
 * markerSetter returns the setter a comment names (`ns:name`, `ns:name:tag`, …), or undefined when the comment is
 * not a marker. `comment` is the text after the first `#`, as YAML parsers hand it over.
 * @example markerSetter(' {"$imagepolicy": "flux-system:app:tag"}') // 'flux-system:app:tag'
 */
export function markerSetter(comment: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(comment.replace(/^#+/u, ''));
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  const record = parsed as Record<string, unknown>;
  // The shorthand is read into a map of strings: any non-string value makes the whole comment a non-marker.
  const allStrings = Object.values(record).every((v) => typeof v === 'string');
  const short = record[SETTER_SHORTHAND];
  if (allStrings && typeof short === 'string' && short !== '') return short;
  const ref = record['$ref'];
  if (typeof ref === 'string' && ref.startsWith(REF_PREFIX) && ref.length > REF_PREFIX.length) {
    return ref.slice(REF_PREFIX.length);
  }
  return undefined;
}
