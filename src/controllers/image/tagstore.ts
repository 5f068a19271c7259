// The image-reflector-controller's tag store: the scanned tags of every ImageRepository, kept on disk under
// `--storage-path` so a restart does not rescan from nothing, and in memory for the ImagePolicies that read them.
// Flux's optional filesystem layout (feature gate FluxStorage): `imagerepository/<ns>/<name>/tags.txt`, one tag per
// line, gzipped (`tags.txt.gz`) from 64 KiB. Writes are crash-safe (temporary file, fsync, rename, fsync of the
// folder); a deleted ImageRepository's entry is removed, so the store holds only live repositories.
import { open, mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';

/** TagStoreKey names one ImageRepository. */
export interface TagStoreKey {
  namespace: string;
  name: string;
}

/** COMPRESSION_THRESHOLD is Flux's `--storage-compression-threshold` default (64 KiB). */
export const COMPRESSION_THRESHOLD = 64 * 1024;

/** adler32 is hash/adler32's checksum, which Flux reports as `lastScanResult.revision` (decimal). */
export function adler32(data: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (let i = 0; i < data.length;) {
    // 5552 is the largest n with 255n(n+1)/2 + (n+1)(65520) < 2^32: sums stay exact before the modulo.
    const end = Math.min(i + 5552, data.length);
    for (; i < end; i++) {
      a += data[i]!;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** tagsChecksum is the revision of a tag list: adler32 of its JSON form, as Flux computes it. */
export function tagsChecksum(tags: readonly string[]): string {
  return String(adler32(Buffer.from(JSON.stringify(tags), 'utf8')));
}

/** TagStore reads and writes tag lists; one per controller process. */
export class TagStore {
  readonly #root: string;
  readonly #threshold: number;
  readonly #cache = new Map<string, string[]>();

  constructor(root: string, options: { compressionThreshold?: number } = {}) {
    this.#root = root;
    this.#threshold = options.compressionThreshold ?? COMPRESSION_THRESHOLD;
  }

  #dir(key: TagStoreKey): string {
    // Kubernetes names cannot contain `/` or `..`, so the path stays inside the store.
    return join(this.#root, 'imagerepository', key.namespace, key.name);
  }

  /** tags returns the stored list (undefined when nothing was stored); from memory after the first read. */
  async tags(key: TagStoreKey): Promise<string[] | undefined> {
    const id = `${key.namespace}/${key.name}`;
    const cached = this.#cache.get(id);
    if (cached) return cached;
    const dir = this.#dir(key);
    let text: string | undefined;
    try {
      text = gunzipSync(await readFile(join(dir, 'tags.txt.gz'))).toString('utf8');
    } catch {
      text = await readFile(join(dir, 'tags.txt'), 'utf8').catch(() => undefined);
    }
    if (text === undefined) return undefined;
    const tags = text === '' ? [] : text.replace(/\n$/u, '').split('\n');
    this.#cache.set(id, tags);
    return tags;
  }

  /** setTags stores the list (crash-safe) and returns its checksum. */
  async setTags(key: TagStoreKey, tags: readonly string[]): Promise<string> {
    const dir = this.#dir(key);
    await mkdir(dir, { recursive: true });
    const text = tags.length === 0 ? '' : tags.join('\n') + '\n';
    const raw = Buffer.from(text, 'utf8');
    const gzip = raw.length >= this.#threshold;
    const file = join(dir, gzip ? 'tags.txt.gz' : 'tags.txt');
    const tmp = `${file}.tmp-${process.pid}`;
    const handle = await open(tmp, 'w', 0o600);
    try {
      await handle.writeFile(gzip ? gzipSync(raw) : raw);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, file);
    // The other format, if a previous list had it, would be read first (gz) or shadow nothing (txt): remove it.
    await rm(join(dir, gzip ? 'tags.txt' : 'tags.txt.gz'), { force: true });
    const d = await open(dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
    this.#cache.set(`${key.namespace}/${key.name}`, [...tags]);
    return tagsChecksum(tags);
  }

  /** delete forgets a repository (its ImageRepository was deleted). */
  async delete(key: TagStoreKey): Promise<void> {
    this.#cache.delete(`${key.namespace}/${key.name}`);
    await rm(this.#dir(key), { recursive: true, force: true });
  }
}
