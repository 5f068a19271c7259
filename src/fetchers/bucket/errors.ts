import { FluxtsError } from '../../util/errors.ts';

/**
 * BucketErrorKind classifies a failed object-storage operation: `auth` (refused credentials or access), `not-found`
 * (no such bucket or object), `unreachable`, `tls`, `timeout`, `bad-config` (credentials or settings Flux rejects
 * before any request: missing Secret keys, a malformed endpoint), `unsafe-key` (an object key that would land
 * outside the artifact root), `protocol` (any other unexpected answer).
 */
export type BucketErrorKind =
  'auth' | 'not-found' | 'unreachable' | 'tls' | 'timeout' | 'bad-config' | 'unsafe-key' | 'protocol';

/**
 * BucketError is every error of the bucket clients. Messages start with the operation and bucket, carry the
 * service's own error code when it sent one (`NoSuchBucket`, `InvalidAccessKeyId`, `AuthenticationFailed`), and
 * never contain credentials, signatures or tokens.
 */
export class BucketError extends FluxtsError {
  readonly kind: BucketErrorKind;
  /** code is the service's error code, when it answered with one. */
  readonly code: string | undefined;
  /** status is the HTTP status of the failed response, when there was one. */
  readonly status: number | undefined;

  constructor(
    kind: BucketErrorKind,
    message: string,
    options?: { cause?: unknown; hint?: string; code?: string; status?: number },
  ) {
    super(message, options);
    this.kind = kind;
    this.code = options?.code;
    this.status = options?.status;
  }
}

/** isNotFound reports whether err says the bucket or object does not exist. */
export function isNotFound(err: unknown): boolean {
  return err instanceof BucketError && err.kind === 'not-found';
}
