/**
 * Private keys as Sprig makes and reads them: generation (`rsa` 4096, `dsa` L2048N256, `ecdsa` P-256, `ed25519`),
 * PEM encodings as Go writes them (PKCS#1 `RSA PRIVATE KEY`, SEC 1 `EC PRIVATE KEY`, PKCS#8 `PRIVATE KEY` for
 * Ed25519, and the OpenSSL-style `DSA PRIVATE KEY` sequence), and parsing with Sprig's error texts.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';

import { SprigError } from '../errors.ts';
import { children, integer, read, seq, toBigInt } from './der.ts';
import { pemDecode, pemEncode } from './pem.ts';

/** PrivateKey is a parsed or generated key with its algorithm. */
export interface PrivateKey {
  kind: 'rsa' | 'ec' | 'ed25519' | 'dsa';
  key: KeyObject;
}

/** generateKey is what genPrivateKey and genCA make: keys of the sizes Sprig uses. */
export function generateKey(kind: 'rsa' | 'dsa' | 'ecdsa' | 'ed25519', rsaBits = 4096): PrivateKey {
  switch (kind) {
    case 'rsa':
      return { kind: 'rsa', key: generateKeyPairSync('rsa', { modulusLength: rsaBits }).privateKey };
    case 'dsa':
      return { kind: 'dsa', key: generateKeyPairSync('dsa', { modulusLength: 2048, divisorLength: 256 }).privateKey };
    case 'ecdsa':
      return { kind: 'ec', key: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey };
    case 'ed25519':
      return { kind: 'ed25519', key: generateKeyPairSync('ed25519').privateKey };
  }
}

/** dsaParts reads p, q, g and x from a DSA key's PKCS#8 encoding, and computes y = g^x mod p. */
function dsaParts(key: KeyObject): bigint[] {
  const der = key.export({ type: 'pkcs8', format: 'der' });
  const [, alg, priv] = children(read(der).body);
  const params = children(children(alg!.body)[1]!.body).map((e) => toBigInt(e.body));
  const [p = 0n, q = 0n, g = 0n] = params;
  const x = toBigInt(read(priv!.body).body);
  return [p, q, g, modPow(g, x, p), x];
}

function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let result = 1n;
  let b = base % mod;
  for (let e = exp; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % mod;
    b = (b * b) % mod;
  }
  return result;
}

/** keyPem is Sprig's pemBlockForKey. */
export function keyPem(k: PrivateKey): string {
  switch (k.kind) {
    case 'rsa':
      return k.key.export({ type: 'pkcs1', format: 'pem' }).toString();
    case 'ec':
      return k.key.export({ type: 'sec1', format: 'pem' }).toString();
    case 'ed25519':
      return k.key.export({ type: 'pkcs8', format: 'pem' }).toString();
    case 'dsa':
      return pemEncode('DSA PRIVATE KEY', seq(integer(0n), ...dsaParts(k.key).map(integer)));
  }
}

/** publicKeyOf returns the key's public half. */
export function publicKeyOf(k: PrivateKey): KeyObject {
  return createPublicKey(k.key);
}

/** parsePrivateKeyPem is Sprig's parsePrivateKeyPEM, with its error messages. */
export function parsePrivateKeyPem(text: string): PrivateKey {
  const block = pemDecode(text);
  if (block === undefined) throw new SprigError('no PEM data in input');
  const der = Buffer.from(block.bytes);
  const load = (format: 'pkcs8' | 'pkcs1' | 'sec1', what: string): KeyObject => {
    try {
      return createPrivateKey({ key: der, format: 'der', type: format });
    } catch {
      throw new SprigError(`${what}: x509: failed to parse private key`);
    }
  };
  if (block.type === 'PRIVATE KEY') {
    const key = load('pkcs8', 'decoding PEM as PKCS#8');
    return { kind: kindOf(key), key };
  }
  if (!block.type.endsWith(' PRIVATE KEY'))
    throw new SprigError(`no private key data in PEM block of type ${block.type}`);
  switch (block.type.slice(0, -12)) {
    case 'RSA':
      return { kind: 'rsa', key: load('pkcs1', 'parsing RSA private key from PEM') };
    case 'EC':
      return { kind: 'ec', key: load('sec1', 'parsing EC private key from PEM') };
    case 'DSA': {
      try {
        return { kind: 'dsa', key: createPrivateKey({ key: pemEncode('DSA PRIVATE KEY', der), format: 'pem' }) };
      } catch (err) {
        throw new SprigError(`parsing DSA private key from PEM: ${(err as Error).message}`);
      }
    }
    default:
      throw new SprigError(`invalid private key type ${block.type}`);
  }
}

function kindOf(key: KeyObject): PrivateKey['kind'] {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return 'rsa';
    case 'ec':
      return 'ec';
    case 'ed25519':
      return 'ed25519';
    case 'dsa':
      return 'dsa';
    default:
      throw new SprigError(
        `decoding PEM as PKCS#8: x509: PKCS#8 wrapping contained private key with unknown algorithm: ${key.asymmetricKeyType ?? ''}`,
      );
  }
}
