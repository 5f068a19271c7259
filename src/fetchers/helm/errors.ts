import { FluxtsError } from '../../util/errors.ts';

/**
 * HelmRepositoryErrorKind classifies a failed repository operation so a reconciler can pick Flux's reason:
 * `status` (the server answered, but not 200), `unreachable` (DNS, refused, reset), `tls` (certificate or
 * handshake), `timeout`, `too-large` (index or chart above its cap), `invalid-url`, `index` (the index does not
 * parse or validate), `reference` (no such chart, or no version matches).
 */
export type HelmRepositoryErrorKind =
  'status' | 'unreachable' | 'tls' | 'timeout' | 'too-large' | 'invalid-url' | 'index' | 'reference';

/**
 * HelmRepositoryError is every error of fetchers/helm. Messages follow Helm's getter (`failed to fetch <url> :
 * 401 Unauthorized`) and never contain credentials: URLs are printed without their userinfo.
 */
export class HelmRepositoryError extends FluxtsError {
  readonly kind: HelmRepositoryErrorKind;
  /** status is the HTTP status of a `status` error. */
  readonly status: number | undefined;

  constructor(kind: HelmRepositoryErrorKind, message: string, options?: { cause?: unknown; status?: number }) {
    super(message, options);
    this.kind = kind;
    this.status = options?.status;
  }
}

/** isHelmRepositoryError narrows an unknown thrown value, optionally to one kind. */
export function isHelmRepositoryError(err: unknown, kind?: HelmRepositoryErrorKind): err is HelmRepositoryError {
  return err instanceof HelmRepositoryError && (kind === undefined || err.kind === kind);
}
