import type { KubeClient, KubeObject, TypeRef } from '../kube/client/index.ts';
import { Controller, type Reconciler, type UpdatePredicate } from './controller.ts';
import { EventRecorder } from './event-recorder.ts';
import type { EventPoster } from './event-poster.ts';
import { Informer } from './informer.ts';
import { intervalJitter } from './jitter.ts';
import { clientListWatch, type ListWatchScope } from './list-watch.ts';
import type { Logger } from './logger.ts';
import type { MetricsRecorder } from './metrics.ts';
import type { ControllerProcessOptions } from './options.ts';
import { defaultRateLimiter } from './rate-limiter.ts';

/** ManagerDeps are the process-wide services a Manager shares with its controllers. */
export interface ManagerDeps {
  client: KubeClient;
  /** eventsClient records Kubernetes Events (default: client), with a rate limit of its own as in client-go. */
  eventsClient?: KubeClient;
  logger: Logger;
  metrics: MetricsRecorder;
  options: ControllerProcessOptions;
  poster?: EventPoster;
}

/** AddControllerOptions describes one kind's controller; `resyncMs` re-delivers every object periodically. */
export interface AddControllerOptions<T extends KubeObject> {
  name: string;
  type: TypeRef;
  reconcile: Reconciler;
  predicate?: UpdatePredicate<T>;
  resyncMs?: number;
}

/**
 * Manager owns the informers and controllers of one Flux controller (e.g. `source-controller`): informers are
 * shared per kind, scoped to all namespaces or to the runtime namespace (`--watch-all-namespaces=false`), and
 * each controller gets `--concurrent` workers with the `--min/--max-retry-delay` backoff.
 */
export class Manager {
  /** name is the Flux controller name, used as event reporter, field manager and lease prefix. */
  readonly name: string;
  readonly client: KubeClient;
  readonly logger: Logger;
  readonly metrics: MetricsRecorder;
  readonly options: ControllerProcessOptions;
  readonly events: EventRecorder;
  /** jitter spreads `spec.interval` requeues by ±`--interval-jitter-percentage`. */
  readonly jitter: (ms: number) => number;
  readonly #informers = new Map<string, Informer<KubeObject>>();
  readonly #controllers: Controller<KubeObject>[] = [];
  readonly #reconciledKinds = new Set<string>();
  #started = false;
  #stopped = false;

  constructor(name: string, deps: ManagerDeps) {
    this.name = name;
    this.client = deps.client;
    this.logger = deps.logger.child({ manager: name });
    this.metrics = deps.metrics;
    this.options = deps.options;
    this.events = new EventRecorder({
      client: deps.eventsClient ?? deps.client,
      controller: name,
      logger: this.logger,
      ...(deps.poster ? { poster: deps.poster } : {}),
    });
    this.jitter = intervalJitter(deps.options.intervalJitterPercentage);
  }

  /**
   * informerFor returns the shared informer of a kind (per label selector), creating it on first use. Secrets and
   * ConfigMaps are usually watched with `options.watchConfigsLabelSelector`.
   */
  informerFor<T extends KubeObject>(
    type: TypeRef,
    opts: { resyncMs?: number; labelSelector?: string } = {},
  ): Informer<T> {
    const { resyncMs = 0, labelSelector } = opts;
    const id = `${type.apiVersion}/${type.kind}${labelSelector ? `?${labelSelector}` : ''}`;
    let informer = this.#informers.get(id);
    if (!informer) {
      const namespace = this.options.watchAllNamespaces ? {} : { namespace: this.options.runtimeNamespace };
      // The scope is read at each list and watch, not here: whether the kind is one this manager reconciles (and
      // so sharded by `--watch-label-selector`) is only known once its controller is added, often after a watch
      // or an index asked for the informer.
      const scope = (): ListWatchScope => {
        const selector = labelSelector ?? this.#shardSelector(type);
        return { ...namespace, ...(selector ? { labelSelector: selector } : {}) };
      };
      informer = new Informer<KubeObject>(clientListWatch(this.client, type, scope), {
        resyncMs,
        logger: this.logger.child({ informer: id }),
      });
      this.#informers.set(id, informer);
      if (this.#started) informer.start();
    }
    return informer as unknown as Informer<T>;
  }

  /**
   * #shardSelector is `--watch-label-selector` for the kinds this manager reconciles and nothing for the others:
   * as in Flux, a shard sees only its own objects (a kustomize-controller shard its Kustomizations) but every
   * object they refer to (any GitRepository), so sources are sharded by labelling them for their source-controller.
   */
  #shardSelector(type: TypeRef): string | undefined {
    const selector = this.options.watchLabelSelector;
    if (!selector || !this.#reconciledKinds.has(kindKey(type))) return undefined;
    return selector;
  }

  /** addController registers a controller for a kind; it starts with the manager. */
  addController<T extends KubeObject>(opts: AddControllerOptions<T>): Controller<T> {
    this.#reconciledKinds.add(kindKey(opts.type));
    const controller = new Controller<T>({
      name: opts.name,
      type: opts.type,
      informer: this.informerFor<T>(opts.type, { resyncMs: opts.resyncMs ?? 0 }),
      metrics: this.metrics,
      reconcile: opts.reconcile,
      concurrent: this.options.concurrent,
      logger: this.logger,
      rateLimiter: defaultRateLimiter(this.options.minRetryDelayMs, this.options.maxRetryDelayMs),
      ...(opts.predicate ? { predicate: opts.predicate } : {}),
    });
    this.#controllers.push(controller as unknown as Controller<KubeObject>);
    if (this.#started) controller.start();
    return controller;
  }

  /** hasSynced reports whether every informer has loaded its first list. */
  get hasSynced(): boolean {
    return [...this.#informers.values()].every((i) => i.hasSynced);
  }

  /** start runs the informers, waits for their caches, then starts the controllers' workers. */
  async start(): Promise<void> {
    if (this.#stopped) return;
    this.#started = true;
    for (const informer of this.#informers.values()) informer.start();
    await Promise.all([...this.#informers.values()].map((i) => i.waitForSync()));
    if (this.#stopped) return;
    for (const controller of this.#controllers) controller.start();
    this.logger.info({ controllers: this.#controllers.map((c) => c.name) }, 'Starting workers');
  }

  /** stop drains the controllers (in-flight reconciles finish), stops the informers and flushes events. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.all(this.#controllers.map((c) => c.stop()));
    await Promise.all([...this.#informers.values()].map((i) => i.stop()));
    await this.events.flush();
  }
}

const kindKey = (type: TypeRef): string => `${type.apiVersion}/${type.kind}`;
