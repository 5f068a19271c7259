// The UI's view of every cluster: one informer per (cluster, kind) through the runtime's Informer (list, then watch,
// re-list on 410), turned into overview rows. Changes are batched (BATCH_MS) and handed to subscribers, which the
// server streams to browsers as server-sent events. Kinds whose CRD is missing are looked for again every minute, so
// a controller installed later shows up without a restart; a cluster that stops answering is reported as such.
import { KubeApiError, type KubeClient, type KubeObject, RestMappingError } from '../kube/index.ts';
import { clientListWatch, Informer } from '../runtime/index.ts';
import { errorMessage } from '../util/errors.ts';
import { sleep } from '../util/sleep.ts';
import { UI_KINDS, type UiKind } from './kinds.ts';
import { compareRows, type Row, rowOf } from './summary.ts';

/** UiCluster is one cluster the UI shows: a kubeconfig context and the client for it. */
export interface UiCluster {
  name: string;
  client: KubeClient;
}

/** ClusterHealth says whether a cluster answers, and which kinds it serves. */
export interface ClusterHealth {
  name: string;
  reachable: boolean;
  error: string;
  kinds: string[];
  synced: boolean;
}

/** Change is one batch of row updates. */
export interface Change {
  upserts: Row[];
  deletes: string[];
  clusters?: ClusterHealth[];
}

const BATCH_MS = 50;
const DISCOVERY_RETRY_MS = 60_000;
const PROBE_MS = 5_000;

interface Pending {
  upserts: Map<string, Row>;
  deletes: Set<string>;
  clusters: boolean;
}

interface Watched {
  cluster: UiCluster;
  kind: UiKind;
  informer: Informer<KubeObject>;
}

/** FluxCache keeps every Flux object of every cluster, as objects and as rows. */
export class FluxCache {
  readonly clusters: readonly UiCluster[];
  readonly #kinds: readonly UiKind[];
  readonly #watched = new Map<string, Watched>();
  readonly #rows = new Map<string, Row>();
  readonly #health = new Map<string, ClusterHealth>();
  readonly #listeners = new Set<(change: Change) => void>();
  readonly #abort = new AbortController();
  #pending: Pending | undefined;
  #loops: Promise<void>[] = [];

  constructor(clusters: readonly UiCluster[], kinds: readonly UiKind[] = UI_KINDS) {
    this.clusters = clusters;
    this.#kinds = kinds;
    for (const c of clusters)
      this.#health.set(c.name, { name: c.name, reachable: true, error: '', kinds: [], synced: false });
  }

  /** start discovers the kinds of each cluster and starts their informers; it does not wait for them. */
  start(): void {
    for (const cluster of this.clusters) {
      this.#loops.push(this.#probe(cluster));
      for (const kind of this.#kinds) this.#loops.push(this.#discover(cluster, kind));
    }
  }

  /** waitForSync resolves once every cluster either listed its kinds or failed to answer (bounded by timeoutMs). */
  async waitForSync(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && !this.#abort.signal.aborted) {
      if ([...this.#health.values()].every((h) => h.synced || !h.reachable)) return;
      await sleep(25, this.#abort.signal);
    }
  }

  /** stop ends every watch and loop. */
  async stop(): Promise<void> {
    this.#abort.abort();
    await Promise.all([...this.#watched.values()].map((w) => w.informer.stop()));
    await Promise.allSettled(this.#loops);
  }

  /** rows returns every row, failing and stalled first. */
  rows(): Row[] {
    return [...this.#rows.values()].sort(compareRows);
  }

  /** health returns each cluster's reachability. */
  health(): ClusterHealth[] {
    return [...this.#health.values()];
  }

  /** cluster finds a cluster by name. */
  cluster(name: string): UiCluster | undefined {
    return this.clusters.find((c) => c.name === name);
  }

  /** get returns a cached object, or undefined. */
  get(cluster: string, kind: string, namespace: string, name: string): KubeObject | undefined {
    return this.#watched.get(`${cluster}/${kind}`)?.informer.get(namespace ? `${namespace}/${name}` : name);
  }

  /** list returns the cached objects of a kind in a cluster. */
  list(cluster: string, kind: string): KubeObject[] {
    return this.#watched.get(`${cluster}/${kind}`)?.informer.list() ?? [];
  }

  /** subscribe receives batched changes until the returned function is called. */
  subscribe(listener: (change: Change) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async #discover(cluster: UiCluster, kind: UiKind): Promise<void> {
    const signal = this.#abort.signal;
    while (!signal.aborted) {
      try {
        await cluster.client.resourceFor(kind);
        this.#watch(cluster, kind);
        return;
      } catch (err) {
        // A kind the cluster does not serve (no CRD yet) is looked for again later; so is an unreachable cluster.
        if (!(err instanceof RestMappingError) && !(err instanceof KubeApiError)) this.#markUnreachable(cluster, err);
        else this.#kindAbsent(cluster);
      }
      await sleep(DISCOVERY_RETRY_MS, signal).catch(() => undefined);
    }
  }

  #kindAbsent(cluster: UiCluster): void {
    const health = this.#health.get(cluster.name)!;
    this.#checkSynced(cluster, health);
  }

  #watch(cluster: UiCluster, kind: UiKind): void {
    const informer = new Informer<KubeObject>(clientListWatch(cluster.client, kind), { retryMs: 1000 });
    const key = (obj: KubeObject): string => rowOf(cluster.name, kind, obj).id;
    informer.addHandlers({
      add: (obj) => this.#upsert(rowOf(cluster.name, kind, obj)),
      update: (_old, obj) => this.#upsert(rowOf(cluster.name, kind, obj)),
      delete: (obj) => this.#delete(key(obj)),
    });
    this.#watched.set(`${cluster.name}/${kind.kind}`, { cluster, kind, informer });
    const health = this.#health.get(cluster.name)!;
    health.kinds = [...health.kinds, kind.kind].sort();
    informer.start();
    void informer.waitForSync().then(() => this.#checkSynced(cluster, health));
    this.#queueClusters();
  }

  #checkSynced(cluster: UiCluster, health: ClusterHealth): void {
    const mine = [...this.#watched.values()].filter((w) => w.cluster === cluster);
    // Synced once every served kind listed; kinds still being discovered count as not served.
    const synced = mine.every((w) => w.informer.hasSynced);
    if (synced !== health.synced) {
      health.synced = synced;
      this.#queueClusters();
    }
  }

  async #probe(cluster: UiCluster): Promise<void> {
    const signal = this.#abort.signal;
    while (!signal.aborted) {
      try {
        await cluster.client.transport.request({ method: 'GET', path: '/version', signal });
        const health = this.#health.get(cluster.name)!;
        if (!health.reachable) {
          health.reachable = true;
          health.error = '';
          this.#queueClusters();
        }
      } catch (err) {
        if (signal.aborted) return;
        this.#markUnreachable(cluster, err);
      }
      await sleep(PROBE_MS, signal).catch(() => undefined);
    }
  }

  #markUnreachable(cluster: UiCluster, err: unknown): void {
    const health = this.#health.get(cluster.name)!;
    const error = errorMessage(err);
    if (health.reachable || health.error !== error) {
      health.reachable = false;
      health.error = error;
      this.#queueClusters();
    }
  }

  #upsert(row: Row): void {
    this.#rows.set(row.id, row);
    const p = this.#batch();
    p.deletes.delete(row.id);
    p.upserts.set(row.id, row);
  }

  #delete(id: string): void {
    if (!this.#rows.delete(id)) return;
    const p = this.#batch();
    p.upserts.delete(id);
    p.deletes.add(id);
  }

  #queueClusters(): void {
    this.#batch().clusters = true;
  }

  #batch(): Pending {
    if (!this.#pending) {
      this.#pending = { upserts: new Map(), deletes: new Set(), clusters: false };
      setTimeout(() => this.#flush(), BATCH_MS).unref();
    }
    return this.#pending;
  }

  #flush(): void {
    const p = this.#pending;
    this.#pending = undefined;
    if (!p) return;
    const change: Change = { upserts: [...p.upserts.values()], deletes: [...p.deletes] };
    if (p.clusters) change.clusters = this.health();
    for (const listener of this.#listeners) listener(change);
  }
}
