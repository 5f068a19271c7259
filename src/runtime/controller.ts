import { randomUUID } from 'node:crypto';

import { type KubeObject, parseObjectKey, type TypeRef } from '../kube/client/index.ts';
import { errorMessage } from '../util/errors.ts';
import { requestedAtAnnotation } from './annotations.ts';
import type { Informer } from './informer.ts';
import type { MetricsRecorder } from './metrics.ts';
import { reconcileLogger, type Logger } from './logger.ts';
import { WorkQueue } from './queue.ts';
import type { RateLimiter } from './rate-limiter.ts';
import type { Result } from './result.ts';
import { storeKey } from './store.ts';

/** ReconcileRequest names the object to reconcile and carries a logger bound to it and a cancellation signal. */
export interface ReconcileRequest {
  key: string;
  namespace?: string;
  name: string;
  reconcileID: string;
  log: Logger;
  signal: AbortSignal;
}

/** Reconciler is the one reconcile shape: load by key, act, report through a Result; throwing is a bug. */
export type Reconciler = (request: ReconcileRequest) => Promise<Result>;

/** UpdatePredicate decides whether an update event enqueues the object. */
export type UpdatePredicate<T> = (oldObj: T, newObj: T) => boolean;

/**
 * fluxUpdatePredicate is Flux's default filter: enqueue on resync, generation change (spec edits, deletion of a
 * custom resource), a new `reconcile.fluxcd.io/requestedAt` token, or a deletionTimestamp; status-only writes,
 * such as our own status patches, do not loop back.
 */
export function fluxUpdatePredicate(oldObj: KubeObject, newObj: KubeObject): boolean {
  if (oldObj === newObj) return true;
  if (oldObj.metadata.generation !== newObj.metadata.generation) return true;
  if (oldObj.metadata.deletionTimestamp !== newObj.metadata.deletionTimestamp) return true;
  return oldObj.metadata.annotations?.[requestedAtAnnotation] !== newObj.metadata.annotations?.[requestedAtAnnotation];
}

/** ControllerOptions wires one kind's informer to its reconciler. */
export interface ControllerOptions<T extends KubeObject> {
  /** name is the controller's log name, e.g. `gitrepository`. */
  name: string;
  type: TypeRef;
  informer: Informer<T>;
  reconcile: Reconciler;
  concurrent: number;
  logger: Logger;
  rateLimiter?: RateLimiter;
  predicate?: UpdatePredicate<T>;
  metrics?: MetricsRecorder;
}

/**
 * Controller runs `concurrent` workers over a WorkQueue fed by the informer of its kind (and by any `watches`).
 * A key is never reconciled by two workers at once; successes forget the key's backoff and honour requeueAfter;
 * transient errors retry with backoff; stalled errors wait for the next change.
 */
export class Controller<T extends KubeObject> {
  readonly name: string;
  readonly type: TypeRef;
  readonly queue: WorkQueue;
  readonly informer: Informer<T>;
  readonly #opts: ControllerOptions<T>;
  readonly #abort = new AbortController();
  #workers: Promise<void>[] = [];

  constructor(options: ControllerOptions<T>) {
    this.#opts = options;
    this.name = options.name;
    this.type = options.type;
    this.informer = options.informer;
    this.queue = new WorkQueue(options.rateLimiter);
    const predicate = options.predicate ?? fluxUpdatePredicate;
    options.informer.addHandlers({
      add: (obj) => this.queue.add(storeKey(obj)),
      update: (oldObj, newObj) => {
        if (predicate(oldObj, newObj)) this.queue.add(storeKey(newObj));
      },
      delete: (obj) => this.queue.add(storeKey(obj)),
    });
  }

  /** watches enqueues keys of this kind when objects of another informer change (e.g. sources → consumers). */
  watches<U extends KubeObject>(informer: Informer<U>, mapToKeys: (obj: U) => string[]): void {
    const enqueue = (obj: U) => {
      for (const key of mapToKeys(obj)) this.queue.add(key);
    };
    informer.addHandlers({ add: enqueue, update: (_old, obj) => enqueue(obj), delete: enqueue });
  }

  /** start launches the workers; the informer must be started and synced by the caller. */
  start(): void {
    for (let i = 0; i < Math.max(1, this.#opts.concurrent); i++) this.#workers.push(this.#work());
  }

  /** stop lets in-flight reconciles finish, then ends the workers. */
  async stop(): Promise<void> {
    this.#abort.abort();
    await this.queue.shutdown();
    await Promise.all(this.#workers);
  }

  async #work(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      try {
        await this.#reconcileKey(key);
      } finally {
        this.queue.done(key);
      }
    }
  }

  async #reconcileKey(key: string): Promise<void> {
    const { namespace, name } = parseObjectKey(key);
    const reconcileID = randomUUID();
    const log = reconcileLogger(this.#opts.logger, {
      controller: this.name,
      group: groupOf(this.type.apiVersion),
      kind: this.type.kind,
      name,
      reconcileID,
      ...(namespace ? { namespace } : {}),
    });
    let result: Result;
    try {
      result = await this.#opts.reconcile({
        key,
        name,
        reconcileID,
        log,
        signal: this.#abort.signal,
        ...(namespace ? { namespace } : {}),
      });
    } catch (err) {
      // A throw is a reconciler bug; treat it as a transient failure rather than crashing the worker.
      result = { error: err instanceof Error ? err : new Error(String(err)) };
    }
    this.#opts.metrics?.recordReconcileResult(
      this.name,
      result.error ? 'error' : result.requeueAfter > 0 ? 'requeue_after' : 'success',
    );
    if (result.error) {
      log.error({ error: errorMessage(result.error) }, 'Reconciler error');
      if (result.stalled) this.queue.forget(key);
      else if (result.retryAfter !== undefined) {
        this.queue.forget(key);
        this.queue.addAfter(key, result.retryAfter);
      } else this.queue.addRateLimited(key);
      return;
    }
    this.queue.forget(key);
    if (result.requeueAfter > 0) this.queue.addAfter(key, result.requeueAfter);
  }
}

function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}
