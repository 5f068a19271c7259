import { type ApiStatus, isGone, KubeApiError, type KubeObject } from '../kube/client/index.ts';
import { errorMessage } from '../util/errors.ts';
import type { ListWatch } from './list-watch.ts';
import type { Logger } from './logger.ts';
import { sleep } from '../util/sleep.ts';
import { Store, storeKey, type IndexFunc } from './store.ts';

/** InformerHandlers receive cache changes; they should only enqueue keys and return. */
export interface InformerHandlers<T> {
  add?(obj: T): void;
  update?(oldObj: T, newObj: T): void;
  delete?(obj: T): void;
}

/** InformerOptions: resync re-delivers every cached object as an update every `resyncMs` (0 disables). */
export interface InformerOptions {
  resyncMs?: number;
  logger?: Logger;
  /** keepManagedFields keeps `metadata.managedFields` in the cache; by default they are dropped to save memory. */
  keepManagedFields?: boolean;
  /** retryMs is the first pause before re-listing after a failed list or watch; it doubles up to 30 s. */
  retryMs?: number;
}

/**
 * Informer keeps a cache of a kind in sync with the API server: a list, then a watch from the list's
 * resourceVersion; a `410 Gone` (HTTP or watch ERROR event) means the version was compacted, so it re-lists and
 * reports the difference (adds, updates, deletes) to its handlers. Any other failure re-lists after a pause.
 */
export class Informer<T extends KubeObject> {
  readonly store = new Store<T>();
  /** stats counts lists and watches, for probes and tests. */
  readonly stats = { lists: 0, watches: 0, gone: 0 };
  readonly #listWatch: ListWatch<T>;
  readonly #handlers: InformerHandlers<T>[] = [];
  readonly #options: InformerOptions;
  readonly #abort = new AbortController();
  #synced = false;
  #syncWaiters: (() => void)[] = [];
  #running: Promise<void> | undefined;
  #resync: NodeJS.Timeout | undefined;

  constructor(listWatch: ListWatch<T>, options: InformerOptions = {}) {
    this.#listWatch = listWatch;
    this.#options = options;
  }

  /** addHandlers subscribes to changes; objects already cached are delivered as adds. */
  addHandlers(handlers: InformerHandlers<T>): void {
    this.#handlers.push(handlers);
    for (const obj of this.store.list()) handlers.add?.(obj);
  }

  /** addIndex registers a secondary index (see Store.byIndex). */
  addIndex(name: string, fn: IndexFunc<T>): void {
    this.store.addIndex(name, fn);
  }

  /** get returns a cached object by `namespace/name` key. */
  get(key: string): T | undefined {
    return this.store.get(key);
  }

  /** list returns every cached object. */
  list(): T[] {
    return this.store.list();
  }

  /** byIndex returns cached objects filed under an index value. */
  byIndex(name: string, value: string): T[] {
    return this.store.byIndex(name, value);
  }

  /** hasSynced is true once the first list has been loaded into the cache. */
  get hasSynced(): boolean {
    return this.#synced;
  }

  /** start runs the list/watch loop in the background; calling it twice is a no-op. */
  start(): void {
    if (this.#running) return;
    this.#running = this.#run();
    const resyncMs = this.#options.resyncMs ?? 0;
    if (resyncMs > 0) {
      this.#resync = setInterval(() => this.#resyncAll(), resyncMs);
      this.#resync.unref();
    }
  }

  /** waitForSync resolves once the cache holds the first list (or the informer is stopped). */
  waitForSync(): Promise<void> {
    if (this.#synced || this.#abort.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => this.#syncWaiters.push(resolve));
  }

  /** stop ends the watch and the resync timer. */
  async stop(): Promise<void> {
    this.#abort.abort();
    if (this.#resync) clearInterval(this.#resync);
    for (const resolve of this.#syncWaiters.splice(0)) resolve();
    await this.#running;
  }

  async #run(): Promise<void> {
    const signal = this.#abort.signal;
    let failures = 0;
    while (!signal.aborted) {
      try {
        let resourceVersion = await this.#relist();
        failures = 0;
        for (;;) {
          this.stats.watches++;
          const watchStart = Date.now();
          let received = 0;
          const events = await this.#listWatch.watch(resourceVersion, signal);
          for await (const event of events) {
            received++;
            if (event.type === 'ERROR') throw watchError(event.object);
            const rv = event.object.metadata?.resourceVersion;
            if (rv) resourceVersion = rv;
            if (event.type === 'BOOKMARK') continue;
            if (event.type === 'DELETED') this.#delete(event.object);
            else this.#upsert(event.object);
          }
          if (signal.aborted) return;
          // The server ended the watch (timeoutSeconds); resume from the last version seen. A watch that ends at
          // once with nothing in it points at a misbehaving proxy: pause instead of spinning.
          if (received === 0 && Date.now() - watchStart < 1000) await sleep(1000, signal);
        }
      } catch (err) {
        if (signal.aborted) return;
        if (isGone(err)) {
          this.stats.gone++;
          this.#options.logger?.debug({ error: errorMessage(err) }, 'watch expired, re-listing');
          continue;
        }
        this.#options.logger?.error({ error: errorMessage(err) }, 'list/watch failed, retrying');
        const pause = Math.min(30_000, (this.#options.retryMs ?? 1000) * 2 ** failures++);
        await sleep(pause, signal);
      }
    }
  }

  async #relist(): Promise<string> {
    this.stats.lists++;
    const list = await this.#listWatch.list();
    const seen = new Set<string>();
    for (const obj of list.items) {
      seen.add(storeKey(obj));
      this.#upsert(obj);
    }
    for (const key of this.store.keys()) {
      if (seen.has(key)) continue;
      const gone = this.store.get(key);
      if (gone) this.#delete(gone);
    }
    if (!this.#synced) {
      this.#synced = true;
      for (const resolve of this.#syncWaiters.splice(0)) resolve();
    }
    return list.metadata.resourceVersion ?? '';
  }

  #upsert(obj: T): void {
    if (!this.#options.keepManagedFields) delete obj.metadata['managedFields'];
    const old = this.store.upsert(obj);
    if (!old) for (const h of this.#handlers) h.add?.(obj);
    else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion)
      for (const h of this.#handlers) h.update?.(old, obj);
  }

  #delete(obj: T): void {
    const old = this.store.remove(storeKey(obj));
    if (old) for (const h of this.#handlers) h.delete?.(obj);
  }

  #resyncAll(): void {
    for (const obj of this.store.list()) for (const h of this.#handlers) h.update?.(obj, obj);
  }
}

/** watchError turns a watch ERROR event (a metav1.Status) into a KubeApiError; code 410 means re-list. */
function watchError(status: unknown): KubeApiError {
  const s = (status ?? {}) as ApiStatus;
  return new KubeApiError('watch', s.code ?? 500, s);
}
