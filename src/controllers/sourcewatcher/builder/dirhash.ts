// The file name of a generated artifact (source-watcher dirhash.go over golang.org/x/mod/sumdb/dirhash.HashDir):
// Adler-32 over the lines "<adler32 hex of content>  <prefix>/<path>\n" of every file, paths sorted bytewise, the
// sum printed in decimal. It only names the file; the artifact's digest is the SHA-256 of the tarball.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stat } from 'node:fs/promises';

import { walkPaths } from './glob.ts';

/** adler32 returns the Adler-32 checksum of the bytes (RFC 1950). */
export function adler32(data: Uint8Array, start = 1): number {
  let a = start & 0xffff;
  let b = (start >>> 16) & 0xffff;
  // 5552 is the largest n for which the sums cannot overflow 2^32 before the modulo (zlib's NMAX).
  for (let i = 0; i < data.length;) {
    const end = Math.min(i + 5552, data.length);
    for (; i < end; i++) {
      a += data[i] as number;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** hashDir is source-watcher's contents hash of dir, with `prefix` (the output name) before every path. */
export async function hashDir(dir: string, prefix: string): Promise<string> {
  const files: string[] = [];
  for (const rel of await walkPaths(dir)) {
    if ((await stat(join(dir, rel))).isFile()) files.push(rel);
  }
  const names = files.map((f) => `${prefix}/${f}`).sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
  let sum = 1;
  for (const name of names) {
    if (name.includes('\n')) throw new Error('filenames with newlines are not supported');
    const content = await readFile(join(dir, name.slice(prefix.length + 1)));
    sum = adler32(Buffer.from(`${adler32(content).toString(16)}  ${name}\n`), sum);
  }
  return String(sum);
}
