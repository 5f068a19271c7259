import { FluxtsError } from '../../util/errors.ts';

/**
 * SemverError is a version or constraint that Masterminds/semver v3 refuses; the message is the library's own
 * text (e.g. `invalid semantic version`, `improper constraint: "foo"`), because Helm and Flux print it verbatim.
 */
export class SemverError extends FluxtsError {}
