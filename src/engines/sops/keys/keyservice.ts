/**
 * Master keys and the services that unwrap them. A document's data key is stored once per master key
 * (`MasterKey.enc`); a KeyService holding matching private material turns such a stanza back into the data key
 * (or, with several key groups, into its Shamir share). A Recipient wraps a fresh data key into a new stanza.
 *
 * age, PGP and AWS KMS implement both. GCP KMS, Azure Key Vault, HashiCorp Vault transit and HuaweiCloud KMS
 * stanzas are parsed and preserved (`type` and `attrs`), so a service for each can plug in by implementing these
 * two interfaces; they are not implemented (UNSUPPORTED_KEY_TYPES), for want of a server to test them against.
 * Network access happens only inside a key service (AWS KMS), never elsewhere in the engine.
 */

/** KEY_TYPES are the metadata list names sops uses for each kind of master key. */
export const KEY_TYPES = ['age', 'pgp', 'kms', 'gcp_kms', 'azure_kv', 'hc_vault', 'hckms'] as const;

/** UNSUPPORTED_KEY_TYPES are the master keys fluxts cannot use: a document needs another key to be decrypted. */
export const UNSUPPORTED_KEY_TYPES: readonly KeyType[] = ['gcp_kms', 'azure_kv', 'hc_vault', 'hckms'];

/** KeyType names a kind of master key, as the list name in sops metadata (`age`, `pgp`, `kms`, …). */
export type KeyType = (typeof KEY_TYPES)[number];

/** AttrValue is a master-key attribute: text, or a string map (AWS KMS encryption context). */
export type AttrValue = string | Record<string, string>;

/**
 * MasterKey is one stanza of sops metadata: its type, the wrapped data key `enc`, and the type's other attributes
 * exactly as stored (`recipient` for age; `fp` and `created_at` for PGP; `arn`, `role`, … for the clouds).
 */
export interface MasterKey {
  type: KeyType;
  enc: string;
  attrs: Record<string, AttrValue>;
}

/** KeyService unwraps data keys from the stanzas of one key type, using private material it was given. */
export interface KeyService {
  readonly type: KeyType;
  /**
   * decrypt returns the plaintext data key (or share) wrapped in `key`. It throws a SopsKeyError when it holds no
   * matching private key or the stanza is damaged; the error never contains key material.
   */
  decrypt(key: MasterKey): Promise<Uint8Array>;
}

/** Recipient wraps a data key for one master key, producing the stanza to store in the document's metadata. */
export interface Recipient {
  readonly type: KeyType;
  /** describe names the recipient in errors (public information: an age recipient or a PGP fingerprint). */
  readonly describe: string;
  encrypt(dataKey: Uint8Array): Promise<MasterKey>;
}

/** attr reads a string attribute of a stanza ('' when absent). */
export function attr(key: MasterKey, name: string): string {
  const v = key.attrs[name];
  return typeof v === 'string' ? v : '';
}

/** describeKey names a stanza in error messages with public information only. */
export function describeKey(key: MasterKey): string {
  const id =
    attr(key, 'recipient') ||
    attr(key, 'fp') ||
    attr(key, 'arn') ||
    attr(key, 'resource_id') ||
    attr(key, 'key_name') ||
    attr(key, 'name') ||
    attr(key, 'key_id');
  return id ? `${key.type} key ${id}` : `${key.type} key`;
}
