// Duplicate-event suppression: the same event (by Flux's key) is accepted once per `--rate-limit-interval`.
import { createHash } from 'node:crypto';

import { type FluxEvent, involvedGroup, MetaKey } from '../event.ts';

/**
 * eventKey is Flux's rate-limit key: the sha256 hex of `event/name=…/namespace=…/kind=…/message=…` followed, when
 * present, by `/originRevision=…`, `/revision=…` and `/token=…` from the object group's metadata.
 */
export function eventKey(event: FluxEvent): string {
  const io = event.involvedObject;
  const parts = [
    'event',
    `name=${io.name}`,
    `namespace=${io.namespace}`,
    `kind=${io.kind}`,
    `message=${event.message}`,
  ];
  const group = involvedGroup(event);
  const md = event.metadata ?? {};
  for (const key of [MetaKey.originRevision, MetaKey.revision, MetaKey.token]) {
    const value = md[`${group}/${key}`];
    if (value !== undefined) parts.push(`${key}=${value}`);
  }
  return createHash('sha256').update(parts.join('/')).digest('hex');
}

interface Bucket {
  start: number;
  lastTick: number;
  available: boolean;
  lastUsed: number;
}

/** TakeResult is what a 429 answer reports: the window's end (ms since the epoch). */
export interface TakeResult {
  ok: boolean;
  resetMs: number;
}

/**
 * DuplicateLimiter has the semantics of the go-limiter memory store Flux configures (one token per key and
 * interval): a key's window starts at its first event and repeats every interval from there; a key unused for
 * two intervals is swept.
 */
export class DuplicateLimiter {
  readonly #intervalMs: number;
  readonly #buckets = new Map<string, Bucket>();
  readonly #now: () => number;
  readonly #sweeper: NodeJS.Timeout | undefined;

  constructor(intervalMs: number, options: { now?: () => number; sweep?: boolean } = {}) {
    this.#intervalMs = Math.max(1, intervalMs);
    this.#now = options.now ?? Date.now;
    if (options.sweep !== false) {
      this.#sweeper = setInterval(() => this.sweep(), this.#intervalMs);
      this.#sweeper.unref();
    }
  }

  /** take consumes the key's token for the current window. */
  take(key: string): TakeResult {
    const now = this.#now();
    let bucket = this.#buckets.get(key);
    if (!bucket || now < bucket.start) {
      bucket = { start: now, lastTick: 0, available: true, lastUsed: now };
      this.#buckets.set(key, bucket);
    }
    const tick = Math.floor((now - bucket.start) / this.#intervalMs);
    if (bucket.lastTick < tick) {
      bucket.available = true;
      bucket.lastTick = tick;
    }
    bucket.lastUsed = now;
    const resetMs = bucket.start + (tick + 1) * this.#intervalMs;
    if (!bucket.available) return { ok: false, resetMs };
    bucket.available = false;
    return { ok: true, resetMs };
  }

  /** sweep forgets keys not seen for two intervals. */
  sweep(): void {
    const cutoff = this.#now() - 2 * this.#intervalMs;
    for (const [key, bucket] of this.#buckets) if (bucket.lastUsed < cutoff) this.#buckets.delete(key);
  }

  /** size is the number of keys remembered. */
  get size(): number {
    return this.#buckets.size;
  }

  close(): void {
    if (this.#sweeper) clearInterval(this.#sweeper);
  }
}
