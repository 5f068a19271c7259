/**
 * RateLimiter decides how long a failed key waits before its next attempt. `when` records a failure and returns
 * the delay in milliseconds; `forget` clears a key's history after a success.
 */
export interface RateLimiter {
  when(key: string): number;
  forget(key: string): void;
  retries(key: string): number;
}

/**
 * ExponentialRateLimiter doubles a key's delay on every failure, from `baseMs` up to `maxMs` (client-go's
 * ItemExponentialFailureRateLimiter; Flux binds it to --min-retry-delay/--max-retry-delay).
 */
export class ExponentialRateLimiter implements RateLimiter {
  readonly #failures = new Map<string, number>();
  readonly baseMs: number;
  readonly maxMs: number;

  constructor(baseMs: number, maxMs: number) {
    this.baseMs = baseMs;
    this.maxMs = maxMs;
  }

  when(key: string): number {
    const n = this.#failures.get(key) ?? 0;
    this.#failures.set(key, n + 1);
    const delay = this.baseMs * 2 ** n;
    return Number.isFinite(delay) ? Math.min(delay, this.maxMs) : this.maxMs;
  }

  forget(key: string): void {
    this.#failures.delete(key);
  }

  retries(key: string): number {
    return this.#failures.get(key) ?? 0;
  }
}

/**
 * BucketRateLimiter is a token bucket shared by all keys (client-go's overall 10 qps, burst 100): it keeps a
 * storm of failures from hammering the API server even when every key is new.
 */
export class BucketRateLimiter implements RateLimiter {
  readonly #qps: number;
  readonly #burst: number;
  readonly #now: () => number;
  #tokens: number;
  #last: number;

  constructor(qps: number, burst: number, now: () => number = Date.now) {
    this.#qps = qps;
    this.#burst = burst;
    this.#now = now;
    this.#tokens = burst;
    this.#last = now();
  }

  when(_key: string): number {
    const now = this.#now();
    this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#last) / 1000) * this.#qps);
    this.#last = now;
    this.#tokens -= 1;
    return this.#tokens >= 0 ? 0 : (-this.#tokens / this.#qps) * 1000;
  }

  forget(_key: string): void {}

  retries(_key: string): number {
    return 0;
  }
}

/** MaxOfRateLimiter waits as long as the slowest of its limiters (client-go's DefaultControllerRateLimiter). */
export class MaxOfRateLimiter implements RateLimiter {
  readonly #limiters: RateLimiter[];

  constructor(...limiters: RateLimiter[]) {
    this.#limiters = limiters;
  }

  when(key: string): number {
    return Math.max(0, ...this.#limiters.map((l) => l.when(key)));
  }

  forget(key: string): void {
    for (const l of this.#limiters) l.forget(key);
  }

  retries(key: string): number {
    return Math.max(0, ...this.#limiters.map((l) => l.retries(key)));
  }
}

/**
 * defaultRateLimiter is client-go's default controller limiter: per key 5ms doubling to 1000s, and overall
 * 10 qps with a burst of 100. Pass Flux's --min/--max-retry-delay to change the per-key bounds.
 */
export function defaultRateLimiter(baseMs = 5, maxMs = 1_000_000): RateLimiter {
  return new MaxOfRateLimiter(new ExponentialRateLimiter(baseMs, maxMs), new BucketRateLimiter(10, 100));
}
