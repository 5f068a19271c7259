// Receiver Secrets cached between requests: forged requests must not cost an API call each (Flux reads the Secret
// per request, which caps how many it can reject). An entry is reused for 30s; a request failing its check
// re-reads the Secret when the entry is over a second old, so a rotated token works at once while a flood of
// forged requests costs at most one read per second and Receiver.
type Reader = (namespace: string, name: string) => Promise<Record<string, Buffer>>;

interface Entry {
  at: number;
  data: Promise<Record<string, Buffer>>;
}

export class SecretCache {
  readonly #read: Reader;
  readonly #entries = new Map<string, Entry>();
  readonly #ttlMs: number;
  readonly #refreshMs: number;

  constructor(read: Reader, options: { ttlMs?: number; refreshMs?: number } = {}) {
    this.#read = read;
    this.#ttlMs = options.ttlMs ?? 30_000;
    this.#refreshMs = options.refreshMs ?? 1000;
  }

  /** get returns the Secret's data, read again when asked for a fresh copy or when the entry expired. */
  get(namespace: string, name: string, fresh = false): Promise<Record<string, Buffer>> {
    const key = `${namespace}/${name}`;
    const entry = this.#entries.get(key);
    if (entry && !fresh && Date.now() - entry.at < this.#ttlMs) return entry.data;
    if (entry && fresh && !this.stale(namespace, name)) return entry.data;
    const data = this.#read(namespace, name);
    const next = { at: Date.now(), data };
    this.#entries.set(key, next);
    // A failed read is not cached.
    data.catch(() => {
      if (this.#entries.get(key) === next) this.#entries.delete(key);
    });
    if (this.#entries.size > 10_000) this.#entries.delete(this.#entries.keys().next().value ?? key);
    return data;
  }

  /** stale tells whether the entry is old enough to be re-read after a failed check. */
  stale(namespace: string, name: string): boolean {
    const entry = this.#entries.get(`${namespace}/${name}`);
    return !entry || Date.now() - entry.at >= this.#refreshMs;
  }
}
