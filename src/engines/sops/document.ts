import { decryptBranches, encryptBranches, encryptMac, verifyMac } from './crypt.ts';
import { newDataKey, recoverDataKey, wrapDataKey } from './datakey.ts';
import { SopsError, SopsFormatError, SopsMetadataError } from './errors.ts';
import { storeFor } from './format.ts';
import type { KeyService, Recipient } from './keys/keyservice.ts';
import type { Metadata, Rules } from './metadata.ts';
import type { Format } from './stores/store.ts';

/** SOPS_FORMAT_VERSION is the sops version recorded in documents we encrypt: the file format we write is its. */
export const SOPS_FORMAT_VERSION = '3.13.3';

/** DecryptOptions name the document format and the key services holding private keys. */
export interface DecryptOptions {
  format: Format;
  keys: KeyService[];
  /** outputFormat emits the plaintext in another format (as `sops decrypt --output-type`); default: `format`. */
  outputFormat?: Format;
  /**
   * verifyMac checks the document's MAC (default true). Flux's kustomize-controller turns it off for resources
   * after the kustomize build, which rewrites cleartext fields (labels, namespace); every encrypted value is still
   * authenticated with its key path.
   */
  verifyMac?: boolean;
}

/**
 * decrypt decrypts a sops document and returns the plaintext document as `sops decrypt` prints it. It fails closed:
 * on any missing key, failed value authentication or MAC mismatch it throws a SopsError and returns nothing.
 */
export async function decrypt(data: Uint8Array, options: DecryptOptions): Promise<Uint8Array> {
  const store = storeFor(options.format);
  const { branches, metadata } = wrap(() => store.loadEncrypted(data), options.format);
  const key = await recoverDataKey(metadata, options.keys);
  const result = decryptBranches(branches, metadata, key);
  if (options.verifyMac !== false) verifyMac(metadata, result.mac, key);
  const out = options.outputFormat ?? options.format;
  return wrap(() => storeFor(out).emitPlain(result.branches), out);
}

/** EncryptOptions: the format, recipients by key group, and the encryption rules. */
export interface EncryptOptions {
  format: Format;
  /** recipients of a single key group; use `keyGroups` for several groups with Shamir sharing. */
  recipients?: Recipient[];
  keyGroups?: Recipient[][];
  shamirThreshold?: number;
  rules?: Rules;
}

/** encrypt encrypts a plaintext document into a sops document that the sops CLI decrypts. */
export async function encrypt(data: Uint8Array, options: EncryptOptions): Promise<Uint8Array> {
  const store = storeFor(options.format);
  const rules = options.rules ?? {};
  const set = [
    rules.unencryptedSuffix,
    rules.encryptedSuffix,
    rules.unencryptedRegex,
    rules.encryptedRegex,
    rules.unencryptedCommentRegex,
    rules.encryptedCommentRegex,
  ].filter((r) => r);
  if (set.length > 1) {
    throw new SopsError(
      'sops encrypt: use only one of encrypted_suffix, unencrypted_suffix, encrypted_regex, unencrypted_regex, encrypted_comment_regex, unencrypted_comment_regex',
    );
  }
  const effective: Rules = set.length === 0 ? { ...rules, unencryptedSuffix: '_unencrypted' } : rules;
  const branches = wrap(() => store.loadPlain(data), options.format);
  if (store.hasMetadata(branches)) throw new SopsMetadataError('sops encrypt: the document is already encrypted');
  const groups = options.keyGroups ?? (options.recipients ? [options.recipients] : []);
  const dataKey = newDataKey();
  const { keyGroups, shamirThreshold } = await wrapDataKey(dataKey, groups, options.shamirThreshold);
  const { branches: enc, mac } = encryptBranches(branches, effective, dataKey);
  const lastModified = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const metadata: Metadata = {
    ...effective,
    keyGroups,
    shamirThreshold,
    lastModified,
    mac: encryptMac(mac, dataKey, lastModified),
    version: SOPS_FORMAT_VERSION,
  };
  return store.emitEncrypted(enc, metadata);
}

/**
 * isEncrypted tells whether a document carries sops metadata (a `sops` key, `[sops]` section or `sops_` keys);
 * unparseable input is not a sops document.
 */
export function isEncrypted(data: Uint8Array, format: Format): boolean {
  // An encrypted binary file is a JSON document; its plaintext is opaque bytes.
  const store = storeFor(format === 'binary' ? 'json' : format);
  try {
    return store.hasMetadata(store.loadPlain(data));
  } catch {
    return false;
  }
}

function wrap<T>(f: () => T, format: Format): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof SopsError) throw err;
    throw new SopsFormatError(`${format} document: cannot be parsed`, { cause: err });
  }
}
