import { decrypt } from './document.ts';
import { SopsKeyError } from './errors.ts';
import { detectFormat, formatForPath, hasMarker } from './format.ts';
import { AgeKeyService, parseAgeIdentities } from './keys/age.ts';
import { AwsKmsKeyService, parseAwsCredentials, type AwsCredentials, type KmsApi } from './keys/awskms.ts';
import type { KeyService } from './keys/keyservice.ts';
import { PgpKeyService } from './keys/pgp.ts';
import type { Format } from './stores/store.ts';

/**
 * The entry points of the Kustomization decryption step, following Flux's kustomize-controller
 * (internal/decryptor): keys from the decryption Secret, Secret manifests with sops metadata, Secret `data` values
 * that are themselves sops documents, and secretGenerator files and env files.
 */

/** SecretData is a Kubernetes Secret's `data`: values base64-decoded, or still base64 when read from the API. */
export type SecretData = Record<string, Uint8Array | string>;

/** KeyServicesOptions: how the cloud key services reach their APIs (the engine itself has no network access). */
export interface KeyServicesOptions {
  /** kms makes the AWS KMS client for the `sops.aws-kms` credentials (fetchers/aws-kms `awsKmsApi`). */
  kms?: (credentials: AwsCredentials) => KmsApi;
}

/** AWS_KMS_ENTRY is the decryption Secret entry with static AWS credentials (Flux `DecryptionAWSKmsFile`). */
export const AWS_KMS_ENTRY = 'sops.aws-kms';

/**
 * keyServicesFromSecret builds key services from a decryption Secret the way Flux reads it: every `*.agekey`
 * entry holds age identities, every `*.asc` entry armored PGP private keys, and `sops.aws-kms` static AWS
 * credentials (YAML `aws_access_key_id`, `aws_secret_access_key`, `aws_session_token`) for `kms` entries. The
 * other cloud entries (`sops.azure-kv`, `sops.gcp-kms`, `sops.vault-token`) are not supported and are ignored, as
 * are all other entries. String values are taken as base64 (as in a Secret object's `data`). Errors name the
 * Secret and the entry, never its content.
 */
export function keyServicesFromSecret(
  data: SecretData,
  secretName = 'decryption secret',
  options: KeyServicesOptions = {},
): KeyService[] {
  const ageIds: string[] = [];
  const pgpKeys: string[] = [];
  const services: KeyService[] = [];
  for (const [name, raw] of Object.entries(data)) {
    const text = (typeof raw === 'string' ? Buffer.from(raw, 'base64') : Buffer.from(raw)).toString('utf8');
    if (name.endsWith('.agekey')) {
      const ids = parseAgeIdentities(text);
      if (ids.length === 0) throw new SopsKeyError(`${secretName}: entry ${name} holds no age identity`);
      ageIds.push(...ids);
    } else if (name.endsWith('.asc')) pgpKeys.push(text);
    else if (name === AWS_KMS_ENTRY) {
      let credentials;
      try {
        credentials = parseAwsCredentials(text);
      } catch (err) {
        throw new SopsKeyError(`failed to import '${name}' data from decryption Secret '${secretName}'`, {
          cause: err,
        });
      }
      if (!options.kms) {
        throw new SopsKeyError(`${secretName}: entry ${name} needs AWS KMS, which this caller does not provide`);
      }
      services.push(new AwsKmsKeyService(options.kms(credentials)));
    }
  }
  if (ageIds.length > 0) {
    try {
      services.push(new AgeKeyService(ageIds));
    } catch (err) {
      throw new SopsKeyError(`${secretName}: invalid age identity in an .agekey entry`, { cause: err });
    }
  }
  if (pgpKeys.length > 0) services.push(new PgpKeyService(pgpKeys));
  return services;
}

/** FluxDecryptOptions: whether to check the MAC (Flux does not by default: kustomize edits cleartext fields). */
export interface FluxDecryptOptions {
  verifyMac?: boolean;
}

/**
 * decryptWithSecret decrypts a document with the keys of a decryption Secret (see keyServicesFromSecret).
 */
export async function decryptWithSecret(
  document: Uint8Array,
  format: Format,
  data: SecretData,
  secretName?: string,
): Promise<Uint8Array> {
  return decrypt(document, { format, keys: keyServicesFromSecret(data, secretName) });
}

/**
 * isSopsResource tells whether a built resource (as a plain object) carries sops metadata with a MAC, which is
 * how Flux decides to decrypt it; such resources are decrypted as JSON (decryptResourceJson).
 */
export function isSopsResource(resource: Record<string, unknown>): boolean {
  const sops = resource['sops'];
  if (typeof sops !== 'object' || sops === null || Array.isArray(sops)) return false;
  const mac = (sops as Record<string, unknown>)['mac'];
  return mac !== undefined && mac !== null && mac !== '';
}

/** decryptResourceJson decrypts a resource serialized as JSON and returns it as JSON, as Flux does. */
export function decryptResourceJson(
  json: Uint8Array,
  keys: KeyService[],
  options: FluxDecryptOptions = {},
): Promise<Uint8Array> {
  return decrypt(json, { format: 'json', keys, verifyMac: options.verifyMac ?? false });
}

/** secretFieldFormat is the output format for a Secret data key: by extension, `.dockerconfigjson` as JSON. */
export function secretFieldFormat(key: string): Format {
  return key.endsWith('.dockerconfigjson') ? 'json' : formatForPath(key);
}

/**
 * decryptSecretField decrypts one decoded Secret `data` value when it is a sops document (format detected from its
 * marker bytes), emitting it in the format its key's extension names; it returns undefined for other values.
 */
export async function decryptSecretField(
  key: string,
  value: Uint8Array,
  keys: KeyService[],
  options: FluxDecryptOptions = {},
): Promise<Uint8Array | undefined> {
  const format = detectFormat(value);
  if (!format) return undefined;
  return decrypt(value, { format, outputFormat: secretFieldFormat(key), keys, verifyMac: options.verifyMac ?? false });
}

/**
 * decryptGeneratorSource decrypts a secretGenerator source file in the format Flux picks (`files`: pass the key,
 * whose extension names it, `.dockerconfigjson` as JSON; `envs`: by the file's extension, dotenv when unknown), if
 * it carries that format's sops marker; it returns undefined for plaintext files.
 */
export async function decryptGeneratorSource(
  path: string,
  kind: 'file' | 'env',
  data: Uint8Array,
  keys: KeyService[],
  options: FluxDecryptOptions = {},
): Promise<Uint8Array | undefined> {
  let format = kind === 'file' ? secretFieldFormat(path) : formatForPath(path);
  if (kind === 'env' && format === 'binary') format = 'dotenv';
  if (!hasMarker(data, format)) return undefined;
  return decrypt(data, { format, keys, verifyMac: options.verifyMac ?? false });
}
