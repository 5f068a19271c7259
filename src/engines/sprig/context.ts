import { randomBytes as cryptoRandomBytes, randomInt as cryptoRandomInt } from 'node:crypto';

import { DEFAULT_LIMITS, type SprigLimits } from './limits.ts';

/**
 * SprigOptions are what the Sprig functions take from their caller instead of the process: the clock, the local
 * time zone, the random source, DNS, and the size limits. Every field has a default, so `sprigFunctions()` works
 * as Helm's map does; tests pin the clock and zone.
 */
export interface SprigOptions {
  /** now returns the current time in nanoseconds since the Unix epoch (default: the system clock). */
  readonly now?: () => bigint;
  /**
   * localZone is the IANA name of Go's `time.Local` (`"Local"` in `date`, `toDate`'s zone); default `"UTC"`.
   * A process that renders like the `helm` binary on the same machine passes the zone Go would read from `TZ` or
   * `/etc/localtime`.
   */
  readonly localZone?: string;
  /** zoneinfo returns the TZif data of an IANA zone name, or undefined when unknown (default: the system tzdata). */
  readonly zoneinfo?: (name: string) => Uint8Array | undefined;
  /** randomBytes fills crypto-strength random bytes (random strings, keys, IVs, serial numbers, UUIDs). */
  readonly randomBytes?: (n: number) => Uint8Array;
  /** randomInt returns an integer in [0, n) for math/rand uses (`shuffle`, `randInt`). */
  readonly randomInt?: (n: number) => number;
  /** lookupHost resolves `getHostByName`; Helm answers "" unless DNS is enabled, so the default does. */
  readonly lookupHost?: (name: string) => string;
  readonly limits?: Partial<SprigLimits>;
}

/** SprigContext is SprigOptions with every default filled in. */
export interface SprigContext {
  readonly now: () => bigint;
  readonly localZone: string;
  readonly zoneinfo: ((name: string) => Uint8Array | undefined) | undefined;
  readonly randomBytes: (n: number) => Uint8Array;
  readonly randomInt: (n: number) => number;
  readonly lookupHost: (name: string) => string;
  readonly limits: SprigLimits;
}

const systemNow = (): bigint => BigInt(Date.now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n);

export function sprigContext(options: SprigOptions = {}): SprigContext {
  return {
    now: options.now ?? systemNow,
    localZone: options.localZone ?? 'UTC',
    zoneinfo: options.zoneinfo,
    randomBytes: options.randomBytes ?? ((n) => cryptoRandomBytes(n)),
    randomInt: options.randomInt ?? ((n) => (n <= 1 ? 0 : cryptoRandomInt(n))),
    lookupHost: options.lookupHost ?? (() => ''),
    limits: { ...DEFAULT_LIMITS, ...options.limits },
  };
}
