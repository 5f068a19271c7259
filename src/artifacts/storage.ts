import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { chmod, mkdir, rename, rm, stat, symlink } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { digestTap, formatDigest, newDigester } from './digest.ts';
import { ArtifactStorageError } from './errors.ts';
import { packDirectory, type PackFilter } from './pack.ts';
import type { Artifact } from './types.ts';
import { garbageCollect, type RetentionPolicy } from './retention.ts';

/** StorageOptions configures ArtifactStorage with Flux's source-controller flags. */
export interface StorageOptions {
  /** root is `--storage-path`. */
  root: string;
  /** advertisedAddress is `--storage-adv-addr` (host[:port], or a URL with a scheme). */
  advertisedAddress: string;
  /** retention is `--artifact-retention-ttl` (default 60 s) and `--artifact-retention-records` (default 2). */
  retention?: Partial<RetentionPolicy>;
}

/** ObjectKey names the object an artifact belongs to. */
export interface ObjectKey {
  kind: string;
  namespace: string;
  name: string;
}

/**
 * ArtifactStorage keeps artifacts at `<kind lowercase>/<namespace>/<name>/<file>` under a root, writes them
 * atomically (temp file in the same directory, then rename, mode 0600), and garbage-collects older files.
 * @example const a = storage.newArtifact({kind:'GitRepository', namespace:'ns', name:'app'}, rev, `${sha}.tar.gz`)
 *          const stored = await storage.archive(a, checkoutDir, filter)
 */
export class ArtifactStorage {
  readonly root: string;
  readonly retention: RetentionPolicy;
  private readonly baseUrl: string;
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(opts: StorageOptions) {
    this.root = resolve(opts.root);
    const adv = opts.advertisedAddress.replace(/\/+$/u, '');
    this.baseUrl = adv.includes('://') ? adv : `http://${adv}`;
    this.retention = { ttlMs: opts.retention?.ttlMs ?? 60_000, records: opts.retention?.records ?? 2 };
  }

  /** newArtifact returns the artifact record (path, url, revision) for a file of the object, not yet written. */
  newArtifact(obj: ObjectKey, revision: string, fileName: string): Artifact {
    const path = [obj.kind.toLowerCase(), obj.namespace, obj.name, fileName].join('/');
    checkSegments(path);
    return { path, url: `${this.baseUrl}/${path}`, revision, lastUpdateTime: rfc3339Now() };
  }

  /**
   * withCurrentUrl returns the artifact with its URL on this storage's advertised address (Flux's
   * `SetArtifactURL`, done in every storage step): after a restart on a new address (a new Pod IP, a changed
   * `--storage-adv-addr`), consumers must find the artifact even when the next fetch of the source fails.
   */
  withCurrentUrl<T extends Pick<Artifact, 'path' | 'url'>>(artifact: T): T {
    checkSegments(artifact.path);
    const url = `${this.baseUrl}/${artifact.path}`;
    return artifact.url === url ? artifact : { ...artifact, url };
  }

  /** localPath is the file's absolute path on disk. */
  localPath(artifact: Pick<Artifact, 'path'>): string {
    checkSegments(artifact.path);
    return join(this.root, ...artifact.path.split('/'));
  }

  /** objectDir is the directory holding every artifact of one object. */
  objectDir(obj: ObjectKey): string {
    const p = [obj.kind.toLowerCase(), obj.namespace, obj.name].join('/');
    checkSegments(p);
    return join(this.root, ...p.split('/'));
  }

  /**
   * verify reports whether the stored file still has the artifact's digest (fluxcd/pkg `VerifyArtifact`): a
   * reconciler re-creates the artifact when this is false.
   */
  async verify(artifact: Pick<Artifact, 'path' | 'digest'>): Promise<boolean> {
    if (artifact.digest === undefined) return false;
    try {
      const hash = newDigester();
      for await (const chunk of createReadStream(this.localPath(artifact)) as AsyncIterable<Buffer>) hash.update(chunk);
      return formatDigest(hash) === artifact.digest;
    } catch {
      return false;
    }
  }

  /**
   * symlink points a convenience link in the artifact's directory (e.g. `latest.tar.gz`) at it, atomically,
   * and returns the link's URL (Flux's `status.url` for OCIRepository, Bucket, HelmChart and HelmRepository).
   */
  async symlink(artifact: Pick<Artifact, 'path'>, linkName: string): Promise<string> {
    const file = this.localPath(artifact);
    const dir = dirname(file);
    const linkArtifact = { path: [...artifact.path.split('/').slice(0, -1), linkName].join('/') };
    const link = this.localPath(linkArtifact);
    const tmp = join(dir, `.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`);
    try {
      await symlink(basename(file), tmp);
      await rename(tmp, link);
    } catch (cause) {
      await rm(tmp, { force: true });
      throw new ArtifactStorageError(`artifact link ${linkArtifact.path}`, 'symlink', { cause });
    }
    return `${this.baseUrl}/${linkArtifact.path}`;
  }

  /** remove deletes one file of an object's directory (e.g. GitRepository's deprecated `latest.tar.gz`). */
  async remove(artifact: Pick<Artifact, 'path'>): Promise<void> {
    await rm(this.localPath(artifact), { force: true });
  }

  /** exists reports whether the artifact's file is on disk (it may vanish with an emptyDir). */
  async exists(artifact: Pick<Artifact, 'path'>): Promise<boolean> {
    try {
      return (await stat(this.localPath(artifact))).isFile();
    } catch {
      return false;
    }
  }

  /** archive packs dir (minus what filter excludes) into the artifact's file and returns it with digest and size. */
  async archive(artifact: Artifact, dir: string, filter?: PackFilter): Promise<Artifact> {
    return this.write(artifact, (out) => packDirectory(dir, out, filter));
  }

  /** store writes the bytes of a readable source as the artifact (for kinds that store a file as-is). */
  async store(
    artifact: Artifact,
    source: Iterable<Uint8Array> | AsyncIterable<Uint8Array> | NodeJS.ReadableStream,
  ): Promise<Artifact> {
    return this.write(artifact, async (out) => {
      const tap = digestTap();
      await pipeline(Readable.from(source), tap.stream, out);
      return tap.result();
    });
  }

  /** remove deletes the whole directory of an object (the finalizer's job); a missing directory is fine. */
  async removeAll(obj: ObjectKey): Promise<void> {
    const dir = this.objectDir(obj);
    await this.withLock(dir, async () => {
      try {
        await rm(dir, { recursive: true, force: true });
      } catch (cause) {
        throw new ArtifactStorageError(`${obj.kind}/${obj.namespace}/${obj.name} artifacts`, 'remove', { cause });
      }
    });
  }

  /** garbageCollect applies the retention policy to the artifact's directory, keeping the artifact itself. */
  async garbageCollect(artifact: Pick<Artifact, 'path'>, now = Date.now()): Promise<string[]> {
    const file = this.localPath(artifact);
    return this.withLock(dirname(file), () => garbageCollect(dirname(file), file, this.retention, now));
  }

  private async write(
    artifact: Artifact,
    produce: (out: Writable) => Promise<{ digest: string; size: number }>,
  ): Promise<Artifact> {
    const file = this.localPath(artifact);
    const dir = dirname(file);
    return this.withLock(dir, async () => {
      const tmp = join(dir, `.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`);
      let out: WriteStream | undefined;
      try {
        await mkdir(dir, { recursive: true });
        const ws = createWriteStream(tmp, { mode: 0o600 });
        out = ws;
        await once(ws, 'open');
        // produce writes through a pipeline that ends in ws, so a write error (ENOSPC on a full disk) rejects
        // it; no promise on ws is left without a handler, which would crash the process.
        const result = await produce(ws);
        if (!ws.closed) await once(ws, 'close');
        await chmod(tmp, 0o600);
        await rename(tmp, file);
        return { ...artifact, digest: result.digest, size: result.size, lastUpdateTime: rfc3339Now() };
      } catch (cause) {
        out?.destroy();
        await rm(tmp, { force: true });
        throw new ArtifactStorageError(`artifact ${artifact.path}`, 'write', { cause });
      }
    });
  }

  // Writes and GC of one object's directory are serialised in this process; across processes, leader election
  // guarantees a single writer.
  private async withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(key) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.locks.set(key, tail);
    try {
      return await run;
    } finally {
      if (this.locks.get(key) === tail) this.locks.delete(key);
    }
  }
}

/** TEMP_SUFFIX marks in-flight writes, which retention and the file server ignore. */
export const TEMP_SUFFIX = '.tmp';

function checkSegments(path: string): void {
  const segs = path.split('/');
  for (const s of segs) {
    if (s === '' || s === '.' || s === '..' || s.includes('\\') || s.includes('\0') || s.includes(sep)) {
      throw new ArtifactStorageError(`artifact path ${JSON.stringify(path)}`, 'validate', {
        hint: 'kind, namespace, name and file must be single non-empty path segments',
      });
    }
  }
}

// Kubernetes serialises metav1.Time as RFC 3339 with whole seconds; match it so status patches are stable.
function rfc3339Now(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/u, 'Z');
}
