import { FluxtsError } from '../../util/errors.ts';

/**
 * SopsError is the base of every error raised by the SOPS engine. Messages name the document or key they are
 * about and never contain decrypted values, data keys or private key material.
 */
export class SopsError extends FluxtsError {}

/** SopsFormatError says a document could not be parsed or emitted in its format (YAML, JSON, dotenv, INI, binary). */
export class SopsFormatError extends SopsError {}

/** SopsMetadataError says the `sops` metadata of a document is missing or malformed. */
export class SopsMetadataError extends SopsError {}

/** SopsKeyError says the data key could not be recovered (or protected) with the master keys at hand. */
export class SopsKeyError extends SopsError {}

/** SopsDecryptError says a value failed authenticated decryption: tampered data, wrong data key, or bad encoding. */
export class SopsDecryptError extends SopsError {}

/** SopsMacError says the document's MAC does not match its content: the file was tampered with. */
export class SopsMacError extends SopsError {}
