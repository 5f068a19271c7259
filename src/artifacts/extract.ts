import { createReadStream } from 'node:fs';
import { copyFile, lstat, mkdir, mkdtemp, open, realpath, rm, stat, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { FluxtsError } from '../util/errors.ts';
import { ArtifactStorageError, ArtifactTooLargeError, MalformedArchiveError, UnsafeArchiveError } from './errors.ts';
import { readTar, type TarEntry } from './tar-reader.ts';

/** ExtractOptions caps what an archive may expand to. */
export interface ExtractOptions {
  /** maxUncompressedBytes caps the decompressed tar stream (headers included) plus hard-link copies. Default 1 GiB. */
  maxUncompressedBytes?: number;
  /** maxEntries caps the number of archive members (files, directories, links). Default 100,000. */
  maxEntries?: number;
  /**
   * maxRatio caps decompressed size ÷ compressed size once more than 16 MiB came out (small archives of repetitive
   * YAML may compress very well). Default 200; gzip's own limit is about 1,032.
   */
  maxRatio?: number;
  /** parentDir is where the temp directory is created (default: the OS temp dir). */
  parentDir?: string;
}

/** EXTRACT_DEFAULTS are the caps extractTarGz applies when the options leave them out. */
export const EXTRACT_DEFAULTS = { maxUncompressedBytes: 1 << 30, maxEntries: 100_000, maxRatio: 200 } as const;
const RATIO_FLOOR_BYTES = 16 << 20;

/**
 * extractTarGz unpacks a .tar.gz file into a new temp directory and returns its path; on any error the
 * directory is removed and a typed error thrown. Like Flux's untar with `WithSkipSymlinks` (what consumers of
 * artifacts use), symbolic links are left out: a link cannot point anywhere, and a walk of the tree cannot loop.
 * Hard links become copies of a regular file extracted before them. It refuses (UnsafeArchiveError) `..`
 * segments, absolute names, device files, fifos and other special types; it caps the decompressed size, the
 * entry count and the expansion ratio (ArtifactTooLargeError); an entry the filesystem cannot hold (a name too
 * long, a file where a directory is) is a MalformedArchiveError naming it.
 */
export async function extractTarGz(file: string, opts: ExtractOptions = {}): Promise<string> {
  const limits = {
    maxUncompressedBytes: opts.maxUncompressedBytes ?? EXTRACT_DEFAULTS.maxUncompressedBytes,
    maxEntries: opts.maxEntries ?? EXTRACT_DEFAULTS.maxEntries,
    maxRatio: opts.maxRatio ?? EXTRACT_DEFAULTS.maxRatio,
  };
  const root = await realpath(await mkdtemp(join(opts.parentDir ?? tmpdir(), 'fluxts-extract-')));
  try {
    const compressed = (await stat(file)).size;
    await extractInto(root, createReadStream(file), { ...limits, compressed });
    return root;
  } catch (err) {
    await rm(root, { recursive: true, force: true });
    throw err;
  }
}

interface Limits {
  maxUncompressedBytes: number;
  maxEntries: number;
  maxRatio: number;
  compressed: number;
}

async function extractInto(root: string, input: Readable, limits: Limits): Promise<void> {
  const { maxUncompressedBytes: max, maxEntries, maxRatio, compressed } = limits;
  let total = 0;
  const count = (bytes: number): void => {
    total += bytes;
    if (total > max) throw new ArtifactTooLargeError('artifact', 'uncompressed', max);
    if (total > RATIO_FLOOR_BYTES && total > maxRatio * compressed) {
      throw new ArtifactTooLargeError('artifact', 'ratio', maxRatio);
    }
  };
  const gunzip = createGunzip();
  input.pipe(gunzip);
  input.on('error', (e: Error) => gunzip.destroy(e));
  async function* capped(): AsyncGenerator<Buffer> {
    try {
      for await (const chunk of gunzip as AsyncIterable<Buffer>) {
        count(chunk.length);
        yield chunk;
      }
    } catch (err) {
      if (err instanceof ArtifactTooLargeError) throw err;
      throw new MalformedArchiveError(`artifact is not valid gzip: ${(err as Error).message}`, { cause: err });
    }
  }
  const madeDirs = new Set<string>([root]);
  let entries = 0;
  let out: FileHandle | undefined;
  let current = '';
  try {
    for await (const ev of readTar(capped())) {
      if (ev.kind === 'data') {
        if (out !== undefined) await out.write(ev.chunk).catch((err: unknown) => fsFailure(current, err));
        continue;
      }
      await out?.close();
      out = undefined;
      if (++entries > maxEntries) throw new ArtifactTooLargeError('artifact', 'entries', maxEntries);
      current = ev.entry.name;
      out = await createEntry(root, ev.entry, madeDirs, count).catch((err: unknown) => fsFailure(current, err));
    }
    await out?.close();
    out = undefined;
  } finally {
    await out?.close();
    // The archive may end before the file does (zero padding after the end blocks): release both streams.
    input.unpipe(gunzip);
    input.destroy();
    gunzip.destroy();
  }
}

// Filesystem errors an entry itself causes (its name, its place in the tree) make the archive malformed; the
// others (a full disk, no permission) are the extraction directory's problem.
const ENTRY_ERRNOS = new Set(['ENAMETOOLONG', 'EEXIST', 'ENOTDIR', 'EISDIR']);

function fsFailure(entry: string, err: unknown): never {
  if (err instanceof FluxtsError) throw err;
  const code = (err as NodeJS.ErrnoException).code ?? '';
  if (ENTRY_ERRNOS.has(code)) {
    throw new MalformedArchiveError(`archive entry ${JSON.stringify(entry)} cannot be extracted: ${code}`, {
      cause: err,
    });
  }
  throw new ArtifactStorageError(`archive entry ${JSON.stringify(entry)}`, 'extract', { cause: err });
}

/** safeName normalises an entry name to root-relative segments, or throws if it is absolute or climbs out. */
function safeName(name: string): string[] {
  if (name.startsWith('/') || /^[A-Za-z]:[\\/]/u.test(name) || name.includes('\\')) {
    throw new UnsafeArchiveError(name, 'absolute-path', 'absolute or drive-relative names are not allowed');
  }
  const segs = name.split('/').filter((s) => s !== '' && s !== '.');
  if (segs.includes('..')) throw new UnsafeArchiveError(name, 'parent-traversal', '".." segments are not allowed');
  return segs;
}

async function createEntry(
  root: string,
  e: TarEntry,
  madeDirs: Set<string>,
  count: (bytes: number) => void,
): Promise<FileHandle | undefined> {
  const segs = safeName(e.name);
  if (segs.length === 0) return undefined; // the root itself ('.')
  if (e.typeflag === '2') return undefined; // symbolic links are left out (see extractTarGz)
  const target = join(root, ...segs);
  await ensureParents(root, segs, e.name, madeDirs);
  switch (e.typeflag) {
    case '5':
      if (!madeDirs.has(target)) {
        await mkdir(target, { recursive: true, mode: 0o755 });
        madeDirs.add(target);
      }
      return undefined;
    case '0':
    case '\0':
    case '7':
      // A directory of that name fails with EISDIR (a MalformedArchiveError) instead of being replaced.
      return open(target, 'w', (e.mode & 0o111) !== 0 ? 0o755 : 0o644);
    case '1': {
      const from = safeName(e.linkname);
      const src = join(root, ...from);
      const st = await lstat(src).catch(() => undefined);
      if (st === undefined || !st.isFile() || from.length === 0) {
        throw new UnsafeArchiveError(e.name, 'link-escape', 'hard link target is not an extracted regular file');
      }
      // A copy, never a real hard link; it counts towards the size cap, or links to one large file would not.
      count(st.size);
      await copyFile(src, target);
      return undefined;
    }
    case '3':
    case '4':
      throw new UnsafeArchiveError(e.name, 'device-file', 'device files are not allowed');
    default:
      throw new UnsafeArchiveError(e.name, 'unsupported-type', `tar type ${JSON.stringify(e.typeflag)} not allowed`);
  }
}

// Parents are created as real directories. No link is ever extracted, so every existing parent is a directory
// we made; the set saves an lstat per segment of every entry.
async function ensureParents(root: string, segs: string[], name: string, madeDirs: Set<string>): Promise<void> {
  let dir = root;
  for (const s of segs.slice(0, -1)) {
    dir = join(dir, s);
    if (madeDirs.has(dir)) continue;
    const st = await lstat(dir).catch(() => undefined);
    if (st === undefined) await mkdir(dir, { mode: 0o755 });
    else if (!st.isDirectory()) {
      throw new MalformedArchiveError(`archive entry ${JSON.stringify(name)} is below ${JSON.stringify(s)}, a file`);
    }
    madeDirs.add(dir);
  }
}
