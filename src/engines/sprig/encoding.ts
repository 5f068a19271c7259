/**
 * Base64 and base32 exactly as Go's encoding/base64 and encoding/base32 StdEncoding decode: padding required,
 * `\r` and `\n` skipped, and on failure Go's error text (`illegal base64 data at input byte 4`), which Sprig's
 * `b64dec`/`b32dec` return as the result.
 */
import { goFunc, STRING, utf8Decode, type FuncMap } from '../gotemplate/index.ts';
import { bytesOf } from './gostrings.ts';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const PAD = 0x3d;

function decodeMap(alphabet: string): Uint8Array {
  const m = new Uint8Array(256).fill(0xff);
  for (let i = 0; i < alphabet.length; i++) m[alphabet.charCodeAt(i)] = i;
  return m;
}
const B64_MAP = decodeMap(B64);
const B32_MAP = decodeMap(B32);

class CorruptInput extends Error {
  constructor(offset: number, what: string) {
    super(`illegal ${what} data at input byte ${offset}`);
  }
}

const isNewline = (b: number | undefined): boolean => b === 0x0a || b === 0x0d;

/** base64Decode is base64.StdEncoding.DecodeString; throws Go's CorruptInputError text. */
export function base64Decode(src: Uint8Array): Uint8Array {
  const out: number[] = [];
  let si = 0;
  while (si < src.length) {
    const dbuf = [0, 0, 0, 0];
    let dlen = 4;
    let trailing: number | undefined;
    for (let j = 0; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return Uint8Array.from(out);
        throw new CorruptInput(si - j, 'base64');
      }
      const c = src[si++] ?? 0;
      const v = B64_MAP[c] ?? 0xff;
      if (v !== 0xff) {
        dbuf[j] = v;
        continue;
      }
      if (isNewline(c)) {
        j--;
        continue;
      }
      if (c !== PAD) throw new CorruptInput(si - 1, 'base64');
      if (j < 2) throw new CorruptInput(si - 1, 'base64');
      if (j === 2) {
        while (si < src.length && isNewline(src[si])) si++;
        if (si === src.length) throw new CorruptInput(src.length, 'base64');
        if (src[si] !== PAD) throw new CorruptInput(si - 1, 'base64');
        si++;
      }
      while (si < src.length && isNewline(src[si])) si++;
      if (si < src.length) trailing = si;
      dlen = j;
      break;
    }
    const val = ((dbuf[0] ?? 0) << 18) | ((dbuf[1] ?? 0) << 12) | ((dbuf[2] ?? 0) << 6) | (dbuf[3] ?? 0);
    const bytes = [(val >> 16) & 0xff, (val >> 8) & 0xff, val & 0xff];
    out.push(...bytes.slice(0, dlen - 1));
    if (trailing !== undefined) throw new CorruptInput(trailing, 'base64');
  }
  return Uint8Array.from(out);
}

/** base32Decode is base32.StdEncoding.DecodeString (newlines stripped first); throws Go's error text. */
export function base32Decode(input: Uint8Array): Uint8Array {
  const src = input.filter((b) => !isNewline(b));
  const olen = src.length;
  const out: number[] = [];
  let p = 0;
  let end = false;
  while (p < olen && !end) {
    const dbuf = [0, 0, 0, 0, 0, 0, 0, 0];
    let dlen = 8;
    for (let j = 0; j < 8;) {
      if (p === olen) throw new CorruptInput(olen - (olen - p) - j, 'base32');
      const c = src[p++] ?? 0;
      const left = olen - p;
      if (c === PAD && j >= 2 && left < 8) {
        if (left + j < 7) throw new CorruptInput(olen, 'base32');
        for (let k = 0; k < 7 - j; k++) {
          if (left > k && src[p + k] !== PAD) throw new CorruptInput(olen - left + k - 1, 'base32');
        }
        dlen = j;
        end = true;
        if (dlen === 1 || dlen === 3 || dlen === 6) throw new CorruptInput(olen - left - 1, 'base32');
        break;
      }
      const v = B32_MAP[c] ?? 0xff;
      if (v === 0xff) throw new CorruptInput(olen - left - 1, 'base32');
      dbuf[j++] = v;
    }
    const d = dbuf as [number, number, number, number, number, number, number, number];
    const bytes = [
      ((d[0] << 3) | (d[1] >> 2)) & 0xff,
      ((d[1] << 6) | (d[2] << 1) | (d[3] >> 4)) & 0xff,
      ((d[3] << 4) | (d[4] >> 1)) & 0xff,
      ((d[4] << 7) | (d[5] << 2) | (d[6] >> 3)) & 0xff,
      ((d[6] << 5) | d[7]) & 0xff,
    ];
    const n = { 8: 5, 7: 4, 5: 3, 4: 2, 2: 1 }[dlen as 8 | 7 | 5 | 4 | 2] ?? 0;
    out.push(...bytes.slice(0, n));
  }
  return Uint8Array.from(out);
}

/** base32Encode is base32.StdEncoding.EncodeToString. */
export function base32Encode(src: Uint8Array): string {
  let out = '';
  for (let i = 0; i < src.length; i += 5) {
    const chunk = src.subarray(i, i + 5);
    let bits = 0n;
    for (let k = 0; k < 5; k++) bits = (bits << 8n) | BigInt(chunk[k] ?? 0);
    const chars = Math.ceil((chunk.length * 8) / 5);
    for (let k = 0; k < 8; k++) out += k < chars ? (B32[Number((bits >> BigInt(35 - 5 * k)) & 31n)] ?? '') : '=';
  }
  return out;
}

/** decodeOrMessage runs a decoder and returns the text, or Go's error text as Sprig does. */
function decodeOrMessage(decode: (b: Uint8Array) => Uint8Array, s: string): string {
  try {
    return utf8Decode(decode(bytesOf(s)));
  } catch (err) {
    if (err instanceof CorruptInput) return err.message;
    throw err;
  }
}

export function encodingFunctions(): FuncMap {
  const str = { type: STRING };
  return {
    b64enc: goFunc([STRING], (s) => bytesOf(s).toString('base64'), str),
    b64dec: goFunc([STRING], (s) => decodeOrMessage(base64Decode, s), str),
    b32enc: goFunc([STRING], (s) => base32Encode(bytesOf(s)), str),
    b32dec: goFunc([STRING], (s) => decodeOrMessage(base32Decode, s), str),
  };
}
