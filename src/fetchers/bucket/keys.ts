// Object keys become file paths under the download directory. A key is the bucket owner's text, not ours: `../`
// segments, an absolute path or a NUL would write outside the artifact root (the path-traversal class of 2026 in
// bucket sources), so such keys are refused before anything is written.
import { join, relative, resolve, sep } from 'node:path';

import { BucketError } from './errors.ts';

/** unsafeKeyReason says why a key cannot be a path inside the artifact, or undefined when it can. */
export function unsafeKeyReason(key: string): string | undefined {
  if (key === '') return 'empty key';
  if (key.includes('\0')) return 'NUL byte in key';
  if (key.startsWith('/')) return 'absolute path';
  const segments = key.split('/');
  if (segments.includes('..')) return "'..' path segment";
  if (segments.every((s) => s === '' || s === '.')) return 'no file name';
  return undefined;
}

/**
 * localPath joins a key to the download directory, refusing keys that would leave it (BucketError `unsafe-key`,
 * naming the key and the bucket).
 */
export function localPath(root: string, key: string, bucket: string): string {
  const reason = unsafeKeyReason(key);
  const target = join(root, key);
  const rel = relative(resolve(root), resolve(target));
  if (reason !== undefined || rel === '' || rel.startsWith(`..${sep}`) || rel === '..') {
    throw new BucketError(
      'unsafe-key',
      `object key '${key}' in bucket '${bucket}' escapes the artifact root (${reason ?? 'outside the root'})`,
    );
  }
  return target;
}
