import { hostname } from 'node:os';

import { errorMessage } from '../util/errors.ts';
import type { FluxEvent } from './event-types.ts';
import type { Logger } from './logger.ts';

/** EventPosterOptions: retries and base backoff are tunable for tests; Flux retries 4 times, 5s per attempt. */
export interface EventPosterOptions {
  url: string;
  logger?: Logger;
  maxRetries?: number;
  backoffMs?: number;
  timeoutMs?: number;
  /** maxPending caps queued deliveries; beyond it new events are dropped (and logged) rather than piling up. */
  maxPending?: number;
}

/**
 * EventPoster delivers Flux events to notification-controller without blocking the reconcile that emitted them:
 * `post` returns at once; delivery retries connection errors and 5xx answers with exponential backoff, never 429
 * (rate limited on purpose) or other 4xx.
 */
export class EventPoster {
  readonly #opts: Required<Omit<EventPosterOptions, 'logger'>> & { logger?: Logger };
  readonly #pending = new Set<Promise<void>>();
  readonly instance = hostname();

  constructor(options: EventPosterOptions) {
    this.#opts = { maxRetries: 4, backoffMs: 1000, timeoutMs: 5000, maxPending: 1000, ...options };
    this.#opts.url = eventsUrl(options.url);
  }

  /** post queues one event for delivery. */
  post(event: FluxEvent): void {
    if (this.#pending.size >= this.#opts.maxPending) {
      this.#opts.logger?.error({ reason: event.reason }, 'event dropped: too many undelivered events');
      return;
    }
    const delivery = this.#deliver(event).finally(() => this.#pending.delete(delivery));
    this.#pending.add(delivery);
  }

  /** flush waits for every queued delivery to finish (delivered or given up). */
  async flush(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }

  async #deliver(event: FluxEvent): Promise<void> {
    const body = JSON.stringify(event);
    for (let attempt = 0; ; attempt++) {
      let retryable: boolean;
      let failure: string;
      try {
        const res = await fetch(this.#opts.url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body,
          signal: AbortSignal.timeout(this.#opts.timeoutMs),
        });
        await res.arrayBuffer();
        if (res.ok) return;
        retryable = res.status >= 500;
        failure = `HTTP ${res.status}`;
      } catch (err) {
        retryable = true;
        failure = errorMessage(err);
      }
      if (!retryable || attempt >= this.#opts.maxRetries) {
        this.#opts.logger?.error(
          { reason: event.reason, involvedObject: event.involvedObject, error: failure },
          'unable to send event',
        );
        return;
      }
      await new Promise((r) => setTimeout(r, this.#opts.backoffMs * 2 ** attempt));
    }
  }
}

/**
 * eventsUrl accepts notification-controller's own `--events-addr` form too: a listen address (`:9090`,
 * `127.0.0.1:9090`) means that port on this machine, so `fluxts controller all --events-addr=:9090` works.
 */
export function eventsUrl(addr: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(addr)) return addr;
  const colon = addr.lastIndexOf(':');
  const host = addr.slice(0, colon).replace(/^\[|\]$/g, '');
  const port = addr.slice(colon + 1);
  if (colon < 0 || !/^\d+$/.test(port)) return addr;
  const h = host === '' || host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${h}:${port}/`;
}
