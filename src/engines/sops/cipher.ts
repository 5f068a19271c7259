import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

import { SopsDecryptError, SopsError } from './errors.ts';
import { formatFloatF } from '../../util/go-float.ts';
import { Comment, TimeValue, type Scalar } from './tree.ts';

/** NONCE_SIZE is sops' AES-GCM nonce length: 32 bytes, not the usual 12. */
const NONCE_SIZE = 32;
const TAG_SIZE = 16;
const ENC_RE = /^ENC\[AES256_GCM,data:(.+),iv:(.+),tag:(.+),type:(.+)\]/;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Leaf is what the cipher encrypts: a scalar or a comment. */
export type Leaf = Scalar | Comment;

/**
 * toBytes is sops' `ToBytes`: the exact bytes a leaf contributes to the MAC and to the ciphertext. Floats use Go's
 * shortest fixed notation, booleans are `True`/`False` (a Python heritage of sops).
 */
export function toBytes(v: Exclude<Leaf, null>): Uint8Array {
  if (typeof v === 'string') return Buffer.from(v, 'utf8');
  if (v instanceof Uint8Array) return v;
  if (typeof v === 'bigint') return Buffer.from(v.toString(), 'utf8');
  if (typeof v === 'number') return Buffer.from(formatFloatF(v), 'utf8');
  if (typeof v === 'boolean') return Buffer.from(v ? 'True' : 'False', 'utf8');
  if (v instanceof TimeValue) return Buffer.from(v.text, 'utf8');
  return Buffer.from(v.value, 'utf8');
}

function typeOf(v: Exclude<Leaf, null>): string {
  if (typeof v === 'string' || v instanceof Uint8Array) return 'str';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return 'float';
  if (typeof v === 'boolean') return 'bool';
  if (v instanceof TimeValue) return 'time';
  return 'comment';
}

function isEmpty(v: Leaf): boolean {
  if (typeof v === 'string') return v === '';
  if (v instanceof Uint8Array) return v.length === 0;
  if (v instanceof Comment) return v.value === '';
  return false;
}

/**
 * encryptValue encrypts one leaf with the data key, binding it to `aad` (the key path joined by `:` plus a
 * trailing `:`), and returns sops' `ENC[AES256_GCM,…]` text. Empty strings stay empty, as sops leaves them.
 */
export function encryptValue(v: Leaf, key: Uint8Array, aad: string): string {
  if (v === null) throw new SopsError('sops value encryption: null values are never encrypted');
  if (isEmpty(v)) return '';
  const iv = randomBytes(NONCE_SIZE);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_SIZE });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const data = Buffer.concat([cipher.update(toBytes(v)), cipher.final()]);
  const tag = cipher.getAuthTag();
  return `ENC[AES256_GCM,data:${data.toString('base64')},iv:${iv.toString('base64')},tag:${tag.toString('base64')},type:${typeOf(v)}]`;
}

/** isEncryptedValue tells whether a string has sops' encrypted-value shape. */
export function isEncryptedValue(s: string): boolean {
  return ENC_RE.test(s);
}

function b64(s: string, what: string, where: string): Buffer {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0) {
    throw new SopsDecryptError(`${where}: the ${what} of the encrypted value is not valid base64`);
  }
  return Buffer.from(s, 'base64');
}

const INT_RE = /^[+-]?\d+$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** parseGoBool is Go's strconv.ParseBool. */
function parseGoBool(s: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false;
  return undefined;
}

/**
 * decryptValue authenticates and decrypts one `ENC[…]` value bound to `aad` and types it back (str, int, float,
 * bool, time, bytes, comment). An empty string decrypts to an empty string, as in sops. Errors name `where` (the
 * key path) but never the plaintext.
 */
export function decryptValue(text: string, key: Uint8Array, aad: string, where: string): Leaf {
  if (text === '') return '';
  const m = ENC_RE.exec(text);
  if (!m) throw new SopsDecryptError(`${where}: value is not in sops' encrypted format`);
  const data = b64(m[1] ?? '', 'data', where);
  const iv = b64(m[2] ?? '', 'iv', where);
  const tag = b64(m[3] ?? '', 'tag', where);
  const type = m[4] ?? '';
  if (iv.length === 0 || tag.length !== TAG_SIZE) {
    throw new SopsDecryptError(`${where}: the iv or tag of the encrypted value has a wrong length`);
  }
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_SIZE });
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(tag);
    plain = Buffer.concat([decipher.update(data), decipher.final()]);
  } catch (err) {
    throw new SopsDecryptError(`${where}: authenticated decryption failed (tampered value or wrong data key)`, {
      cause: err instanceof Error ? new Error(err.message) : undefined,
    });
  }
  const text8 = (): string => plain.toString('utf8');
  switch (type) {
    case 'str':
      try {
        return utf8.decode(plain);
      } catch {
        return new Uint8Array(plain);
      }
    case 'bytes':
      return new Uint8Array(plain);
    case 'comment':
      return new Comment(text8());
    case 'int': {
      const s = text8();
      const n = INT_RE.test(s) ? BigInt(s) : undefined;
      if (n === undefined || n < INT64_MIN || n > INT64_MAX) {
        throw new SopsDecryptError(`${where}: decrypted value of type int is not an integer`);
      }
      return n;
    }
    case 'float': {
      const s = text8();
      const n = /^[+-]?(inf|infinity)$/i.test(s)
        ? s.startsWith('-')
          ? -Infinity
          : Infinity
        : /^nan$/i.test(s)
          ? NaN
          : /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)
            ? Number(s)
            : undefined;
      if (n === undefined) {
        throw new SopsDecryptError(`${where}: decrypted value of type float is not a number`);
      }
      return n;
    }
    case 'bool': {
      const b = parseGoBool(text8());
      if (b === undefined) throw new SopsDecryptError(`${where}: decrypted value of type bool is not a boolean`);
      return b;
    }
    case 'time':
      return new TimeValue(text8());
    default:
      throw new SopsDecryptError(`${where}: unknown value type ${JSON.stringify(type.slice(0, 20))}`);
  }
}
