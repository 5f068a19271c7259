import { MalformedArchiveError } from './errors.ts';

/** TarEntry is one parsed archive member (PAX and GNU long names already applied). */
export interface TarEntry {
  name: string;
  /** typeflag is the raw tar type: '0' file, '5' dir, '2' symlink, '1' hard link, '3'/'4' devices, '6' fifo … */
  typeflag: string;
  mode: number;
  size: number;
  linkname: string;
}

/** TarEvent is what readTar yields: an entry header, then its body in chunks. */
export type TarEvent = { kind: 'entry'; entry: TarEntry } | { kind: 'data'; chunk: Buffer };

const BLOCK = 512;

/**
 * readTar parses a (decompressed) tar stream incrementally: ustar, GNU and PAX headers, checksums verified,
 * PAX `path`/`linkpath`/`size` and GNU `L`/`K` long names applied. It stops at the end-of-archive block.
 */
export async function* readTar(source: AsyncIterable<Buffer>): AsyncGenerator<TarEvent> {
  const reader = new BlockReader(source[Symbol.asyncIterator]());
  // Only the PAX keys we honour are kept, so any number of extended headers before an entry costs linear time.
  let pax: PaxFields = {};
  let longName: string | undefined;
  let longLink: string | undefined;
  for (;;) {
    const block = await reader.read(BLOCK);
    if (block === undefined) throw new MalformedArchiveError('tar stream ended without an end-of-archive block');
    if (block.every((b) => b === 0)) return;
    const h = parseHeader(block);
    const padded = Math.ceil(h.size / BLOCK) * BLOCK;
    if (h.typeflag === 'x' || h.typeflag === 'g' || h.typeflag === 'L' || h.typeflag === 'K') {
      if (h.size > 1 << 20) throw new MalformedArchiveError('tar extended header larger than 1 MiB');
      const body = await reader.read(padded);
      if (body === undefined) throw new MalformedArchiveError('tar stream truncated in an extended header');
      const data = body.subarray(0, h.size);
      if (h.typeflag === 'x') parsePax(data, pax);
      else if (h.typeflag === 'L') longName = cString(data);
      else if (h.typeflag === 'K') longLink = cString(data);
      continue; // global headers ('g') carry nothing we honour
    }
    const entry: TarEntry = {
      ...h,
      name: pax['path'] ?? longName ?? h.name,
      linkname: pax['linkpath'] ?? longLink ?? h.linkname,
      size: pax['size'] !== undefined ? Number(pax['size']) : h.size,
    };
    pax = {};
    longName = undefined;
    longLink = undefined;
    if (!Number.isSafeInteger(entry.size) || entry.size < 0) throw new MalformedArchiveError('tar entry size invalid');
    yield { kind: 'entry', entry };
    // Only regular files carry a body; for others a size field is ignored, as GNU tar does for links and dirs.
    const bodySize = entry.typeflag === '0' || entry.typeflag === '\0' || entry.typeflag === '7' ? entry.size : 0;
    let left = bodySize;
    while (left > 0) {
      const chunk = await reader.readUpTo(left);
      if (chunk === undefined) throw new MalformedArchiveError(`tar stream truncated inside ${entry.name}`);
      left -= chunk.length;
      yield { kind: 'data', chunk };
    }
    const pad = (BLOCK - (bodySize % BLOCK)) % BLOCK;
    if (pad > 0 && (await reader.read(pad)) === undefined) throw new MalformedArchiveError('tar stream truncated');
  }
}

function parseHeader(b: Buffer): Omit<TarEntry, 'linkname'> & { linkname: string } {
  const stored = parseNumber(b.subarray(148, 156));
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const v = i >= 148 && i < 156 ? 0x20 : (b[i] as number);
    unsigned += v;
    signed += v > 127 ? v - 256 : v;
  }
  if (stored !== unsigned && stored !== signed) throw new MalformedArchiveError('tar header checksum mismatch');
  let name = cString(b.subarray(0, 100));
  const magic = b.subarray(257, 263).toString('latin1');
  if (magic === 'ustar\0') {
    const prefix = cString(b.subarray(345, 500));
    if (prefix !== '') name = `${prefix}/${name}`;
  }
  const typeflag = String.fromCharCode(b[156] as number);
  return {
    name,
    typeflag,
    mode: parseNumber(b.subarray(100, 108)),
    size: parseNumber(b.subarray(124, 136)),
    linkname: cString(b.subarray(157, 257)),
  };
}

// Numbers are octal text, or big-endian base-256 when the top bit of the first byte is set (GNU).
function parseNumber(field: Buffer): number {
  if (((field[0] as number) & 0x80) !== 0) {
    let v = (field[0] as number) & 0x7f;
    for (let i = 1; i < field.length; i++) v = v * 256 + (field[i] as number);
    return v;
  }
  const text = field
    .toString('latin1')
    .replace(/[\0 ]+$/u, '')
    .trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/u.test(text)) throw new MalformedArchiveError('tar header has a malformed number');
  return parseInt(text, 8);
}

function cString(b: Buffer): string {
  const end = b.indexOf(0);
  return b.subarray(0, end === -1 ? b.length : end).toString('utf8');
}

/** PaxFields are the PAX records that change how an entry is read; others (mtime, uid, xattrs …) are ignored. */
interface PaxFields {
  path?: string;
  linkpath?: string;
  size?: string;
}

// Records are `<length> <key>=<value>\n`; later records override earlier ones, as in a merge.
function parsePax(data: Buffer, into: PaxFields): void {
  let pos = 0;
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos);
    if (space === -1 || space - pos > 20) throw new MalformedArchiveError('tar PAX record malformed');
    const len = parseInt(data.subarray(pos, space).toString('ascii'), 10);
    if (!Number.isSafeInteger(len) || len <= space - pos || pos + len > data.length) {
      throw new MalformedArchiveError('tar PAX record length malformed');
    }
    const eq = data.indexOf(0x3d, space + 1);
    if (eq > space + 1 && eq < pos + len - 1) {
      const key = data.subarray(space + 1, eq).toString('utf8');
      if (key === 'path' || key === 'linkpath' || key === 'size') {
        into[key] = data.subarray(eq + 1, pos + len - 1).toString('utf8');
      }
    }
    pos += len;
  }
}

// BlockReader turns an iterator of arbitrarily sized chunks into exact-size reads.
class BlockReader {
  private buf: Buffer = Buffer.alloc(0);
  private done = false;
  private readonly it: AsyncIterator<Buffer>;

  constructor(it: AsyncIterator<Buffer>) {
    this.it = it;
  }

  // Chunks are gathered and joined once: concatenating per chunk would copy a large header quadratically.
  private async fill(n: number): Promise<boolean> {
    if (this.buf.length >= n || this.done) return this.buf.length >= n;
    const parts = this.buf.length === 0 ? [] : [this.buf];
    let have = this.buf.length;
    while (have < n) {
      const r = await this.it.next();
      if (r.done === true) {
        this.done = true;
        break;
      }
      parts.push(r.value);
      have += r.value.length;
    }
    this.buf = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, have);
    return have >= n;
  }

  async read(n: number): Promise<Buffer | undefined> {
    if (!(await this.fill(n))) return undefined;
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return out;
  }

  async readUpTo(n: number): Promise<Buffer | undefined> {
    if (!(await this.fill(1))) return undefined;
    const out = this.buf.subarray(0, Math.min(n, this.buf.length));
    this.buf = this.buf.subarray(out.length);
    return out;
  }
}
