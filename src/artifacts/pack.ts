import { createReadStream } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { digestTap } from './digest.ts';
import { encodeHeader, padding, TAR_END } from './tar-header.ts';

/** PackFilter returns true for a path (segments relative to the packed root) that must be left out. */
export type PackFilter = (path: readonly string[], isDir: boolean) => boolean;

/** PackResult is the digest (`sha256:<hex>`, over the compressed bytes) and size of a packed tarball. */
export interface PackResult {
  digest: string;
  size: number;
}

// Flux's normalised modes: directories 0750, files with any execute bit 0700, other files 0600.
const DIR_MODE = 0o750;
const EXE_MODE = 0o700;
const FILE_MODE = 0o600;

/**
 * packDirectory writes dir as a deterministic gzip'd tar to out, the way source-controller's `Archive` does:
 * a depth-first walk with each directory's entries sorted by name bytes, the root itself as `.`, only regular
 * files and directories (symlinks and special files skipped), and normalised headers, so identical trees give
 * identical bytes. An excluded directory is itself left out but still walked, as in Flux, so a negated
 * pattern can bring a file back. Returns the digest and size of what was written.
 */
export async function packDirectory(dir: string, out: Writable, filter?: PackFilter): Promise<PackResult> {
  const tap = digestTap();
  // One pipeline into `out`: an error of the destination (ENOSPC, EFBIG) rejects here instead of stalling a
  // writer that waits for 'drain'.
  await pipeline(Readable.from(tarStream(dir, filter)), createGzip({ level: 6 }), tap.stream, out);
  return tap.result();
}

async function* tarStream(root: string, filter: PackFilter | undefined): AsyncGenerator<Buffer> {
  yield encodeHeader({ name: '.', type: 'dir', mode: DIR_MODE, size: 0 });
  yield* walk(root, [], filter);
  yield TAR_END;
}

async function* walk(root: string, rel: string[], filter: PackFilter | undefined): AsyncGenerator<Buffer> {
  const names = await readdir(join(root, ...rel));
  names.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  for (const name of names) {
    const path = [...rel, name];
    const abs = join(root, ...path);
    const st = await lstat(abs);
    if (st.isDirectory()) {
      if (filter === undefined || !filter(path, true)) {
        yield encodeHeader({ name: path.join('/'), type: 'dir', mode: DIR_MODE, size: 0 });
      }
      yield* walk(root, path, filter);
    } else if (st.isFile()) {
      if (filter !== undefined && filter(path, false)) continue;
      const mode = (st.mode & 0o111) !== 0 ? EXE_MODE : FILE_MODE;
      yield encodeHeader({ name: path.join('/'), type: 'file', mode, size: st.size });
      let written = 0;
      if (st.size > 0) {
        for await (const chunk of createReadStream(abs, { end: st.size - 1 }) as AsyncIterable<Buffer>) {
          written += chunk.length;
          yield chunk;
        }
      }
      // A file that shrank while we read it would corrupt the stream: keep the header's promise.
      if (written < st.size) yield Buffer.alloc(st.size - written);
      yield padding(st.size);
    }
  }
}
