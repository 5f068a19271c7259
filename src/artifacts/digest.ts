import { createHash, type Hash } from 'node:crypto';
import { Transform } from 'node:stream';

/** DIGEST_ALGO is the only digest algorithm we produce (Flux's default `--artifact-digest-algo`). */
export const DIGEST_ALGO = 'sha256';

/** newDigester returns a streaming hash for the artifact digest. */
export function newDigester(): Hash {
  return createHash(DIGEST_ALGO);
}

/** formatDigest renders a finished hash as `sha256:<hex>`. */
export function formatDigest(hash: Hash): string {
  return `${DIGEST_ALGO}:${hash.digest('hex')}`;
}

/** digestOf returns `sha256:<hex>` of a buffer. */
export function digestOf(data: Uint8Array): string {
  return formatDigest(newDigester().update(data));
}

/**
 * parseDigest splits `<algo>:<encoded>` and checks it against Flux's digest pattern; only sha256 is supported.
 * Returns undefined when the string is not a digest we can verify.
 */
export function parseDigest(digest: string): { algo: 'sha256'; hex: string } | undefined {
  const m = /^sha256:([a-f0-9]{64})$/u.exec(digest);
  return m ? { algo: 'sha256', hex: m[1] as string } : undefined;
}

/**
 * digestTap is a pass-through stream that digests and counts what flows through it, for a pipeline that writes
 * an artifact: `pipeline(source, tap.stream, file)`, then `tap.result()`.
 */
export function digestTap(): { stream: Transform; result(): { digest: string; size: number } } {
  const hash = newDigester();
  let size = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      size += chunk.length;
      cb(null, chunk);
    },
  });
  return { stream, result: () => ({ digest: formatDigest(hash), size }) };
}
