import { gunzipSync } from 'node:zlib';

import { quote as goQuote } from '../../gotemplate/index.ts';
import { detectContentType } from './sniff.ts';
import type { ChartFile } from './types.ts';
import { goPathClean } from '../../sprig/index.ts';

/**
 * Reading a packaged chart (`.tgz`) as Helm does, safely: the first path component (the chart directory) is
 * dropped, absolute paths, `..`, drive letters and a `Chart.yaml` outside a directory are refused, and sizes are
 * bounded (5 MiB per file, 100 MiB in total) so that a hostile archive fails early instead of exhausting memory.
 */

/** MAX_CHART_SIZE and MAX_FILE_SIZE are Helm's default decompression limits. */
export const MAX_CHART_SIZE = 100 * 1024 * 1024;
export const MAX_FILE_SIZE = 5 * 1024 * 1024;

/** ArchiveError is an archive Helm refuses; the message is Helm's (callers add the file name context). */
export class ArchiveError extends Error {
  /** gzipHeader: the gzip header was invalid (Helm then names the file). */
  readonly gzipHeader: boolean;
  constructor(message: string, gzipHeader = false) {
    super(message);
    this.gzipHeader = gzipHeader;
  }
}

const BOM = [0xef, 0xbb, 0xbf];

/** ensureArchive is Helm's check that a CHART file is gzip before trying to read it. */
export function ensureArchive(name: string, data: Uint8Array): void {
  const head = new Uint8Array(512);
  head.set(data.subarray(0, 512));
  const ct = detectContentType(head);
  const gzip = data.length >= 3 && data[0] === 0x1f && data[1] === 0x8b && data[2] === 0x08;
  if (ct !== 'application/x-gzip' && !gzip) {
    if (name.endsWith('.yml') || name.endsWith('.yaml')) {
      throw new ArchiveError(`file '${name}' seems to be a YAML file, but expected a gzipped archive`);
    }
    throw new ArchiveError(`file '${name}' does not appear to be a gzipped archive; got '${ct}'`);
  }
}

function gunzip(data: Uint8Array): Buffer {
  if (data.length < 10 || data[0] !== 0x1f || data[1] !== 0x8b || data[2] !== 0x08) {
    throw new ArchiveError('gzip: invalid header', true);
  }
  try {
    // The tar stream holds headers and padding beside the files: allow some room above the content limit.
    return gunzipSync(data, { maxOutputLength: MAX_CHART_SIZE + 16 * 1024 * 1024 });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') {
      throw new ArchiveError(`decompressed chart is larger than the maximum size ${MAX_CHART_SIZE}`);
    }
    throw new ArchiveError(`unable to load chart archive: ${(err as Error).message}`);
  }
}

interface TarHeader {
  name: string;
  typeflag: string;
  mode: number;
  size: number;
  /** mtimeNs: modification time in nanoseconds since the epoch. */
  mtimeNs: bigint;
}

function cString(b: Uint8Array): string {
  const end = b.indexOf(0);
  return Buffer.from(b.subarray(0, end === -1 ? b.length : end)).toString('utf8');
}

function octal(b: Uint8Array): number {
  if ((b[0]! & 0x80) !== 0) {
    let v = b[0]! & 0x7f;
    for (let i = 1; i < b.length; i++) v = v * 256 + b[i]!;
    return v;
  }
  const text = Buffer.from(b)
    .toString('latin1')
    .replace(/[\0 ]+$/, '')
    .trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw new ArchiveError('archive/tar: invalid tar header');
  return parseInt(text, 8);
}

function parsePax(data: Uint8Array): Record<string, string> {
  const out: Record<string, string> = {};
  const buf = Buffer.from(data);
  let pos = 0;
  while (pos < buf.length) {
    const sp = buf.indexOf(0x20, pos);
    const len = sp === -1 ? NaN : Number(buf.subarray(pos, sp).toString('latin1'));
    if (!Number.isSafeInteger(len) || len <= sp - pos || pos + len > buf.length) {
      throw new ArchiveError('archive/tar: invalid tar header');
    }
    const record = buf.subarray(sp + 1, pos + len - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq < 0) throw new ArchiveError('archive/tar: invalid tar header');
    out[record.slice(0, eq)] = record.slice(eq + 1);
    pos += len;
  }
  return out;
}

/** readTar yields the tar's entries (PAX and GNU long names applied; global headers yielded as type 'g'). */
function* readTar(tar: Uint8Array): Generator<{ header: TarHeader; body: Uint8Array }> {
  let pos = 0;
  let pax: Record<string, string> = {};
  let longName: string | undefined;
  for (;;) {
    if (pos + 512 > tar.length) {
      if (pos >= tar.length) return;
      throw new ArchiveError('unexpected EOF');
    }
    const block = tar.subarray(pos, pos + 512);
    if (block.every((b) => b === 0)) return;
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]!;
    if (octal(block.subarray(148, 156)) !== sum) throw new ArchiveError('archive/tar: invalid tar header');
    let name = cString(block.subarray(0, 100));
    const magic = Buffer.from(block.subarray(257, 263)).toString('latin1');
    if (magic === 'ustar\0') {
      const prefix = cString(block.subarray(345, 500));
      if (prefix !== '') name = `${prefix}/${name}`;
    }
    const typeflag = String.fromCharCode(block[156]!);
    let size = octal(block.subarray(124, 136));
    const mode = octal(block.subarray(100, 108));
    let mtimeNs = BigInt(octal(block.subarray(136, 148))) * 1_000_000_000n;
    pos += 512;
    if (typeflag === 'x' || typeflag === 'L' || typeflag === 'K') {
      if (size > 1 << 20) throw new ArchiveError('archive/tar: invalid tar header');
      const data = tar.subarray(pos, pos + size);
      if (data.length < size) throw new ArchiveError('unexpected EOF');
      pos += Math.ceil(size / 512) * 512;
      if (typeflag === 'x') pax = { ...pax, ...parsePax(data) };
      else if (typeflag === 'L') longName = cString(data);
      continue;
    }
    if (pax['path'] !== undefined) name = pax['path'];
    else if (longName !== undefined) name = longName;
    if (pax['size'] !== undefined) size = Number(pax['size']);
    if (pax['mtime'] !== undefined) mtimeNs = paxTime(pax['mtime']);
    pax = {};
    longName = undefined;
    const hasBody = !['1', '2', '3', '4', '5', '6'].includes(typeflag);
    const bodySize = hasBody ? size : 0;
    yield { header: { name, typeflag, mode, size, mtimeNs }, body: tar.subarray(pos, pos + bodySize) };
    pos += Math.ceil(bodySize / 512) * 512;
  }
}

/** paxTime parses a PAX time (`seconds[.fraction]`) into nanoseconds. */
function paxTime(text: string): bigint {
  const m = /^(-?)(\d+)(?:\.(\d*))?$/.exec(text);
  if (m === null) throw new ArchiveError('archive/tar: invalid tar header');
  const ns = BigInt(m[2]!) * 1_000_000_000n + BigInt((m[3] ?? '').slice(0, 9).padEnd(9, '0') || '0');
  return m[1] === '-' ? -ns : ns;
}

/** isDirectory is tar's FileInfo().IsDir(): a directory type, or directory bits in the mode. */
function isDirectory(h: TarHeader): boolean {
  return h.typeflag === '5' || (h.mode & 0o170000) === 0o040000;
}

/**
 * loadArchiveFiles reads a gzipped tar as Helm's LoadArchiveFiles does and returns its files, each named
 * relative to the chart directory.
 */
export function loadArchiveFiles(gz: Uint8Array): ChartFile[] {
  const tar = gunzip(gz);
  const files: ChartFile[] = [];
  let remaining = MAX_CHART_SIZE;
  for (const { header: hd, body } of readTar(tar)) {
    if (isDirectory(hd)) continue;
    if (hd.typeflag === 'g' || hd.typeflag === 'x') continue;
    const delimiter = hd.name.includes('\\') ? '\\' : '/';
    const parts = hd.name.split(delimiter);
    let n = parts.slice(1).join(delimiter).replaceAll(delimiter, '/');
    if (n.startsWith('/')) throw new ArchiveError('chart illegally contains absolute paths');
    n = goPathClean(n);
    if (n === '.') {
      throw new ArchiveError(`chart illegally contains content outside the base directory: ${goQuote(hd.name)}`);
    }
    if (n.startsWith('..')) throw new ArchiveError('chart illegally references parent directory');
    if (/^[a-zA-Z]:\//.test(n)) throw new ArchiveError('chart contains illegally named files');
    if (parts[0] === 'Chart.yaml') throw new ArchiveError('chart yaml not in base directory');
    if (hd.size > remaining)
      throw new ArchiveError(`decompressed chart is larger than the maximum size ${MAX_CHART_SIZE}`);
    if (hd.size > MAX_FILE_SIZE) {
      throw new ArchiveError(
        `decompressed chart file ${goQuote(hd.name)} is larger than the maximum file size ${MAX_FILE_SIZE}`,
      );
    }
    if (body.length < hd.size) throw new ArchiveError('unexpected EOF');
    remaining -= hd.size;
    if (remaining <= 0) throw new ArchiveError(`decompressed chart is larger than the maximum size ${MAX_CHART_SIZE}`);
    let data = body;
    if (data[0] === BOM[0] && data[1] === BOM[1] && data[2] === BOM[2]) data = data.subarray(3);
    files.push({ name: n, data: Uint8Array.from(data), modTime: hd.mtimeNs });
  }
  if (files.length === 0) throw new ArchiveError('no files in chart archive');
  return files;
}
