import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';

import { isConflict, isNotFound, type KubeClient, type KubeObject } from '../kube/client/index.ts';
import { errorMessage } from '../util/errors.ts';
import type { Logger } from './logger.ts';
import { sleep } from '../util/sleep.ts';

/** LeaseSpec is coordination.k8s.io/v1 LeaseSpec. */
export interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

/** Lease is a coordination.k8s.io/v1 Lease. */
export type Lease = KubeObject<LeaseSpec>;

const leaseType = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease' };

/** LeaderElectionOptions: durations default to Flux's 35s lease, 30s renew deadline, 5s retry period. */
export interface LeaderElectionOptions {
  client: KubeClient;
  namespace: string;
  /** name of the Lease; Flux uses `<controller>-leader-election`. */
  name: string;
  identity?: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  logger?: Logger;
  /** onLost is called once if the lease could not be renewed within the renew deadline. */
  onLost?: () => void;
}

/**
 * LeaderElector holds a Lease like client-go's leader election: a candidate takes the lease when it is free or
 * when the holder's record has not changed for a lease duration *as observed locally* (no trust in clocks across
 * machines); the leader renews every retry period and gives up leadership when it cannot renew within the renew
 * deadline; `release` hands the lease back on shutdown so a successor takes over at once.
 */
export class LeaderElector {
  readonly identity: string;
  readonly #o: Required<Omit<LeaderElectionOptions, 'logger' | 'onLost'>> &
    Pick<LeaderElectionOptions, 'logger' | 'onLost'>;
  #observed: string | undefined;
  #observedAt = 0;
  #leader = false;
  #lastRenew = 0;
  #renewTimer: NodeJS.Timeout | undefined;

  constructor(options: LeaderElectionOptions) {
    this.identity = options.identity ?? `${hostname()}_${randomUUID()}`;
    this.#o = {
      leaseDurationMs: 35_000,
      renewDeadlineMs: 30_000,
      retryPeriodMs: 5_000,
      ...options,
      identity: this.identity,
    };
  }

  /** isLeader reports whether this process currently holds the lease. */
  get isLeader(): boolean {
    return this.#leader;
  }

  /** acquire retries until the lease is ours (true) or the signal aborts (false); then it keeps renewing. */
  async acquire(signal: AbortSignal): Promise<boolean> {
    this.#o.logger?.info({ lease: `${this.#o.namespace}/${this.#o.name}` }, 'attempting to acquire leader lease');
    while (!signal.aborted) {
      if (await this.#tryAcquireOrRenew()) {
        this.#leader = true;
        this.#lastRenew = Date.now();
        this.#o.logger?.info({ lease: `${this.#o.namespace}/${this.#o.name}` }, 'successfully acquired lease');
        this.#scheduleRenew();
        return true;
      }
      await sleep(this.#o.retryPeriodMs, signal);
    }
    return false;
  }

  /**
   * release stops renewing and, if leader, empties the lease so another candidate can take it immediately.
   * With `handBack` false the lease is left to expire (`--leader-election-release-on-cancel=false`).
   */
  async release(handBack = true): Promise<void> {
    if (this.#renewTimer) clearTimeout(this.#renewTimer);
    this.#renewTimer = undefined;
    if (!this.#leader) return;
    this.#leader = false;
    if (!handBack) return;
    try {
      const lease = await this.#o.client.get<Lease>(leaseType, { namespace: this.#o.namespace, name: this.#o.name });
      if (lease.spec?.holderIdentity !== this.identity) return;
      const now = microTime();
      await this.#o.client.update<Lease>({
        ...lease,
        spec: {
          leaseDurationSeconds: 1,
          acquireTime: now,
          renewTime: now,
          leaseTransitions: lease.spec.leaseTransitions ?? 0,
        },
      });
    } catch (err) {
      this.#o.logger?.error({ error: errorMessage(err) }, 'failed to release leader lease');
    }
  }

  #scheduleRenew(): void {
    this.#renewTimer = setTimeout(() => {
      void this.#renew();
    }, this.#o.retryPeriodMs);
    this.#renewTimer.unref();
  }

  async #renew(): Promise<void> {
    if (!this.#leader) return;
    if (await this.#tryAcquireOrRenew()) this.#lastRenew = Date.now();
    if (!this.#leader) return; // released meanwhile
    if (Date.now() - this.#lastRenew > this.#o.renewDeadlineMs) {
      this.#leader = false;
      this.#o.logger?.error({ lease: `${this.#o.namespace}/${this.#o.name}` }, 'leader lease lost');
      this.#o.onLost?.();
      return;
    }
    this.#scheduleRenew();
  }

  async #tryAcquireOrRenew(): Promise<boolean> {
    const key = { namespace: this.#o.namespace, name: this.#o.name };
    const now = Date.now();
    const spec: LeaseSpec = {
      holderIdentity: this.identity,
      leaseDurationSeconds: Math.max(1, Math.round(this.#o.leaseDurationMs / 1000)),
      acquireTime: microTime(),
      renewTime: microTime(),
      leaseTransitions: 0,
    };
    try {
      let lease: Lease;
      try {
        lease = await this.#o.client.get<Lease>(leaseType, key);
      } catch (err) {
        if (!isNotFound(err)) throw err;
        await this.#o.client.create<Lease>({ ...leaseType, metadata: { ...key }, spec });
        this.#observe(JSON.stringify(spec), now);
        return true;
      }
      const record = lease.spec ?? {};
      const recordKey = JSON.stringify(record);
      if (recordKey !== this.#observed) this.#observe(recordKey, now);
      const holder = record.holderIdentity ?? '';
      const durationMs = (record.leaseDurationSeconds ?? 0) * 1000;
      if (holder !== '' && holder !== this.identity && this.#observedAt + durationMs > now) return false;
      if (holder === this.identity) {
        spec.acquireTime = record.acquireTime ?? spec.acquireTime;
        spec.leaseTransitions = record.leaseTransitions ?? 0;
      } else {
        spec.leaseTransitions = (record.leaseTransitions ?? 0) + 1;
      }
      await this.#o.client.update<Lease>({ ...lease, spec });
      this.#observe(JSON.stringify(spec), now);
      return true;
    } catch (err) {
      if (!isConflict(err)) this.#o.logger?.error({ error: errorMessage(err) }, 'error retrieving or updating lease');
      return false;
    }
  }

  #observe(record: string, at: number): void {
    this.#observed = record;
    this.#observedAt = at;
  }
}

/** microTime formats a time (default now) as metav1.MicroTime (RFC 3339 with microseconds). */
export function microTime(at = new Date()): string {
  return at.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
