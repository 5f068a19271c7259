import type * as OpenPGP from 'openpgp';
import { GitVerificationError } from './errors.ts';
import type { SignedObject } from './objects.ts';

/** VerifiedSignature names the key that made a valid signature (upper-case hex key id, as Flux reports it). */
export interface VerifiedSignature {
  keyId: string;
}

/**
 * verifySignature checks a commit's or tag's PGP signature against armoured public keys (a GitRepository's
 * `spec.verify.secretRef` values) and returns the signing key id, or throws GitVerificationError.
 * @example await verifySignature(result.commitObject, [secret.data['author.asc']])
 */
export async function verifySignature(obj: SignedObject, armoredPublicKeys: string[]): Promise<VerifiedSignature> {
  const what = obj.type === 'commit' ? 'commit' : 'tag';
  if (obj.signature === undefined) throw new GitVerificationError(`${what} is not signed`);
  if (!obj.signature.startsWith('-----BEGIN PGP SIGNATURE-----')) {
    throw new GitVerificationError(`${what} signature is not an OpenPGP signature`);
  }
  // Loaded on first use: openpgp costs ~20 MiB of memory in every controller process, and most never verify.
  const openpgp = await import('openpgp');
  const keys: OpenPGP.PublicKey[] = [];
  for (const armored of armoredPublicKeys) {
    try {
      keys.push(...(await openpgp.readKeys({ armoredKeys: armored })));
    } catch (cause) {
      throw new GitVerificationError(`${what} verification failed: a public key could not be read`, { cause });
    }
  }
  if (keys.length === 0) throw new GitVerificationError(`${what} verification failed: no public keys given`);
  let signature: OpenPGP.Signature;
  try {
    signature = await openpgp.readSignature({ armoredSignature: obj.signature });
  } catch (cause) {
    throw new GitVerificationError(`${what} signature is malformed`, { cause });
  }
  const message = await openpgp.createMessage({ binary: new TextEncoder().encode(obj.payload) });
  const result = await openpgp.verify({ message, signature, verificationKeys: keys, expectSigned: false });
  const ids: string[] = [];
  for (const s of result.signatures) {
    const id = s.keyID.toHex().toUpperCase();
    ids.push(id);
    try {
      await s.verified;
      return { keyId: id };
    } catch {
      // try the next signature packet
    }
  }
  throw new GitVerificationError(
    `${what} signature${ids.length > 0 ? ` by key ${ids.join(', ')}` : ''} does not verify with the given keys`,
    { hint: 'add the signer’s public key to the Secret in spec.verify.secretRef' },
  );
}

/** verifyCommitSignature is verifySignature for a commit object. */
export const verifyCommitSignature = verifySignature;
