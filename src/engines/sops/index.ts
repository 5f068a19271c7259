/**
 * The SOPS engine: decrypt and encrypt documents exactly as the sops CLI (3.x) does, for YAML, JSON, dotenv, INI
 * and binary files, with age and OpenPGP master keys, key groups and Shamir sharing. Pure: no network or disk;
 * key material is passed in.
 *
 * @example
 * const keys = [new AgeKeyService(parseAgeIdentities(identityFileText))];
 * const plain = await decrypt(encryptedBytes, { format: 'yaml', keys });
 * const enc = await encrypt(plain, { format: 'yaml', recipients: [new AgeRecipient('age1…')] });
 */
export {
  decrypt,
  encrypt,
  isEncrypted,
  SOPS_FORMAT_VERSION,
  type DecryptOptions,
  type EncryptOptions,
} from './document.ts';
export {
  decryptGeneratorSource,
  decryptResourceJson,
  decryptSecretField,
  decryptWithSecret,
  isSopsResource,
  AWS_KMS_ENTRY,
  keyServicesFromSecret,
  secretFieldFormat,
  type KeyServicesOptions,
  type FluxDecryptOptions,
  type SecretData,
} from './flux.ts';
export { detectFormat, formatForPath, hasMarker, parseFormat } from './format.ts';
export { FORMATS, type Format } from './stores/store.ts';
export type { Rules } from './metadata.ts';
export { AgeKeyService, AgeRecipient, parseAgeIdentities } from './keys/age.ts';
export { PgpKeyService, PgpRecipient } from './keys/pgp.ts';
export {
  AwsKmsKeyService,
  AwsKmsRecipient,
  parseAwsCredentials,
  parseKmsArns,
  regionOf,
  type AwsCredentials,
  type AwsKmsKeySpec,
  type KmsApi,
  type KmsRequest,
} from './keys/awskms.ts';
export {
  KEY_TYPES,
  UNSUPPORTED_KEY_TYPES,
  type KeyService,
  type KeyType,
  type MasterKey,
  type Recipient,
} from './keys/keyservice.ts';
export {
  SopsDecryptError,
  SopsError,
  SopsFormatError,
  SopsKeyError,
  SopsMacError,
  SopsMetadataError,
} from './errors.ts';
