// What the Bucket reconciler needs from a provider (source-controller's BucketProvider), and the HTTP plumbing the
// provider clients share: one keep-alive transport with TLS material and a proxy, error classification, bounded
// bodies, responses streamed to files.
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { pipeline } from 'node:stream/promises';

import { classifyNetworkError, type HttpResponse, readBody } from '../oci/index.ts';
import { errorMessage } from '../../util/errors.ts';
import { BucketError } from './errors.ts';

export type { ProxyOptions, TlsOptions } from '../oci/index.ts';

/** ObjectVisitor receives each listed object; keys are as stored, etags without quotes. */
export type ObjectVisitor = (key: string, etag: string) => void;

/**
 * BucketClient is one provider's client for one bucket. Every call takes an AbortSignal (spec.timeout); close()
 * releases its keep-alive sockets.
 */
export interface BucketClient {
  /** bucketExists is false when the bucket does not exist; any other failure throws a BucketError. */
  bucketExists(signal?: AbortSignal): Promise<boolean>;
  /** visitObjects lists every object under the prefix (all pages, no delimiter). */
  visitObjects(prefix: string | undefined, visit: ObjectVisitor, signal?: AbortSignal): Promise<void>;
  /** getObject streams an object into a file (parents created) and returns its etag; not-found when gone. */
  getObject(key: string, file: string, signal?: AbortSignal): Promise<string>;
  close(): void;
}

/** asBucketError turns a transport failure into a BucketError whose message starts with the subject. */
export function asBucketError(subject: string, err: unknown): BucketError {
  if (err instanceof BucketError) return err;
  const e = classifyNetworkError(subject, err);
  const kind = e.kind === 'tls' || e.kind === 'timeout' ? e.kind : 'unreachable';
  return new BucketError(kind, e.message, { cause: err });
}

/** readText reads a whole response body as UTF-8, failing past `max` bytes (listings, error documents). */
export async function readText(res: HttpResponse, max: number, subject: string): Promise<string> {
  try {
    return (await readBody(res, max, subject)).toString('utf8');
  } catch (err) {
    throw new BucketError('protocol', errorMessage(err), { cause: err });
  }
}

/** saveBody streams a response body into a file, creating its parent directories. */
export async function saveBody(res: HttpResponse, file: string, signal?: AbortSignal): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await pipeline(res.body, createWriteStream(file, { mode: 0o600 }), signal ? { signal } : {});
}

/** stripQuotes removes the quotes HTTP puts around an ETag value (`"abc"` → `abc`), as minio-go does. */
export function stripQuotes(etag: string): string {
  return etag.startsWith('"') && etag.endsWith('"') && etag.length >= 2 ? etag.slice(1, -1) : etag;
}

/** statusKind maps an HTTP error status to a BucketErrorKind. */
export function statusKind(status: number): 'auth' | 'not-found' | 'protocol' {
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'not-found';
  return 'protocol';
}
