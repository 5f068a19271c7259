/**
 * Throttle is client-go's client-side rate limit (`--kube-api-qps`, `--kube-api-burst`): a token bucket that
 * requests wait on, so a burst of reconciles queues up in the process instead of flooding the API server.
 */
export class Throttle {
  readonly #qps: number;
  readonly #burst: number;
  readonly #now: () => number;
  #tokens: number;
  #last: number;
  #tail: Promise<void> = Promise.resolve();

  constructor(qps: number, burst: number, now: () => number = Date.now) {
    this.#qps = qps;
    this.#burst = Math.max(1, burst);
    this.#now = now;
    this.#tokens = this.#burst;
    this.#last = now();
  }

  /** wait resolves when the caller may send one request; callers are served in arrival order. */
  wait(): Promise<void> {
    const turn = this.#tail.then(() => this.#take());
    this.#tail = turn;
    return turn;
  }

  async #take(): Promise<void> {
    const now = this.#now();
    this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#last) / 1000) * this.#qps);
    this.#last = now;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return;
    }
    const waitMs = ((1 - this.#tokens) / this.#qps) * 1000;
    await new Promise((r) => setTimeout(r, waitMs));
    this.#tokens = 0;
    this.#last = this.#now();
  }
}
