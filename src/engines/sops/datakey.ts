import { randomBytes } from 'node:crypto';

import { SopsKeyError } from './errors.ts';
import {
  describeKey,
  UNSUPPORTED_KEY_TYPES,
  type KeyService,
  type KeyType,
  type MasterKey,
  type Recipient,
} from './keys/keyservice.ts';
import type { Metadata } from './metadata.ts';
import { combine, split } from './shamir.ts';

/** DATA_KEY_SIZE is the length of sops' AES-256 data key. */
export const DATA_KEY_SIZE = 32;

/** DECRYPTION_ORDER is sops' default: age keys are tried first, then PGP, then the rest in file order. */
const DECRYPTION_ORDER: KeyType[] = ['age', 'pgp'];

function rank(k: MasterKey): number {
  const i = DECRYPTION_ORDER.indexOf(k.type);
  return i < 0 ? DECRYPTION_ORDER.length : i;
}

async function decryptGroup(group: MasterKey[], services: KeyService[]): Promise<Uint8Array> {
  const reasons: string[] = [];
  const ordered = group.map((k, i) => ({ k, i })).sort((a, b) => rank(a.k) - rank(b.k) || a.i - b.i);
  for (const { k } of ordered) {
    const usable = services.filter((s) => s.type === k.type);
    if (usable.length === 0) {
      reasons.push(
        UNSUPPORTED_KEY_TYPES.includes(k.type)
          ? `${describeKey(k)}: ${k.type} master keys are not supported`
          : k.type === 'kms'
            ? `${describeKey(k)}: no AWS credentials provided`
            : `${describeKey(k)}: no ${k.type} keys provided`,
      );
      continue;
    }
    for (const s of usable) {
      try {
        return await s.decrypt(k);
      } catch (err) {
        reasons.push(err instanceof Error ? err.message : String(err));
      }
    }
  }
  throw new SopsKeyError(reasons.join('; ') || 'empty key group');
}

/**
 * recoverDataKey unwraps the data key with the given key services: one key per group suffices; with several
 * groups, the Shamir shares of at least `shamir_threshold` groups are combined. The error lists, per group, which
 * master keys were tried (public identifiers only).
 */
export async function recoverDataKey(md: Metadata, services: KeyService[]): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  const failures: string[] = [];
  for (const [i, group] of md.keyGroups.entries()) {
    try {
      parts.push(await decryptGroup(group, services));
    } catch (err) {
      failures.push(`group ${i + 1}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  let key: Uint8Array;
  if (md.keyGroups.length > 1) {
    const need = md.shamirThreshold || md.keyGroups.length;
    if (parts.length < need) {
      throw new SopsKeyError(
        `sops data key: ${parts.length} of ${need} required key groups could be decrypted (${failures.join(' | ')})`,
      );
    }
    key = combine(parts);
  } else {
    const [part] = parts;
    if (!part) throw new SopsKeyError(`sops data key: cannot be decrypted (${failures.join(' | ')})`);
    key = part;
  }
  if (key.length !== DATA_KEY_SIZE) {
    throw new SopsKeyError(`sops data key: unwrapped key has ${key.length} bytes, expected ${DATA_KEY_SIZE}`);
  }
  return key;
}

/** newDataKey returns a fresh random data key. */
export function newDataKey(): Uint8Array {
  return new Uint8Array(randomBytes(DATA_KEY_SIZE));
}

/**
 * wrapDataKey wraps the data key for every recipient; with several groups the key is first split into one Shamir
 * share per group (threshold defaults to the number of groups, as in sops).
 */
export async function wrapDataKey(
  dataKey: Uint8Array,
  groups: Recipient[][],
  threshold?: number,
): Promise<{ keyGroups: MasterKey[][]; shamirThreshold: number }> {
  if (groups.length === 0 || groups.some((g) => g.length === 0)) {
    throw new SopsKeyError('sops encrypt: at least one recipient (age or PGP) is needed in every key group');
  }
  let shamirThreshold = 0;
  let parts: Uint8Array[] = [dataKey];
  if (groups.length > 1) {
    shamirThreshold = threshold || groups.length;
    parts = split(dataKey, groups.length, shamirThreshold);
  }
  const keyGroups = await Promise.all(
    groups.map((g, i) => Promise.all(g.map((r) => r.encrypt(parts[i] as Uint8Array)))),
  );
  return { keyGroups, shamirThreshold };
}
