import { createReadStream } from 'node:fs';
import {
  copyFile,
  lstat,
  mkdir,
  mkdtemp,
  open,
  realpath,
  rm,
  symlink,
  unlink,
  type FileHandle,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { ArtifactTooLargeError, MalformedArchiveError, UnsafeArchiveError } from './errors.ts';
import { readTar, type TarEntry } from './tar-reader.ts';

/** ExtractOptions caps what an archive may expand to. */
export interface ExtractOptions {
  /** maxUncompressedBytes caps the decompressed tar stream (headers included). Default 1 GiB. */
  maxUncompressedBytes?: number;
  /** parentDir is where the temp directory is created (default: the OS temp dir). */
  parentDir?: string;
}

/**
 * extractTarGz unpacks a .tar.gz file into a new temp directory and returns its path; on any error the
 * directory is removed and a typed error thrown. It refuses (UnsafeArchiveError) `..` segments, absolute
 * names, links whose target leaves the root, writes through a previously extracted link, and device files,
 * fifos and other special types; it caps the decompressed size (ArtifactTooLargeError).
 */
export async function extractTarGz(file: string, opts: ExtractOptions = {}): Promise<string> {
  const max = opts.maxUncompressedBytes ?? 1 << 30;
  const root = await realpath(await mkdtemp(join(opts.parentDir ?? tmpdir(), 'fluxts-extract-')));
  try {
    await extractInto(root, createReadStream(file), max);
    return root;
  } catch (err) {
    await rm(root, { recursive: true, force: true });
    throw err;
  }
}

async function extractInto(root: string, input: Readable, max: number): Promise<void> {
  let total = 0;
  const gunzip = createGunzip();
  input.pipe(gunzip);
  input.on('error', (e: Error) => gunzip.destroy(e));
  async function* capped(): AsyncGenerator<Buffer> {
    try {
      for await (const chunk of gunzip as AsyncIterable<Buffer>) {
        total += chunk.length;
        if (total > max) throw new ArtifactTooLargeError('artifact', 'uncompressed', max);
        yield chunk;
      }
    } catch (err) {
      if (err instanceof ArtifactTooLargeError) throw err;
      throw new MalformedArchiveError(`artifact is not valid gzip: ${(err as Error).message}`, { cause: err });
    }
  }
  const symlinks: string[] = [];
  let out: FileHandle | undefined;
  try {
    for await (const ev of readTar(capped())) {
      if (ev.kind === 'data') {
        if (out !== undefined) await out.write(ev.chunk);
        continue;
      }
      await out?.close();
      out = undefined;
      out = await createEntry(root, ev.entry, symlinks);
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
  // A link checked lexically can still escape through another link (a → ".", b → "a/.."): resolve them all.
  for (const link of symlinks) {
    const real = await realpath(link).catch(() => undefined);
    if (real !== undefined && real !== root && !real.startsWith(root + sep)) {
      throw new UnsafeArchiveError(link.slice(root.length + 1), 'link-escape', `resolves to ${real}`);
    }
  }
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

async function createEntry(root: string, e: TarEntry, symlinks: string[]): Promise<FileHandle | undefined> {
  const segs = safeName(e.name);
  if (segs.length === 0) return undefined; // the root itself ('.')
  const target = join(root, ...segs);
  await ensureParents(root, segs, e.name);
  switch (e.typeflag) {
    case '5':
      await mkdir(target, { recursive: true, mode: 0o755 });
      return undefined;
    case '0':
    case '\0':
    case '7': {
      await removeIfLink(target);
      return open(target, 'w', (e.mode & 0o111) !== 0 ? 0o755 : 0o644);
    }
    case '2': {
      if (e.linkname.startsWith('/')) throw new UnsafeArchiveError(e.name, 'link-escape', 'absolute link target');
      const resolved = posix.normalize(posix.join(posix.dirname(segs.join('/')), e.linkname));
      if (resolved === '..' || resolved.startsWith('../')) {
        throw new UnsafeArchiveError(e.name, 'link-escape', `target ${JSON.stringify(e.linkname)} leaves the root`);
      }
      await removeIfLink(target);
      await symlink(e.linkname, target);
      symlinks.push(target);
      return undefined;
    }
    case '1': {
      const from = safeName(e.linkname);
      const src = join(root, ...from);
      const st = await lstat(src).catch(() => undefined);
      const real = await realpath(src).catch(() => '');
      if (st === undefined || !st.isFile() || !real.startsWith(root + sep)) {
        throw new UnsafeArchiveError(e.name, 'link-escape', 'hard link target is not an extracted regular file');
      }
      await removeIfLink(target);
      await copyFile(src, target); // a copy, never a real hard link to something we do not control
      return undefined;
    }
    case '3':
    case '4':
      throw new UnsafeArchiveError(e.name, 'device-file', 'device files are not allowed');
    default:
      throw new UnsafeArchiveError(e.name, 'unsupported-type', `tar type ${JSON.stringify(e.typeflag)} not allowed`);
  }
}

// Parents are created as real directories; an existing parent that is a symlink would let a later entry write
// outside the root, so it is refused.
async function ensureParents(root: string, segs: string[], name: string): Promise<void> {
  let dir = root;
  for (const s of segs.slice(0, -1)) {
    dir = join(dir, s);
    const st = await lstat(dir).catch(() => undefined);
    if (st === undefined) await mkdir(dir, { mode: 0o755 });
    else if (st.isSymbolicLink()) {
      throw new UnsafeArchiveError(name, 'write-through-link', `parent ${JSON.stringify(s)} is a link`);
    } else if (!st.isDirectory()) throw new UnsafeArchiveError(name, 'unsupported-type', `parent ${s} is a file`);
  }
}

async function removeIfLink(path: string): Promise<void> {
  const st = await lstat(path).catch(() => undefined);
  if (st?.isSymbolicLink() === true) await unlink(path);
  else if (st?.isDirectory() === true) throw new MalformedArchiveError(`archive replaces directory ${path} by a file`);
}
