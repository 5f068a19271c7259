import { FluxtsError } from '../../util/errors.ts';
import type { ApiStatus } from './types.ts';

/**
 * KubeApiError is a failed API request: the HTTP status code, the server's metav1.Status reason (NotFound,
 * Conflict, Expired, …) and its message. The message starts with the request subject.
 */
export class KubeApiError extends FluxtsError {
  readonly statusCode: number;
  readonly reason: string;
  readonly status: ApiStatus | undefined;

  constructor(subject: string, statusCode: number, status: ApiStatus | undefined, options?: { cause?: unknown }) {
    const detail = status?.message ?? `HTTP ${statusCode}`;
    super(`${subject}: ${detail}`, options);
    this.statusCode = statusCode;
    this.reason = status?.reason ?? '';
    this.status = status;
  }
}

/** KubeConnectionError is a request that never got an HTTP answer (DNS, TLS, refused, timeout). */
export class KubeConnectionError extends FluxtsError {}

/** isNotFound reports a 404 from the API server. */
export function isNotFound(err: unknown): boolean {
  return err instanceof KubeApiError && err.statusCode === 404;
}

/** isConflict reports a 409 (optimistic-lock failure or already exists). */
export function isConflict(err: unknown): boolean {
  return err instanceof KubeApiError && err.statusCode === 409;
}

/** isAlreadyExists reports a create that lost to an existing object. */
export function isAlreadyExists(err: unknown): boolean {
  return err instanceof KubeApiError && err.statusCode === 409 && err.reason === 'AlreadyExists';
}

/** isGone reports a 410: the requested resourceVersion is older than the server keeps; the caller must re-list. */
export function isGone(err: unknown): boolean {
  return err instanceof KubeApiError && (err.statusCode === 410 || err.reason === 'Expired' || err.reason === 'Gone');
}
