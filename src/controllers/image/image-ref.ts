// `spec.image` of an ImageRepository: a repository without scheme, tag or digest; its canonical name (registry and
// Docker Hub's `library/` made explicit) is what status.canonicalImageName and status.latestRef refer to.
import { parseReference, type Reference } from '../../fetchers/oci/index.ts';
import { errorMessage, FluxtsError } from '../../util/errors.ts';

/** ImageURLError: `spec.image` is not a repository reference (reason ImageURLInvalid, stalled). */
export class ImageURLError extends FluxtsError {}

/** ImageRepositoryRef is a parsed `spec.image`. */
export interface ImageRepositoryRef {
  reference: Reference;
  /** canonical is `registry/repository`, e.g. `index.docker.io/library/alpine` for `alpine`. */
  canonical: string;
}

/**
 * parseImageRepository checks `spec.image` with Flux's messages.
 * @example parseImageRepository('alpine').canonical // 'index.docker.io/library/alpine'
 */
export function parseImageRepository(image: string): ImageRepositoryRef {
  const scheme = image.split('://');
  if (scheme.length > 1) {
    throw new ImageURLError(`.spec.image value should not start with URL scheme; remove '${scheme[0]}://'`);
  }
  let reference: Reference;
  try {
    reference = parseReference(image);
  } catch (err) {
    throw new ImageURLError(errorMessage(err), { cause: err });
  }
  if (reference.tag !== undefined || reference.digest !== undefined) {
    const rest = image.slice(
      image.indexOf('/', image.startsWith(reference.registry) ? reference.registry.length : 0) + 1,
    );
    const suffix = rest.slice(rest.search(/[:@]/u) + 1);
    throw new ImageURLError(`.spec.image value should not contain a tag; remove ':${suffix}'`);
  }
  return { reference, canonical: `${reference.registry}/${reference.repository}` };
}
