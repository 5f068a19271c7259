// The Bucket revision: source-controller's index digest (internal/index/digest.go), `sha256:` over the lines
// "<key> <etag>\n" of the etag index with keys sorted bytewise, as Go's sort.Strings orders them.
import { createHash } from 'node:crypto';

/** EtagIndex maps object keys to their etags. */
export type EtagIndex = Map<string, string>;

/** compareBytes orders strings by their UTF-8 bytes (Go's string order), not by UTF-16 code units. */
export function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** sortedKeys returns the index's keys in Go's order. */
export function sortedKeys(index: EtagIndex): string[] {
  return [...index.keys()].sort(compareBytes);
}

/**
 * indexDigest returns the revision of an etag index, e.g. `sha256:3b2f…`.
 * @example indexDigest(new Map([['app/deploy.yaml', '9bb58f26192e4ba00f01e2e7b136bbd8']]))
 */
export function indexDigest(index: EtagIndex): string {
  const hash = createHash('sha256');
  for (const key of sortedKeys(index)) hash.update(`${key} ${index.get(key) ?? ''}\n`, 'utf8');
  return `sha256:${hash.digest('hex')}`;
}
