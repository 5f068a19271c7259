// The provider-independent half of a Bucket fetch (source-controller `fetchEtagIndex` and `fetchIndexFiles`):
// confirm the bucket, read the root `.sourceignore` object, index every listed object that neither it nor
// spec.ignore excludes (no default exclusions for buckets), then download the indexed objects with bounded
// concurrency, keeping each object's etag as downloaded. Keys that would escape the download directory are
// refused before anything is written.
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';

import { IGNORE_FILE, IgnoreMatcher, readPatterns } from '../../engines/sourceignore/index.ts';
import { errorMessage } from '../../util/errors.ts';
import type { BucketClient } from './client.ts';
import { type EtagIndex, sortedKeys } from './digest.ts';
import { BucketError, isNotFound } from './errors.ts';
import { localPath, unsafeKeyReason } from './keys.ts';

/** MAX_CONCURRENT_FETCHES bounds parallel downloads, as source-controller's maxConcurrentBucketFetches (100). */
export const MAX_CONCURRENT_FETCHES = 100;

export interface IndexOptions {
  bucketName: string;
  prefix?: string;
  /** ignore is spec.ignore, appended after the bucket's `.sourceignore` (so it can re-include with `!`). */
  ignore?: string;
  /** dir receives the `.sourceignore` object (and later the objects). */
  dir: string;
  signal?: AbortSignal;
}

/**
 * fetchEtagIndex lists the bucket into an etag index. Errors read as source-controller's: `bucket 'x' not found`,
 * `failed to confirm existence of 'x' bucket: …`, `indexation of objects from bucket 'x' failed: …`.
 */
export async function fetchEtagIndex(client: BucketClient, opts: IndexOptions): Promise<EtagIndex> {
  const bucket = opts.bucketName;
  let exists: boolean;
  try {
    exists = await client.bucketExists(opts.signal);
  } catch (err) {
    throw rewrap(err, `failed to confirm existence of '${bucket}' bucket`);
  }
  if (!exists) throw new BucketError('not-found', `bucket '${bucket}' not found`);

  const ignoreFile = join(opts.dir, IGNORE_FILE);
  let ignoreText = '';
  try {
    await client.getObject(IGNORE_FILE, ignoreFile, opts.signal);
    ignoreText = await readFile(ignoreFile, 'utf8');
  } catch (err) {
    if (!isNotFound(err)) throw rewrap(err, `failed to get Etag for '${IGNORE_FILE}' object`);
  }
  const patterns = readPatterns(ignoreText);
  if (opts.ignore !== undefined) patterns.push(...readPatterns(opts.ignore));
  const matcher = new IgnoreMatcher(patterns);

  const index: EtagIndex = new Map();
  try {
    await client.visitObjects(
      opts.prefix,
      (key, etag) => {
        if (key.endsWith('/') || key === IGNORE_FILE) return;
        if (matcher.excludes(key.split('/'), false)) return;
        const unsafe = unsafeKeyReason(key);
        if (unsafe !== undefined) {
          throw new BucketError('unsafe-key', `object key '${key}' escapes the artifact root (${unsafe})`);
        }
        index.set(key, etag);
      },
      opts.signal,
    );
  } catch (err) {
    throw rewrap(err, `indexation of objects from bucket '${bucket}' failed`);
  }
  return index;
}

export interface DownloadOptions {
  bucketName: string;
  dir: string;
  concurrency?: number;
  signal?: AbortSignal;
}

/**
 * fetchIndexFiles downloads every indexed object into dir. An object deleted since the listing leaves the index;
 * one changed since gets its new etag (so the revision describes what was downloaded). Fails as source-controller
 * does: `fetch from bucket 'x' failed: failed to get 'key' object: …`.
 */
export async function fetchIndexFiles(client: BucketClient, index: EtagIndex, opts: DownloadOptions): Promise<void> {
  const keys = sortedKeys(index);
  const limit = Math.max(1, opts.concurrency ?? MAX_CONCURRENT_FETCHES);
  const inner = new AbortController();
  const signal = opts.signal ? AbortSignal.any([opts.signal, inner.signal]) : inner.signal;
  let next = 0;
  let failure: unknown;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < keys.length) {
      const key = keys[next++] as string;
      try {
        const file = localPath(opts.dir, key, opts.bucketName);
        const etag = await client.getObject(key, file, signal);
        if (etag !== '' && etag !== index.get(key)) index.set(key, etag);
      } catch (err) {
        if (isNotFound(err)) {
          index.delete(key);
          continue;
        }
        failure ??= rewrap(err, `failed to get '${key}' object`);
        inner.abort();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, keys.length) }, worker));
  if (failure !== undefined) throw rewrap(failure, `fetch from bucket '${opts.bucketName}' failed`);
}

/** rewrap prefixes a failure with what was being done, keeping its kind and code. */
function rewrap(err: unknown, prefix: string): BucketError {
  const kind = err instanceof BucketError ? err.kind : 'protocol';
  const code = err instanceof BucketError ? err.code : undefined;
  return new BucketError(kind, `${prefix}: ${errorMessage(err)}`, { cause: err, ...(code ? { code } : {}) });
}
