import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { formatDigest, newDigester, parseDigest } from './digest.ts';
import { ArtifactDigestMismatchError, ArtifactFetchError, ArtifactTooLargeError } from './errors.ts';
import { extractTarGz } from './extract.ts';

/** FetchOptions bounds an artifact download and its extraction. */
export interface FetchOptions {
  /** maxCompressedBytes caps the download (default 512 MiB). */
  maxCompressedBytes?: number;
  /** maxUncompressedBytes caps the extracted content (default 1 GiB). */
  maxUncompressedBytes?: number;
  /** timeoutMs bounds the whole download (default 5 min). */
  timeoutMs?: number;
  /** parentDir is where temp files and the extraction directory go (default: the OS temp dir). */
  parentDir?: string;
}

/** FetchedArtifact is an extracted artifact; call cleanup() when done with dir. */
export interface FetchedArtifact {
  dir: string;
  digest: string;
  size: number;
  cleanup(): Promise<void>;
}

/**
 * fetchArtifact downloads a `.tar.gz` artifact, checks its size caps and its digest BEFORE anything is
 * unpacked, then extracts it safely into a new temp directory (see extractTarGz).
 * @example const a = await fetchArtifact(src.status.artifact.url, src.status.artifact.digest); … await a.cleanup()
 */
export async function fetchArtifact(url: string, digest: string, opts: FetchOptions = {}): Promise<FetchedArtifact> {
  const want = parseDigest(digest);
  if (want === undefined) throw new ArtifactFetchError(`artifact ${url} has an unsupported digest ${digest}`);
  const work = await mkdtemp(join(opts.parentDir ?? tmpdir(), 'fluxts-fetch-'));
  try {
    const file = join(work, `${randomBytes(4).toString('hex')}.tar.gz`);
    const got = await download(url, file, opts.maxCompressedBytes ?? 512 << 20, opts.timeoutMs ?? 300_000);
    if (got.digest !== digest) throw new ArtifactDigestMismatchError(`artifact ${url}`, digest, got.digest);
    const extractOpts =
      opts.maxUncompressedBytes === undefined ? {} : { maxUncompressedBytes: opts.maxUncompressedBytes };
    const dir = await extractTarGz(file, { ...extractOpts, parentDir: opts.parentDir ?? tmpdir() });
    return { dir, digest: got.digest, size: got.size, cleanup: () => rm(dir, { recursive: true, force: true }) };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** download streams url into file, hashing as it goes, and fails past max bytes. */
export async function download(
  url: string,
  file: string,
  max: number,
  timeoutMs: number,
): Promise<{ digest: string; size: number }> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
  } catch (cause) {
    throw new ArtifactFetchError(`artifact ${url} download failed: ${(cause as Error).message}`, { cause });
  }
  if (res.status !== 200 || res.body === null) {
    await res.body?.cancel();
    throw new ArtifactFetchError(`artifact ${url} download failed: HTTP ${res.status}`, { status: res.status });
  }
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > max) {
    await res.body.cancel();
    throw new ArtifactTooLargeError(`artifact ${url}`, 'compressed', max);
  }
  const hash = newDigester();
  let size = 0;
  const capped = new Transform({
    transform(chunk: Buffer, _e, cb) {
      size += chunk.length;
      if (size > max) {
        cb(new ArtifactTooLargeError(`artifact ${url}`, 'compressed', max));
        return;
      }
      hash.update(chunk);
      cb(null, chunk);
    },
  });
  // One pipeline into the file: a write error (a full temp disk) rejects it instead of stalling on 'drain' or
  // surfacing as an unhandled 'error' event.
  try {
    await pipeline(res.body, capped, createWriteStream(file, { mode: 0o600 }));
  } catch (cause) {
    if (cause instanceof ArtifactTooLargeError) throw cause;
    throw new ArtifactFetchError(`artifact ${url} download failed: ${(cause as Error).message}`, { cause });
  }
  return { digest: formatDigest(hash), size };
}
