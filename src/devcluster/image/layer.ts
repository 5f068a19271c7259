// Reproducible image layers: a directory becomes a gzip-compressed tar whose bytes depend only on the files' paths,
// contents, link targets and (normalised) modes, never on the machine, the time or the umask of the build.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { createGzip } from 'node:zlib';

import { FluxtsError } from '../../util/errors.ts';

/** ImageBuildError says which step of the image build failed and why. */
export class ImageBuildError extends FluxtsError {}

/** LayerDescriptor is a layer blob in the layout: its compressed digest and size, and its uncompressed diff ID. */
export interface LayerDescriptor {
  digest: string;
  size: number;
  diffId: string;
  /** uncompressedSize is the size of the tar stream (what the layer takes unpacked, roughly). */
  uncompressedSize: number;
}

/**
 * TAR_ARGS make GNU tar's output depend on content only: names sorted, one fixed mtime, root ownership, no atime or
 * ctime records, POSIX format with stable extended header names, and modes normalised to what a umask of 022 gives.
 */
function tarArgs(dir: string, epoch: number, entries: string[]): string[] {
  return [
    '--create',
    '--file=-',
    `--directory=${dir}`,
    '--sort=name',
    '--format=posix',
    '--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime',
    `--mtime=@${epoch}`,
    '--owner=0',
    '--group=0',
    '--numeric-owner',
    '--mode=go-w',
    '--no-acls',
    '--no-xattrs',
    '--no-selinux',
    '--',
    ...entries,
  ];
}

/**
 * writeLayer packs every entry of `dir` into a layer blob of the OCI layout at `layoutDir` and returns its
 * descriptor. The blob is written to a temporary name and renamed to its digest, so a layout never holds a partial
 * blob under a real name.
 */
export async function writeLayer(dir: string, layoutDir: string, epoch: number): Promise<LayerDescriptor> {
  const entries = (await readdir(dir)).sort();
  if (entries.length === 0) throw new ImageBuildError(`layer ${dir}: nothing to pack`);
  const blobs = join(layoutDir, 'blobs', 'sha256');
  await mkdir(blobs, { recursive: true });
  const tmp = join(blobs, `.partial-${process.pid}-${Date.now()}`);
  const tar = spawn('tar', tarArgs(dir, epoch, entries), { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  tar.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const exited = new Promise<number>((resolve, reject) => {
    tar.on('error', reject);
    tar.on('close', (code) => resolve(code ?? 1));
  });
  const diff = createHash('sha256');
  const compressed = createHash('sha256');
  const sizes = { tar: 0, gzip: 0 };
  const tap = (hash: ReturnType<typeof createHash>, count: 'tar' | 'gzip'): Transform =>
    new Transform({
      transform(chunk: Buffer, _enc, done) {
        hash.update(chunk);
        sizes[count] += chunk.length;
        done(null, chunk);
      },
    });
  try {
    // gzip's header carries no name and mtime 0 (zlib's defaults), so the compressed bytes are stable too.
    await pipeline(
      tar.stdout,
      tap(diff, 'tar'),
      createGzip({ level: 9 }),
      tap(compressed, 'gzip'),
      createWriteStream(tmp),
    );
    const code = await exited;
    if (code !== 0) throw new ImageBuildError(`tar of ${dir} failed (exit ${code}): ${stderr.trim()}`);
    const digest = `sha256:${compressed.digest('hex')}`;
    await rename(tmp, join(blobs, digest.slice('sha256:'.length)));
    return { digest, size: sizes.gzip, diffId: `sha256:${diff.digest('hex')}`, uncompressedSize: sizes.tar };
  } finally {
    await rm(tmp, { force: true });
  }
}
