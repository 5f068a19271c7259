import { SprigLimitError } from './errors.ts';

/**
 * SprigLimits bound what one function call may build, so that a hostile chart (`repeat 1000000000 "x"`,
 * `until 1000000000`) fails in bounded time and memory instead of exhausting the process. Helm has no such limits;
 * the defaults sit far above what real charts render (Helm itself refuses chart files over 5 MiB and charts over
 * 100 MiB).
 */
export interface SprigLimits {
  /** maxStringBytes is the largest string (in UTF-8 bytes) a function may return; default 64 MiB. */
  readonly maxStringBytes: number;
  /** maxListLength is the longest list a function may return; default 4,194,304 elements. */
  readonly maxListLength: number;
}

export const DEFAULT_LIMITS: SprigLimits = { maxStringBytes: 64 << 20, maxListLength: 1 << 22 };

/** checkStringSize fails when a result of `bytes` bytes would exceed the limit. */
export function checkStringSize(limits: SprigLimits, fn: string, bytes: number): void {
  if (bytes > limits.maxStringBytes) {
    throw new SprigLimitError(
      `${fn}: the result would be ${bytes} bytes, over the limit of ${limits.maxStringBytes} bytes for one string`,
    );
  }
}

/** checkListSize fails when a result of `length` elements would exceed the limit. */
export function checkListSize(limits: SprigLimits, fn: string, length: number): void {
  if (length > limits.maxListLength) {
    throw new SprigLimitError(
      `${fn}: the result would have ${length} elements, over the limit of ${limits.maxListLength} for one list`,
    );
  }
}
