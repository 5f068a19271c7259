import { FluxtsError } from '../../util/errors.ts';

/**
 * OCIErrorKind classifies a failed registry operation so callers can choose a Flux reason: `auth` (401/403 or a
 * refused token request), `not-found` (unknown repository, tag, manifest or blob), `unreachable` (DNS, refused,
 * reset), `tls` (certificate or handshake), `timeout`, `digest-mismatch`, `too-large`, `bad-credentials` (a
 * malformed docker config or certificate Secret), `invalid-reference`, `protocol` (any other unexpected answer).
 */
export type OCIErrorKind =
  | 'auth'
  | 'not-found'
  | 'unreachable'
  | 'tls'
  | 'timeout'
  | 'digest-mismatch'
  | 'too-large'
  | 'bad-credentials'
  | 'invalid-reference'
  | 'protocol';

/** RegistryErrorDetail is one entry of the distribution spec's error body `{"errors":[{code,message}]}`. */
export interface RegistryErrorDetail {
  code: string;
  message: string;
}

/**
 * OCIError is every error of the OCI client. Messages start with the subject (`GET
 * https://host/v2/repo/manifests/tag` or `registry host`), carry the registry's own error codes when it sent
 * some, and never contain credentials or tokens.
 */
export class OCIError extends FluxtsError {
  readonly kind: OCIErrorKind;
  /** HTTP status of the failed response, when there was one. */
  readonly status: number | undefined;
  /** Registry error codes from the response body (`MANIFEST_UNKNOWN`, `UNAUTHORIZED`, …). */
  readonly details: readonly RegistryErrorDetail[];

  constructor(
    kind: OCIErrorKind,
    message: string,
    options?: { cause?: unknown; hint?: string; status?: number; details?: RegistryErrorDetail[] },
  ) {
    super(message, options);
    this.kind = kind;
    this.status = options?.status;
    this.details = options?.details ?? [];
  }
}

/** isOCIError narrows an unknown thrown value, optionally to one kind. */
export function isOCIError(err: unknown, kind?: OCIErrorKind): err is OCIError {
  return err instanceof OCIError && (kind === undefined || err.kind === kind);
}
