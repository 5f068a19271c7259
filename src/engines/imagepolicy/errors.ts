import { FluxtsError } from '../../util/errors.ts';

/**
 * InvalidPolicyError is a policy that can never select anything until its spec changes (a bad semver range, order
 * or filter pattern); the ImagePolicy controller stalls on it with reason `InvalidPolicy`. Messages are Flux's.
 */
export class InvalidPolicyError extends FluxtsError {}

/**
 * NoLatestError is a valid policy that selected nothing from the tags it was given (an empty list, no tag in the
 * semver range, a non-numeric value under a numerical policy); it may resolve after the next scan.
 */
export class NoLatestError extends FluxtsError {}
