/** TarEntryHeader is what our writer puts in a header; everything else is normalised to zero/empty. */
export interface TarEntryHeader {
  name: string;
  type: 'file' | 'dir';
  mode: number;
  size: number;
  /** mtime in seconds since the epoch; 0 (the default) keeps archives reproducible. */
  mtime?: number;
}

const BLOCK = 512;
/** TAR_END is the two zero blocks that end an archive. */
export const TAR_END = Buffer.alloc(2 * BLOCK);

/**
 * encodeHeader renders one entry as USTAR header block(s): uid/gid 0, empty user and group names, mtime 0 unless given,
 * no device numbers. Names that are not ASCII or do not fit the USTAR name/prefix split, and sizes beyond
 * 8 GiB, get a PAX extended header first, as Go's archive/tar (and so Flux) does.
 */
export function encodeHeader(h: TarEntryHeader): Buffer {
  const typeflag = h.type === 'dir' ? '5' : '0';
  const split = splitUstarName(h.name);
  const tooBig = h.size >= 8 ** 11;
  if (split !== undefined && !tooBig) return block(split.name, split.prefix, h.mode, h.size, typeflag, h.mtime);
  const records: [string, string][] = [];
  if (split === undefined) records.push(['path', h.name]);
  if (tooBig) records.push(['size', String(h.size)]);
  const pax = Buffer.from(records.map(([k, v]) => paxRecord(k, v)).join(''), 'utf8');
  const base = h.name.split('/').pop() ?? '';
  const paxName = asciiTruncate(`PaxHeaders.0/${base}`, 100);
  const fallbackName = asciiTruncate(h.name, 100);
  return Buffer.concat([
    block(paxName, '', 0o644, pax.length, 'x'),
    pad(pax),
    block(fallbackName, '', h.mode, tooBig ? 0 : h.size, typeflag, h.mtime),
  ]);
}

/** padding returns the zero bytes that complete a body of size n to a whole block. */
export function padding(n: number): Buffer {
  const r = n % BLOCK;
  return r === 0 ? Buffer.alloc(0) : Buffer.alloc(BLOCK - r);
}

function pad(b: Buffer): Buffer {
  return Buffer.concat([b, padding(b.length)]);
}

// A PAX record is "<len> <key>=<value>\n" where len counts itself, so iterate until the length is stable.
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  const bodyLen = Buffer.byteLength(body);
  let len = bodyLen + String(bodyLen).length;
  if (String(len).length + bodyLen !== len) len = bodyLen + String(len).length;
  return `${len}${body}`;
}

function isAscii(s: string): boolean {
  // eslint-disable-next-line no-control-regex -- USTAR names are 7-bit ASCII without NUL
  return /^[\x01-\x7f]*$/u.test(s);
}

function asciiTruncate(s: string, n: number): string {
  // eslint-disable-next-line no-control-regex -- see isAscii
  return s.replace(/[^\x01-\x7f]/gu, '_').slice(0, n);
}

function splitUstarName(name: string): { name: string; prefix: string } | undefined {
  if (!isAscii(name)) return undefined;
  if (name.length <= 100) return { name, prefix: '' };
  for (let i = name.length - 1; i > 0; i--) {
    if (name[i] !== '/') continue;
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (prefix.length <= 155 && rest.length <= 100 && rest.length > 0) return { name: rest, prefix };
    if (rest.length > 100) return undefined;
  }
  return undefined;
}

function block(name: string, prefix: string, mode: number, size: number, typeflag: string, mtime = 0): Buffer {
  const b = Buffer.alloc(BLOCK);
  b.write(name, 0, 100, 'ascii');
  octal(b, 100, 8, mode);
  octal(b, 108, 8, 0);
  octal(b, 116, 8, 0);
  octal(b, 124, 12, size);
  octal(b, 136, 12, mtime);
  b.write(typeflag, 156, 1, 'ascii');
  b.write('ustar\x0000', 257, 8, 'ascii');
  octal(b, 329, 8, 0);
  octal(b, 337, 8, 0);
  b.write(prefix, 345, 155, 'ascii');
  // The checksum is computed with its own field as spaces, then stored as 6 octal digits, NUL, space.
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of b) sum += byte;
  octal(b, 148, 7, sum);
  b[155] = 0x20;
  return b;
}

function octal(b: Buffer, offset: number, width: number, value: number): void {
  b.write(`${value.toString(8).padStart(width - 1, '0')}\0`, offset, width, 'ascii');
}
