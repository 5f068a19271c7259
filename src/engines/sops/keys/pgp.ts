import type * as OpenPGP from 'openpgp';

import { SopsKeyError } from '../errors.ts';
import { attr, type KeyService, type MasterKey, type Recipient } from './keyservice.ts';

/** pgp loads openpgp on first use: it is large, and most runs only need age. */
function pgp(): Promise<typeof OpenPGP> {
  return import('openpgp');
}

/**
 * PgpKeyService unwraps sops data keys wrapped with OpenPGP, from armored private keys (the `*.asc` entries Flux
 * reads, each of which may hold several keys). Keys protected by a passphrase need `passphrase`.
 */
export class PgpKeyService implements KeyService {
  readonly type = 'pgp' as const;
  private readonly armored: string[];
  private readonly passphrase: string | undefined;
  private keys: Promise<OpenPGP.PrivateKey[]> | undefined;

  constructor(armoredPrivateKeys: string[], options: { passphrase?: string } = {}) {
    this.armored = armoredPrivateKeys;
    this.passphrase = options.passphrase;
  }

  private load(): Promise<OpenPGP.PrivateKey[]> {
    this.keys ??= (async () => {
      const openpgp = await pgp();
      const out: OpenPGP.PrivateKey[] = [];
      for (const [i, text] of this.armored.entries()) {
        let keys: OpenPGP.PrivateKey[];
        try {
          keys = await openpgp.readPrivateKeys({ armoredKeys: text });
        } catch (err) {
          throw new SopsKeyError(`PGP private key #${i + 1}: not an armored OpenPGP private key`, {
            cause: sanitize(err),
          });
        }
        for (const k of keys) {
          if (k.isDecrypted()) out.push(k);
          else if (this.passphrase !== undefined) {
            try {
              out.push(await openpgp.decryptKey({ privateKey: k, passphrase: this.passphrase }));
            } catch (err) {
              throw new SopsKeyError(`PGP private key ${k.getFingerprint().toUpperCase()}: wrong passphrase`, {
                cause: sanitize(err),
              });
            }
          } else {
            throw new SopsKeyError(`PGP private key ${k.getFingerprint().toUpperCase()}: protected by a passphrase`, {
              hint: 'provide the passphrase, or use a key without one as Flux expects',
            });
          }
        }
      }
      return out;
    })();
    return this.keys;
  }

  async decrypt(key: MasterKey): Promise<Uint8Array> {
    const who = `PGP key ${attr(key, 'fp') || '(no fingerprint)'}`;
    const keys = await this.load();
    if (keys.length === 0) throw new SopsKeyError(`${who}: no PGP private keys were provided`);
    const openpgp = await pgp();
    let message: OpenPGP.Message<Uint8Array>;
    try {
      message = await openpgp.readMessage({ armoredMessage: key.enc });
    } catch (err) {
      throw new SopsKeyError(`${who}: the wrapped data key is not an armored OpenPGP message`, {
        cause: sanitize(err),
      });
    }
    try {
      // openpgp's overloaded signatures defeat type inference; check the result's shape instead.
      const result: unknown = await openpgp.decrypt({ message, decryptionKeys: keys, format: 'binary' });
      const data = (result as { data?: unknown }).data;
      if (!(data instanceof Uint8Array)) throw new Error('unexpected decryption result');
      return data;
    } catch (err) {
      throw new SopsKeyError(`${who}: none of the ${keys.length} PGP private keys can unwrap the data key`, {
        cause: sanitize(err),
      });
    }
  }
}

/** PgpRecipient wraps data keys for one OpenPGP public key, recorded by its upper-case fingerprint as sops does. */
export class PgpRecipient implements Recipient {
  readonly type = 'pgp' as const;
  readonly describe: string;
  private readonly key: OpenPGP.Key;

  private constructor(key: OpenPGP.Key) {
    this.key = key;
    this.describe = key.getFingerprint().toUpperCase();
  }

  /** fromArmored reads every public (or private: only its public part is used) key in an armored block. */
  static async fromArmored(armored: string): Promise<PgpRecipient[]> {
    const openpgp = await pgp();
    try {
      const keys = await openpgp.readKeys({ armoredKeys: armored });
      return keys.map((k) => new PgpRecipient(k.toPublic()));
    } catch (err) {
      throw new SopsKeyError('PGP public key: not an armored OpenPGP key', { cause: sanitize(err) });
    }
  }

  async encrypt(dataKey: Uint8Array): Promise<MasterKey> {
    const openpgp = await pgp();
    try {
      const message = await openpgp.createMessage({ binary: dataKey });
      const enc: unknown = await openpgp.encrypt({ message, encryptionKeys: this.key, format: 'armored' });
      if (typeof enc !== 'string') throw new Error('unexpected encryption result');
      return {
        type: 'pgp',
        // sops stores the armor without its final newline.
        enc: enc.replace(/\n$/, ''),
        attrs: { created_at: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), fp: this.describe },
      };
    } catch (err) {
      throw new SopsKeyError(`PGP key ${this.describe}: could not wrap the data key`, { cause: sanitize(err) });
    }
  }
}

function sanitize(err: unknown): Error {
  return new Error(err instanceof Error ? err.message : String(err));
}
