// A small in-memory tar+gzip writer for archives made of a known list of files (Helm chart packages): USTAR
// headers from tar-header.ts, and a gzip member written by hand because Node's zlib cannot set the header's
// Extra and Comment fields, which Helm puts on every package.
import { crc32, deflateRawSync } from 'node:zlib';

import { encodeHeader, padding, TAR_END } from './tar-header.ts';

/** TarFile is one regular file of an archive. */
export interface TarFile {
  name: string;
  data: Uint8Array;
}

/** TarGzOptions: header fields Go's archive/tar and compress/gzip would write. */
export interface TarGzOptions {
  /** mode of every file (Helm: 0644). */
  mode?: number;
  /** mtime of every file in seconds since the epoch (default 0). */
  mtime?: number;
  /** gzipExtra and gzipComment fill the gzip header's FEXTRA and FCOMMENT fields. */
  gzipExtra?: Uint8Array;
  gzipComment?: string;
}

const FEXTRA = 4;
const FCOMMENT = 16;
// Go's compress/gzip writes OS 255 (unknown) and leaves the header's MTIME zero unless asked.
const OS_UNKNOWN = 255;

/** gzipMember compresses data into one gzip member with the given optional header fields. */
export function gzipMember(data: Uint8Array, extra?: Uint8Array, comment?: string): Buffer {
  const flags = (extra ? FEXTRA : 0) | (comment !== undefined ? FCOMMENT : 0);
  const head = Buffer.from([0x1f, 0x8b, 0x08, flags, 0, 0, 0, 0, 0, OS_UNKNOWN]);
  const parts: Buffer[] = [head];
  if (extra) {
    const len = Buffer.alloc(2);
    len.writeUInt16LE(extra.length);
    parts.push(len, Buffer.from(extra));
  }
  // RFC 1952: the comment is ISO 8859-1, zero-terminated.
  if (comment !== undefined) parts.push(Buffer.from(`${comment}\0`, 'latin1'));
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32(data) >>> 0, 0);
  trailer.writeUInt32LE(data.length % 2 ** 32, 4);
  parts.push(deflateRawSync(data), trailer);
  return Buffer.concat(parts);
}

/** tarGz writes the files, in order, as a gzip-compressed tar archive. */
export function tarGz(files: readonly TarFile[], opts: TarGzOptions = {}): Buffer {
  const blocks: Buffer[] = [];
  for (const f of files) {
    const mtime = opts.mtime ?? 0;
    blocks.push(encodeHeader({ name: f.name, type: 'file', mode: opts.mode ?? 0o644, size: f.data.length, mtime }));
    blocks.push(Buffer.from(f.data), padding(f.data.length));
  }
  blocks.push(TAR_END);
  return gzipMember(Buffer.concat(blocks), opts.gzipExtra, opts.gzipComment);
}
