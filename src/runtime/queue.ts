import { defaultRateLimiter, type RateLimiter } from './rate-limiter.ts';

/**
 * WorkQueue holds keys to reconcile with client-go's guarantees: a key waiting in the queue is stored once
 * however often it is added (dedup); a key being processed is never handed to a second worker — adds during
 * processing are parked and the key comes back once `done` is called; `addAfter` delays a key (the earliest
 * pending deadline wins); `addRateLimited` delays it by the rate limiter's backoff.
 *
 * @example
 *   const key = await queue.get(); if (key === undefined) return; // shut down
 *   try { ... } finally { queue.done(key); }
 */
export class WorkQueue {
  readonly rateLimiter: RateLimiter;
  readonly #queue: string[] = [];
  readonly #dirty = new Set<string>();
  readonly #processing = new Set<string>();
  readonly #waiting = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  #getters: ((key: string | undefined) => void)[] = [];
  #drained: (() => void)[] = [];
  #shuttingDown = false;

  constructor(rateLimiter: RateLimiter = defaultRateLimiter()) {
    this.rateLimiter = rateLimiter;
  }

  /** add enqueues a key unless it is already queued; a key under processing is requeued when done. */
  add(key: string): void {
    if (this.#shuttingDown || this.#dirty.has(key)) return;
    this.#dirty.add(key);
    if (this.#processing.has(key)) return;
    this.#push(key);
  }

  /** addAfter enqueues a key once `ms` have passed; an earlier pending deadline for the same key is kept. */
  addAfter(key: string, ms: number): void {
    if (this.#shuttingDown) return;
    if (ms <= 0) {
      this.add(key);
      return;
    }
    const at = Date.now() + ms;
    const pending = this.#waiting.get(key);
    if (pending && pending.at <= at) return;
    if (pending) clearTimeout(pending.timer);
    const timer = setTimeout(() => {
      this.#waiting.delete(key);
      this.add(key);
    }, ms);
    timer.unref();
    this.#waiting.set(key, { at, timer });
  }

  /** addRateLimited enqueues a key after its backoff delay, counting a failure. */
  addRateLimited(key: string): void {
    this.addAfter(key, this.rateLimiter.when(key));
  }

  /** forget clears a key's failure history: call it after a success so the next failure starts from base. */
  forget(key: string): void {
    this.rateLimiter.forget(key);
  }

  /** numRequeues is how many failures the key has had since it was last forgotten. */
  numRequeues(key: string): number {
    return this.rateLimiter.retries(key);
  }

  /** get waits for the next key; undefined means the queue has shut down. */
  get(): Promise<string | undefined> {
    const key = this.#queue.shift();
    if (key !== undefined) return Promise.resolve(this.#take(key));
    if (this.#shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.#getters.push(resolve));
  }

  /** done marks the end of processing; if the key was added meanwhile it goes back in the queue. */
  done(key: string): void {
    this.#processing.delete(key);
    if (this.#dirty.has(key) && !this.#shuttingDown) this.#push(key);
    if (this.#processing.size === 0) for (const resolve of this.#drained.splice(0)) resolve();
  }

  /** len is the number of keys ready to be handed out. */
  len(): number {
    return this.#queue.length;
  }

  /** isProcessing reports whether a worker currently holds the key. */
  isProcessing(key: string): boolean {
    return this.#processing.has(key);
  }

  /** shutdown stops handing out keys, cancels delayed adds and resolves when in-flight keys are done. */
  shutdown(): Promise<void> {
    this.#shuttingDown = true;
    for (const { timer } of this.#waiting.values()) clearTimeout(timer);
    this.#waiting.clear();
    this.#queue.length = 0;
    for (const resolve of this.#getters.splice(0)) resolve(undefined);
    if (this.#processing.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#drained.push(resolve));
  }

  /** shuttingDown reports whether shutdown was called. */
  get shuttingDown(): boolean {
    return this.#shuttingDown;
  }

  #push(key: string): void {
    const getter = this.#getters.shift();
    if (getter) getter(this.#take(key));
    else this.#queue.push(key);
  }

  #take(key: string): string {
    this.#processing.add(key);
    this.#dirty.delete(key);
    return key;
  }
}
