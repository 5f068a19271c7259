import { FluxtsError } from '../../util/errors.ts';

/** GitErrorKind classifies a failed Git operation so reconcilers can pick a reason and a message. */
export type GitErrorKind =
  | 'auth'
  | 'host-key'
  | 'unreachable'
  | 'ref-not-found'
  | 'bad-secret'
  | 'invalid-url'
  | 'tls'
  | 'timeout'
  | 'verification'
  | 'operation';

/**
 * GitError is the base of the fetcher's typed errors. `kind` is the classification; `reason` is the Flux
 * condition reason a GitRepository reconciler should use (`AuthenticationFailed`, `GitOperationFailed`, …).
 * Messages start with the repository URL (userinfo removed) and never contain secret values.
 */
export class GitError extends FluxtsError {
  readonly kind: GitErrorKind;
  readonly reason: string;
  constructor(kind: GitErrorKind, reason: string, message: string, options?: { cause?: unknown; hint?: string }) {
    super(message, options);
    this.kind = kind;
    this.reason = reason;
  }
}

/** GitAuthError: the server refused the credentials (HTTP 401/403, SSH publickey denied). */
export class GitAuthError extends GitError {
  constructor(message: string, options?: { cause?: unknown; hint?: string }) {
    super('auth', 'AuthenticationFailed', message, options);
  }
}

/** GitHostKeyError: the SSH host key is not in known_hosts or does not match it. */
export class GitHostKeyError extends GitError {
  constructor(message: string, options?: { cause?: unknown; hint?: string }) {
    super('host-key', 'GitOperationFailed', message, options);
  }
}

/** GitUnreachableError: DNS failure, connection refused or timed out at the network level. */
export class GitUnreachableError extends GitError {
  constructor(message: string, options?: { cause?: unknown; hint?: string }) {
    super('unreachable', 'GitOperationFailed', message, options);
  }
}

/** GitRefNotFoundError: the branch, tag, ref, semver range or commit does not exist on the remote. */
export class GitRefNotFoundError extends GitError {
  constructor(message: string, options?: { cause?: unknown; hint?: string }) {
    super('ref-not-found', 'GitOperationFailed', message, options);
  }
}

/** GitBadSecretError: the credentials Secret is malformed (missing keys, unparsable key, bad combination). */
export class GitBadSecretError extends GitError {
  constructor(message: string, options?: { cause?: unknown; hint?: string }) {
    super('bad-secret', 'AuthenticationFailed', message, options);
  }
}

/** GitInvalidUrlError: the URL is not http(s):// or ssh://, or cannot be parsed. */
export class GitInvalidUrlError extends GitError {
  constructor(message: string, options?: { cause?: unknown; hint?: string }) {
    super('invalid-url', 'URLInvalid', message, options);
  }
}

/** GitTlsError: the TLS handshake failed (unknown CA, wrong host name, bad client certificate). */
export class GitTlsError extends GitError {
  constructor(message: string, options?: { cause?: unknown; hint?: string }) {
    super('tls', 'GitOperationFailed', message, options);
  }
}

/** GitTimeoutError: the operation did not finish within the timeout (`spec.timeout`). */
export class GitTimeoutError extends GitError {
  constructor(message: string, options?: { cause?: unknown; hint?: string }) {
    super('timeout', 'GitOperationFailed', message, options);
  }
}

/** GitVerificationError: a commit or tag signature is missing or does not verify against the given keys. */
export class GitVerificationError extends GitError {
  constructor(message: string, options?: { cause?: unknown; hint?: string }) {
    super('verification', 'VerificationError', message, options);
  }
}

/** GitOperationError: any other git failure; the message carries git's (scrubbed) stderr. */
export class GitOperationError extends GitError {
  constructor(message: string, options?: { cause?: unknown; hint?: string }) {
    super('operation', 'GitOperationFailed', message, options);
  }
}
