import { type KubeObject, objectKeyString } from '../kube/client/index.ts';

/** IndexFunc maps an object to the index values it is found under (e.g. `namespace/name` of its sourceRef). */
export type IndexFunc<T> = (obj: T) => string[];

/** storeKey is the cache key of an object: `namespace/name`, or `name` when cluster-scoped. */
export function storeKey(obj: KubeObject): string {
  return objectKeyString({
    name: obj.metadata.name ?? '',
    ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}),
  });
}

/**
 * Store is the informer's cache: objects by key plus secondary indexes kept up to date on every write, so that
 * lookups such as "Kustomizations whose sourceRef is this GitRepository" are map reads, not scans.
 */
export class Store<T extends KubeObject> {
  readonly #items = new Map<string, T>();
  readonly #indexes = new Map<string, { fn: IndexFunc<T>; byValue: Map<string, Set<string>> }>();

  /** addIndex registers an index and fills it from the current contents. */
  addIndex(name: string, fn: IndexFunc<T>): void {
    const index = { fn, byValue: new Map<string, Set<string>>() };
    this.#indexes.set(name, index);
    for (const [key, obj] of this.#items) this.#indexAdd(index, key, obj);
  }

  get(key: string): T | undefined {
    return this.#items.get(key);
  }

  list(): T[] {
    return [...this.#items.values()];
  }

  keys(): string[] {
    return [...this.#items.keys()];
  }

  get size(): number {
    return this.#items.size;
  }

  /** byIndex returns the objects filed under a value of an index. */
  byIndex(name: string, value: string): T[] {
    const keys = this.#indexes.get(name)?.byValue.get(value);
    if (!keys) return [];
    return [...keys].map((k) => this.#items.get(k)).filter((o): o is T => o !== undefined);
  }

  /** upsert stores an object and returns the previous version, if any. */
  upsert(obj: T): T | undefined {
    const key = storeKey(obj);
    const old = this.#items.get(key);
    if (old) for (const index of this.#indexes.values()) this.#indexRemove(index, key, old);
    this.#items.set(key, obj);
    for (const index of this.#indexes.values()) this.#indexAdd(index, key, obj);
    return old;
  }

  /** remove deletes an object by key and returns it, if it was present. */
  remove(key: string): T | undefined {
    const old = this.#items.get(key);
    if (!old) return undefined;
    for (const index of this.#indexes.values()) this.#indexRemove(index, key, old);
    this.#items.delete(key);
    return old;
  }

  #indexAdd(index: { fn: IndexFunc<T>; byValue: Map<string, Set<string>> }, key: string, obj: T): void {
    for (const value of index.fn(obj)) {
      let keys = index.byValue.get(value);
      if (!keys) index.byValue.set(value, (keys = new Set()));
      keys.add(key);
    }
  }

  #indexRemove(index: { fn: IndexFunc<T>; byValue: Map<string, Set<string>> }, key: string, obj: T): void {
    for (const value of index.fn(obj)) {
      const keys = index.byValue.get(value);
      keys?.delete(key);
      if (keys?.size === 0) index.byValue.delete(value);
    }
  }
}
