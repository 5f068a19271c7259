// OpenSSH reads PKCS#8 PEM private keys for RSA and ECDSA but not for ed25519 ("Load key: invalid format"), while
// Flux (Go's x/crypto/ssh) reads them all, and `flux create secret git --ssh-key-algorithm=ed25519` writes exactly
// such a key. Before an identity goes to ssh, an ed25519 key in PKCS#8 is re-encoded in OpenSSH's own format.
import { createPrivateKey, randomBytes } from 'node:crypto';

const sshString = (b: Buffer): Buffer => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  return Buffer.concat([len, b]);
};

/**
 * opensshIdentity returns the identity as ssh can load it: an unencrypted PKCS#8 ed25519 key becomes an
 * `openssh-key-v1` key (PROTOCOL.key: no cipher, no KDF, one key, padded with 1, 2, 3… to 8 bytes); any other key
 * is returned unchanged.
 */
export function opensshIdentity(identity: string): string {
  if (!identity.includes('-----BEGIN PRIVATE KEY-----')) return identity;
  let jwk: { d?: string; x?: string };
  try {
    const key = createPrivateKey(identity);
    if (key.asymmetricKeyType !== 'ed25519') return identity;
    jwk = key.export({ format: 'jwk' });
  } catch {
    return identity; // ssh reports what it cannot read, classified by classify.ts
  }
  const seed = Buffer.from(jwk.d ?? '', 'base64url');
  const pub = Buffer.from(jwk.x ?? '', 'base64url');
  const wire = Buffer.concat([sshString(Buffer.from('ssh-ed25519')), sshString(pub)]);
  const check = randomBytes(4);
  let body = Buffer.concat([
    check,
    check,
    sshString(Buffer.from('ssh-ed25519')),
    sshString(pub),
    sshString(Buffer.concat([seed, pub])),
    sshString(Buffer.alloc(0)),
  ]);
  body = Buffer.concat([body, Buffer.from(Array.from({ length: (8 - (body.length % 8)) % 8 }, (_, i) => i + 1))]);
  const none = sshString(Buffer.from('none'));
  const count = Buffer.from([0, 0, 0, 1]);
  const blob = Buffer.concat([
    Buffer.from('openssh-key-v1\0'),
    none,
    none,
    sshString(Buffer.alloc(0)),
    count,
    sshString(wire),
    sshString(body),
  ]);
  const lines = blob.toString('base64').match(/.{1,70}/g) ?? [];
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${lines.join('\n')}\n-----END OPENSSH PRIVATE KEY-----\n`;
}
