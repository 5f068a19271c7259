// OpenPGP commit signing for image-automation-controller's `git.commit.signingKey` (type gpg): the armoured
// private key of a Secret (`git.asc`, with `passphrase` when it is encrypted) signs the commit object with a
// detached signature, as Flux signs with go-crypto: no gpg binary, agent or keyring is involved. Errors name the
// Secret, never the key or the passphrase.
import type * as OpenPGP from 'openpgp';

import { GitBadSecretError } from './errors.ts';

/** SIGNING_KEY_FIELD and SIGNING_PASSPHRASE_FIELD are Flux's Secret keys for a gpg signing key. */
export const SIGNING_KEY_FIELD = 'git.asc';
export const SIGNING_PASSPHRASE_FIELD = 'passphrase';

/** CommitSigner turns the bytes of a commit object into an ASCII-armoured detached signature. */
export type CommitSigner = (payload: string) => Promise<string>;

/**
 * openPgpSigner reads the signing key of a Secret's data (already base64-decoded) and returns a signer. Throws
 * GitBadSecretError with Flux's messages: no `git.asc`, unreadable key, several keys, encrypted key without a
 * passphrase, wrong passphrase.
 * @example const sign = await openPgpSigner('signing-key', secretData); const sig = await sign(payload);
 */
export async function openPgpSigner(secretName: string, data: Record<string, string>): Promise<CommitSigner> {
  const armored = data[SIGNING_KEY_FIELD];
  if (armored === undefined) {
    throw new GitBadSecretError(`signing key secret '${secretName}' does not contain a '${SIGNING_KEY_FIELD}' key`);
  }
  // Loaded on first use, as verify.ts does: openpgp is heavy and most controllers never sign.
  const openpgp = await import('openpgp');
  let keys: OpenPGP.PrivateKey[];
  try {
    keys = await openpgp.readPrivateKeys({ armoredKeys: armored });
  } catch (cause) {
    throw new GitBadSecretError(`could not read signing key from secret '${secretName}'`, { cause });
  }
  if (keys.length !== 1) {
    throw new GitBadSecretError(
      `multiple entities read from secret '${secretName}', could not determine which signing key to use`,
    );
  }
  let key = keys[0]!;
  if (!key.isDecrypted()) {
    const passphrase = data[SIGNING_PASSPHRASE_FIELD];
    if (passphrase === undefined) {
      throw new GitBadSecretError(
        `can not use passphrase protected signing key without '${SIGNING_PASSPHRASE_FIELD}' field present in secret ${secretName}`,
      );
    }
    try {
      key = await openpgp.decryptKey({ privateKey: key, passphrase });
    } catch (cause) {
      // openpgp's message says only "incorrect key passphrase"; it never holds the passphrase itself.
      throw new GitBadSecretError(
        `could not decrypt private key of the signing key present in secret ${secretName}: incorrect key passphrase`,
        { cause },
      );
    }
  }
  const signingKey = key;
  // openpgp's return type is conditional on stream types the lint's program cannot resolve; the binary message
  // given here always yields a string.
  const detachedSign = openpgp.sign as (
    options: OpenPGP.SignOptions & { message: OpenPGP.Message<Uint8Array>; format: 'armored' },
  ) => Promise<string>;
  return async (payload) => {
    const message = await openpgp.createMessage({ binary: new TextEncoder().encode(payload) });
    return detachedSign({ message, signingKeys: signingKey, detached: true, format: 'armored' });
  };
}

/**
 * withSignature inserts a `gpgsig` header into a commit object, after the committer line, as git writes it:
 * the signature's lines after the first are indented by one space.
 */
export function withSignature(commitObject: string, signature: string): string {
  const split = commitObject.indexOf('\n\n');
  const headers = split < 0 ? commitObject : commitObject.slice(0, split);
  const body = split < 0 ? '' : commitObject.slice(split);
  const lines = signature.trimEnd().split('\n');
  const header = [`gpgsig ${lines[0]}`, ...lines.slice(1).map((l) => ` ${l}`)].join('\n');
  return `${headers}\n${header}${body}`;
}
