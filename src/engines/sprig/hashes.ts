/** Sprig's digests: `sha1sum`, `sha256sum`, `sha512sum` (lowercase hex) and `adler32sum` (decimal). */
import { createHash } from 'node:crypto';

import { goFunc, STRING, type FuncMap } from '../gotemplate/index.ts';
import { bytesOf } from './gostrings.ts';

/** adler32 is hash/adler32.Checksum. */
export function adler32(data: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (let i = 0; i < data.length;) {
    // 5552 is the largest n with 255n(n+1)/2 + (n+1)(65520) < 2^32: no overflow before the modulo.
    const end = Math.min(i + 5552, data.length);
    for (; i < end; i++) {
      a += data[i] ?? 0;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

export function hashFunctions(): FuncMap {
  const str = { type: STRING };
  const digest = (alg: string) => (s: string) => createHash(alg).update(bytesOf(s)).digest('hex');
  return {
    sha1sum: goFunc([STRING], digest('sha1'), str),
    sha256sum: goFunc([STRING], digest('sha256'), str),
    sha512sum: goFunc([STRING], digest('sha512'), str),
    adler32sum: goFunc([STRING], (s) => String(adler32(bytesOf(s))), str),
  };
}
