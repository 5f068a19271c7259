/** A minimal DER encoder and reader: what certificate and key encoding need, nothing more. */

export type Der = Uint8Array;

function lengthBytes(n: number): number[] {
  if (n < 0x80) return [n];
  const out: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v & 0xff);
  return [0x80 | out.length, ...out];
}

/** tlv encodes one element: tag, length, contents. */
export function tlv(tag: number, ...contents: Der[]): Der {
  const body = Buffer.concat(contents);
  return Buffer.concat([Uint8Array.from([tag, ...lengthBytes(body.length)]), body]);
}

export const seq = (...items: Der[]): Der => tlv(0x30, ...items);
export const set = (...items: Der[]): Der => tlv(0x31, ...items);
export const explicit = (n: number, inner: Der): Der => tlv(0xa0 | n, inner);
export const octets = (b: Uint8Array): Der => tlv(0x04, b);
export const bool = (v: boolean): Der => tlv(0x01, Uint8Array.of(v ? 0xff : 0));
export const nullDer = (): Der => Uint8Array.of(0x05, 0x00);

/** bitString encodes a BIT STRING with the given number of unused bits in the last byte. */
export const bitString = (b: Uint8Array, unused = 0): Der => tlv(0x03, Uint8Array.of(unused), b);

/** integer encodes a non-negative INTEGER in minimal form (a leading zero keeps the sign bit clear). */
export function integer(n: bigint): Der {
  if (n < 0n) throw new RangeError('integer: negative values are not needed here');
  const bytes: number[] = [];
  for (let v = n; v > 0n; v >>= 8n) bytes.unshift(Number(v & 0xffn));
  if (bytes.length === 0 || (bytes[0] ?? 0) & 0x80) bytes.unshift(0);
  return tlv(0x02, Uint8Array.from(bytes));
}

/** oid encodes an OBJECT IDENTIFIER from its dotted text. */
export function oid(dotted: string): Der {
  const parts = dotted.split('.').map(Number);
  const out: number[] = [40 * (parts[0] ?? 0) + (parts[1] ?? 0)];
  for (const p of parts.slice(2)) {
    const chunk: number[] = [p & 0x7f];
    for (let v = Math.floor(p / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift(0x80 | (v & 0x7f));
    out.push(...chunk);
  }
  return tlv(0x06, Uint8Array.from(out));
}

/** Element is one decoded DER element. */
export interface Element {
  tag: number;
  /** contents without tag and length. */
  body: Uint8Array;
  /** the whole encoding. */
  raw: Uint8Array;
}

/** read decodes the element at `offset`. Throws on malformed input. */
export function read(b: Uint8Array, offset = 0): Element {
  const tag = b[offset];
  let len = b[offset + 1];
  if (tag === undefined || len === undefined) throw new Error('truncated DER');
  let p = offset + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (b[p + i] ?? 0);
    p += n;
  }
  if (p + len > b.length) throw new Error('truncated DER');
  return { tag, body: b.subarray(p, p + len), raw: b.subarray(offset, p + len) };
}

/** children decodes the elements inside a constructed element's body. */
export function children(body: Uint8Array): Element[] {
  const out: Element[] = [];
  for (let p = 0; p < body.length;) {
    const e = read(body, p);
    out.push(e);
    p += e.raw.length;
  }
  return out;
}

/** toBigInt reads an INTEGER's body. */
export function toBigInt(body: Uint8Array): bigint {
  let n = 0n;
  for (const x of body) n = (n << 8n) | BigInt(x);
  if (body.length > 0 && (body[0] ?? 0) & 0x80) n -= 1n << BigInt(body.length * 8);
  return n;
}
