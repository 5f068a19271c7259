/**
 * Sprig's random functions: `randAlphaNum`, `randAlpha`, `randNumeric`, `randAscii` (goutils' CryptoRandom over
 * a crypto-strength source), `randBytes`, `uuidv4`, `shuffle` lives with the strings. Results are not reproducible;
 * tests check lengths and alphabets.
 */
import { goFunc, INT, STRING, type FuncMap } from '../gotemplate/index.ts';
import type { SprigContext } from './context.ts';
import { SprigError } from './errors.ts';
import { checkStringSize } from './limits.ts';

const ALPHA = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
let ASCII = '';
for (let c = 32; c < 127; c++) ASCII += String.fromCharCode(c);

/** randomString draws `count` characters uniformly from `alphabet` (rejection sampling, no modulo bias). */
function randomString(ctx: SprigContext, fn: string, count: number, alphabet: string): string {
  if (count <= 0) return '';
  checkStringSize(ctx.limits, fn, count);
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < count) {
    for (const b of ctx.randomBytes(Math.max(16, count - out.length))) {
      if (b >= limit) continue;
      out += alphabet[b % alphabet.length];
      if (out.length === count) break;
    }
  }
  return out;
}

/** uuidV4 formats 16 random bytes as an RFC 4122 version 4 UUID (google/uuid's NewRandom). */
export function uuidV4(random: Uint8Array): string {
  const b = Uint8Array.from(random.subarray(0, 16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = Buffer.from(b).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function randomFunctions(ctx: SprigContext): FuncMap {
  const str = { type: STRING };
  return {
    randAlphaNum: goFunc([INT], (n) => randomString(ctx, 'randAlphaNum', Number(n.value), ALPHA + DIGITS), str),
    randAlpha: goFunc([INT], (n) => randomString(ctx, 'randAlpha', Number(n.value), ALPHA), str),
    randNumeric: goFunc([INT], (n) => randomString(ctx, 'randNumeric', Number(n.value), DIGITS), str),
    randAscii: goFunc([INT], (n) => randomString(ctx, 'randAscii', Number(n.value), ASCII), str),
    randBytes: goFunc(
      [INT],
      (n) => {
        const count = Number(n.value);
        if (count < 0) throw new SprigError('runtime error: makeslice: len out of range');
        checkStringSize(ctx.limits, 'randBytes', Math.ceil(count / 3) * 4);
        return Buffer.from(ctx.randomBytes(count)).toString('base64');
      },
      { type: STRING, error: true },
    ),
    uuidv4: goFunc([], () => uuidV4(ctx.randomBytes(16)), str),
  };
}
