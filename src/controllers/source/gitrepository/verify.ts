import type { CloneResult } from '../../../fetchers/git/index.ts';
import { GitVerificationError, verifySignature } from '../../../fetchers/git/index.ts';

type Cloned = Extract<CloneResult, { kind: 'cloned' }>;

/** VerifyMode is `spec.verify.mode`; `head` is the legacy spelling of `HEAD`. */
export type VerifyMode = 'head' | 'HEAD' | 'Tag' | 'TagAndHEAD';

/**
 * verifyCheckout checks the PGP signatures `spec.verify.mode` asks for against the public keys of the
 * verification Secret (every value except `*.sshpub` entries is read as armoured PGP keys, as Flux does) and
 * returns the success message naming the keys. SSH signatures are not supported yet: a Secret with only SSH keys
 * fails with a message saying so.
 */
export async function verifyCheckout(
  mode: VerifyMode,
  result: Cloned,
  secret: Record<string, Uint8Array>,
): Promise<string> {
  const pgpKeys = Object.entries(secret)
    .filter(([name]) => !name.endsWith('.sshpub'))
    .map(([, value]) => Buffer.from(value).toString('utf8'));
  if (pgpKeys.length === 0) {
    throw new GitVerificationError(
      'no PGP public keys in the verification Secret (SSH signature verification is not supported yet)',
    );
  }
  const verified: string[] = [];
  if (mode === 'Tag' || mode === 'TagAndHEAD') {
    if (!result.tagObject) {
      throw new GitVerificationError(
        `cannot verify tag: revision '${result.revision}' does not point to an annotated tag`,
      );
    }
    const { keyId } = await verifySignature(result.tagObject, pgpKeys);
    verified.push(`tag '${result.refName}' with key '${keyId}'`);
  }
  if (mode === 'head' || mode === 'HEAD' || mode === 'TagAndHEAD') {
    const { keyId } = await verifySignature(result.commitObject, pgpKeys);
    verified.push(`commit '${result.commit}' with key '${keyId}'`);
  }
  return `verified signature of\n\t- ${verified.join('\n\t- ')}`;
}
