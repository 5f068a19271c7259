import { FluxtsError } from '../util/errors.ts';

/** ArtifactStorageError: a storage operation (mkdir, write, rename, stat, remove, gc) failed. */
export class ArtifactStorageError extends FluxtsError {
  readonly operation: string;
  constructor(subject: string, operation: string, options?: { cause?: unknown; hint?: string }) {
    super(
      `${subject} ${operation} failed${options?.cause instanceof Error ? `: ${options.cause.message}` : ''}`,
      options,
    );
    this.operation = operation;
  }
}

/** ArtifactFetchError: the artifact could not be downloaded (network, HTTP status, timeout). */
export class ArtifactFetchError extends FluxtsError {
  readonly status: number | undefined;
  constructor(message: string, options?: { cause?: unknown; status?: number }) {
    super(message, options);
    this.status = options?.status;
  }
}

/** ArtifactDigestMismatchError: the downloaded bytes do not have the advertised digest; nothing was extracted. */
export class ArtifactDigestMismatchError extends FluxtsError {
  readonly expected: string;
  readonly actual: string;
  constructor(subject: string, expected: string, actual: string) {
    super(`${subject} digest mismatch: expected ${expected}, got ${actual}`, {
      hint: 'the artifact changed while it was being fetched, or it was tampered with; retry',
    });
    this.expected = expected;
    this.actual = actual;
  }
}

/** ArtifactTooLargeError: a cap (compressed download, uncompressed content, entry count, expansion ratio) was hit. */
export class ArtifactTooLargeError extends FluxtsError {
  readonly limit: number;
  readonly which: 'compressed' | 'uncompressed' | 'entries' | 'ratio';
  constructor(subject: string, which: 'compressed' | 'uncompressed' | 'entries' | 'ratio', limit: number) {
    super(
      which === 'entries'
        ? `${subject} has more than ${limit} entries`
        : which === 'ratio'
          ? `${subject} expands more than ${limit} times its compressed size`
          : `${subject} exceeds the ${which} size limit of ${limit} bytes`,
    );
    this.limit = limit;
    this.which = which;
  }
}

/** UnsafeArchiveReason names why an archive entry was refused. */
export type UnsafeArchiveReason =
  'parent-traversal' | 'absolute-path' | 'link-escape' | 'device-file' | 'unsupported-type';

/** UnsafeArchiveError: an entry would escape the extraction root or create something we refuse to create. */
export class UnsafeArchiveError extends FluxtsError {
  readonly reason: UnsafeArchiveReason;
  readonly entry: string;
  constructor(entry: string, reason: UnsafeArchiveReason, detail: string) {
    super(`archive entry ${JSON.stringify(entry)} refused (${reason}): ${detail}`);
    this.reason = reason;
    this.entry = entry;
  }
}

/** MalformedArchiveError: the bytes are not a valid gzip-compressed tar stream. */
export class MalformedArchiveError extends FluxtsError {}
