import { createHash, timingSafeEqual } from 'node:crypto';

import { RE2JS } from 're2js';

import { decryptValue, encryptValue, toBytes } from './cipher.ts';
import { SopsDecryptError, SopsError, SopsMacError } from './errors.ts';
import { macAdditionalData, type Metadata, type Rules } from './metadata.ts';
import type { Branch } from './tree.ts';
import { Comment, type Scalar } from './tree.ts';
import { encryptionPredicate, walkBranches } from './walk.ts';

/** MAC_ONLY_ENCRYPTED_INIT seeds the MAC of `mac_only_encrypted` documents, as sops does, so the modes differ. */
const MAC_ONLY_ENCRYPTED_INIT = Buffer.from([
  0x8a, 0x3f, 0xd2, 0xad, 0x54, 0xce, 0x66, 0x52, 0x7b, 0x10, 0x34, 0xf3, 0xd1, 0x47, 0xbe, 0x0b, 0x0b, 0x97, 0x5b,
  0x3b, 0xf4, 0x4f, 0x72, 0xc6, 0xfd, 0xad, 0xec, 0x81, 0x76, 0xf2, 0x7d, 0x69,
]);

function newHash(rules: Rules): ReturnType<typeof createHash> {
  const h = createHash('sha512');
  if (rules.macOnlyEncrypted) h.update(MAC_ONLY_ENCRYPTED_INIT);
  return h;
}

function aad(path: string[]): string {
  return path.join(':') + ':';
}

function where(path: string[]): string {
  return path.length > 0 ? `value at ${path.join('.')}` : 'top-level comment';
}

/**
 * encryptBranches encrypts every value the rules select with the data key and returns the encrypted branches and
 * the MAC (upper-case hex SHA-512 over all values, or only the encrypted ones with mac_only_encrypted).
 */
export function encryptBranches(
  branches: Branch[],
  rules: Rules,
  key: Uint8Array,
): { branches: Branch[]; mac: string } {
  const should = encryptionPredicate(rules);
  const hash = newHash(rules);
  const out = walkBranches(branches, (leaf, path, comments) => {
    const isComment = leaf instanceof Comment;
    const encrypted = should(path, comments, isComment);
    if ((!rules.macOnlyEncrypted || encrypted) && !isComment && leaf !== null) hash.update(toBytes(leaf));
    if (!encrypted || leaf === null) return leaf;
    const text = encryptValue(leaf, key, aad(path));
    if (isComment && rules.unencryptedCommentRegex) {
      if (RE2JS.compile(rules.unencryptedCommentRegex).matcher(text).find()) {
        throw new SopsError('sops encrypt: an encrypted comment matches unencrypted_comment_regex; narrow the regex');
      }
    }
    return text;
  });
  return { branches: out, mac: hash.digest('hex').toUpperCase() };
}

/**
 * decryptBranches decrypts every value the rules select and recomputes the MAC. Any value that fails
 * authentication throws (naming its key path only). Comments that do not decrypt are kept as they are, like sops
 * does for files written before comments were encrypted; comments are not covered by the MAC.
 */
export function decryptBranches(
  branches: Branch[],
  rules: Rules,
  key: Uint8Array,
): { branches: Branch[]; mac: string } {
  const should = encryptionPredicate(rules);
  const hash = newHash(rules);
  const out = walkBranches(branches, (leaf, path, comments) => {
    const isComment = leaf instanceof Comment;
    const encrypted = should(path, comments, isComment);
    let v: Scalar | Comment = leaf;
    if (encrypted) {
      if (leaf instanceof Comment) {
        try {
          v = decryptValue(leaf.value, key, aad(path), where(path));
        } catch {
          v = leaf;
        }
      } else if (typeof leaf === 'string') {
        v = decryptValue(leaf, key, aad(path), where(path));
      } else if (leaf !== null) {
        throw new SopsDecryptError(`${where(path)}: expected an encrypted string, found a plain value`);
      }
    }
    if ((!rules.macOnlyEncrypted || encrypted) && !(v instanceof Comment) && v !== null) hash.update(toBytes(v));
    return v;
  });
  return { branches: out, mac: hash.digest('hex').toUpperCase() };
}

/** encryptMac encrypts the MAC bound to lastmodified, as stored in the `mac` field. */
export function encryptMac(mac: string, key: Uint8Array, lastModified: string): string {
  return encryptValue(mac, key, macAdditionalData(lastModified));
}

/**
 * verifyMac decrypts the stored MAC and compares it with the computed one; any failure (missing MAC, tampered
 * MAC, mismatch) throws SopsMacError, so callers fail closed.
 */
export function verifyMac(md: Metadata, computed: string, key: Uint8Array): void {
  if (!md.mac) throw new SopsMacError('sops MAC check: the document has no MAC');
  let stored: unknown;
  try {
    stored = decryptValue(md.mac, key, macAdditionalData(md.lastModified), 'mac');
  } catch (err) {
    throw new SopsMacError('sops MAC check: the stored MAC cannot be decrypted (tampered MAC or lastmodified)', {
      cause: err,
    });
  }
  const a = Buffer.from(typeof stored === 'string' ? stored : '', 'utf8');
  const b = Buffer.from(computed, 'utf8');
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    throw new SopsMacError('sops MAC check: MAC mismatch, the document was modified after it was encrypted');
  }
}
