/**
 * Sprig's crypto functions: bcrypt and htpasswd, derivePassword (Master Password), private keys and
 * certificates (genPrivateKey, genCA*, genSelfSignedCert*, genSignedCert*, buildCustomCert), and AES-256-CBC
 * encryptAES/decryptAES with Go's panics for malformed input. Generated keys, serials and IVs are random; the
 * tests check their properties (PEM parses, certificates verify against their CA).
 */
import { createCipheriv, createDecipheriv, createHmac, scryptSync } from 'node:crypto';

import bcryptjs from 'bcryptjs';

import { formatValue } from '../gotemplate/index.ts';
import { quote as goQuote } from '../gotemplate/index.ts';
import {
  GoStruct,
  goFunc,
  INT,
  isAsciiOnly,
  SLICE_ANY,
  STRING,
  structType,
  UINT32,
  type FuncMap,
  type GoType,
  type GoValue,
} from '../gotemplate/index.ts';
import type { SprigContext } from './context.ts';
import { pemDecode, pemEncode } from './crypto/pem.ts';
import { parseIp } from './crypto/ip.ts';
import { generateKey, keyPem, parsePrivateKeyPem, publicKeyOf, type PrivateKey } from './crypto/keys.ts';
import { createCertificate, parentOf, type Parent } from './crypto/x509.ts';
import { base64Decode } from './encoding.ts';
import { SprigError } from './errors.ts';
import { bytesOf } from './gostrings.ts';

let certType: GoType | undefined;

/** certificateType is Sprig's `certificate` struct: `.Cert` and `.Key`, PEM text. */
export function certificateType(): GoType {
  return (certType ??= structType('sprig.certificate', [
    { name: 'Cert', type: STRING },
    { name: 'Key', type: STRING },
  ]));
}

const certificate = (cert: string, key: string): GoStruct => new GoStruct(certificateType(), { Cert: cert, Key: key });

const MASTER_PASSWORD_SEED = 'com.lyndir.masterpassword';
const PASSWORD_TEMPLATES: Record<string, string[]> = {
  maximum: ['anoxxxxxxxxxxxxxxxxx', 'axxxxxxxxxxxxxxxxxno'],
  long: [
    'CvcvnoCvcvCvcv', 'CvcvCvcvnoCvcv', 'CvcvCvcvCvcvno', 'CvccnoCvcvCvcv', 'CvccCvcvnoCvcv', 'CvccCvcvCvcvno',
    'CvcvnoCvccCvcv', 'CvcvCvccnoCvcv', 'CvcvCvccCvcvno', 'CvcvnoCvcvCvcc', 'CvcvCvcvnoCvcc', 'CvcvCvcvCvccno',
    'CvccnoCvccCvcv', 'CvccCvccnoCvcv', 'CvccCvccCvcvno', 'CvcvnoCvccCvcc', 'CvcvCvccnoCvcc', 'CvcvCvccCvccno',
    'CvccnoCvcvCvcc', 'CvccCvcvnoCvcc', 'CvccCvcvCvccno',
  ],
  medium: ['CvcnoCvc', 'CvcCvcno'],
  short: ['Cvcn'],
  basic: ['aaanaaan', 'aannaaan', 'aaannaaa'],
  pin: ['nnnn'],
}; // prettier-ignore
const TEMPLATE_CHARACTERS: Record<string, string> = {
  V: 'AEIOU',
  C: 'BCDFGHJKLMNPQRSTVWXYZ',
  v: 'aeiou',
  c: 'bcdfghjklmnpqrstvwxyz',
  A: 'AEIOUBCDFGHJKLMNPQRSTVWXYZ',
  a: 'AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz',
  n: '0123456789',
  o: "@&%?,=[]_:-+*$#!'^~;()/.",
  x: 'AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()',
};

const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};

/** derivePassword is the Master Password algorithm as Sprig implements it. */
export function derivePassword(counter: number, type: string, password: string, user: string, site: string): string {
  const templates = PASSWORD_TEMPLATES[type];
  if (templates === undefined) return `cannot find password template ${type}`;
  const userBytes = bytesOf(user);
  const salt = Buffer.concat([Buffer.from(MASTER_PASSWORD_SEED), u32(userBytes.length), userBytes]);
  const key = scryptSync(bytesOf(password), salt, 64, { N: 32768, r: 8, p: 2, maxmem: 128 * 1024 * 1024 });
  const siteBytes = bytesOf(site);
  const seed = createHmac('sha256', key)
    .update(Buffer.concat([Buffer.from(MASTER_PASSWORD_SEED), u32(siteBytes.length), siteBytes, u32(counter)]))
    .digest();
  const template = templates[(seed[0] ?? 0) % templates.length] ?? '';
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const chars = TEMPLATE_CHARACTERS[template[i] ?? ''] ?? '';
    out += chars[(seed[i + 1] ?? 0) % chars.length] ?? '';
  }
  return out;
}

const BCRYPT_ALPHABET_BYTES = 16;

export function cryptoFunctions(ctx: SprigContext): FuncMap {
  const str = { type: STRING };
  const certOut = { type: certificateType(), error: true };
  const bcrypt = (input: string): string => {
    if (bytesOf(input).length > 72)
      return 'failed to encrypt string with bcrypt: bcrypt: password length exceeds 72 bytes';
    const salt =
      '$2a$10$' + bcryptjs.encodeBase64(Array.from(ctx.randomBytes(BCRYPT_ALPHABET_BYTES)), BCRYPT_ALPHABET_BYTES);
    return bcryptjs.hashSync(input, salt);
  };
  const now = (): number => Number(ctx.now() / 1_000_000n);
  const serial = (): bigint => BigInt('0x' + Buffer.from(ctx.randomBytes(16)).toString('hex'));

  /** baseTemplate is getBaseCertTemplate: checks the IP and DNS lists first, with Sprig's messages. */
  const baseTemplate = (cn: string, ips: readonly GoValue[], dns: readonly GoValue[], days: number, isCA: boolean) => {
    const ipBytes = ips.map((ip) => {
      if (typeof ip !== 'string') throw new SprigError(`error parsing ip: ${formatValue(ip)} is not a string`);
      const b = parseIp(ip);
      if (b === undefined) throw new SprigError(`error parsing ip: ${ip}`);
      return b;
    });
    const dnsNames = dns.map((d) => {
      if (typeof d !== 'string')
        throw new SprigError(`error processing alternate dns name: ${formatValue(d)} is not a string`);
      return d;
    });
    const notBefore = now();
    return {
      serial: serial(),
      commonName: cn,
      ips: ipBytes,
      dnsNames,
      notBefore,
      notAfter: notBefore + days * 86_400_000,
      isCA,
    };
  };
  /** certAndKey is getCertAndKey: the signed certificate and the subject's key, both PEM. */
  const certAndKey = (
    t: ReturnType<typeof baseTemplate>,
    subject: PrivateKey,
    parent: Parent | undefined,
    signer: PrivateKey,
  ): GoStruct => {
    for (const name of t.dnsNames) {
      if (!isAsciiOnly(name))
        throw new SprigError(`error creating certificate: x509: ${goQuote(name)} cannot be encoded as an IA5String`);
    }
    let der: Uint8Array;
    try {
      der = createCertificate(t, publicKeyOf(subject), parent, signer);
    } catch (err) {
      if (err instanceof SprigError) throw new SprigError(`error creating certificate: ${err.message}`, { cause: err });
      throw err;
    }
    return certificate(pemEncode('CERTIFICATE', der), keyPem(subject));
  };
  const parseKey = (pem: string, prefix: string): PrivateKey => {
    try {
      return parsePrivateKeyPem(pem);
    } catch (err) {
      if (err instanceof SprigError) throw new SprigError(`${prefix}: ${err.message}`, { cause: err });
      throw err;
    }
  };
  const genCA = (cn: string, days: number, key: PrivateKey): GoStruct =>
    certAndKey(baseTemplate(cn, [], [], days, true), key, undefined, key);
  const selfSigned = (
    cn: string,
    ips: readonly GoValue[],
    dns: readonly GoValue[],
    days: number,
    key: PrivateKey,
  ): GoStruct => certAndKey(baseTemplate(cn, ips, dns, days, false), key, undefined, key);
  const signed = (
    cn: string,
    ips: readonly GoValue[],
    dns: readonly GoValue[],
    days: number,
    ca: GoValue,
    key: PrivateKey,
  ): GoStruct => {
    const fields = (ca as GoStruct).fields;
    const block = pemDecode(typeof fields.Cert === 'string' ? fields.Cert : '');
    if (block === undefined) throw new SprigError('unable to decode certificate');
    let parent: Parent;
    try {
      parent = parentOf(block.bytes);
    } catch {
      throw new SprigError('error parsing certificate: decodedSignerCert.Bytes: x509: malformed certificate');
    }
    const signer = parseKey(typeof fields.Key === 'string' ? fields.Key : '', 'error parsing private key');
    return certAndKey(baseTemplate(cn, ips, dns, days, false), key, parent, signer);
  };
  const rsa2048 = (): PrivateKey => generateKey('rsa', 2048);
  const days = (n: { value: bigint }): number => Number(n.value);
  return {
    bcrypt: goFunc([STRING], bcrypt, str),
    htpasswd: goFunc(
      [STRING, STRING],
      (user, pass) => (user.includes(':') ? `invalid username: ${user}` : `${user}:${bcrypt(pass)}`),
      str,
    ),
    derivePassword: goFunc(
      [UINT32, STRING, STRING, STRING, STRING],
      (counter, type, pass, user, site) => derivePassword(Number(counter.value), type, pass, user, site),
      str,
    ),
    genPrivateKey: goFunc(
      [STRING],
      (type) => {
        const kind = type === '' || type === 'rsa' ? 'rsa' : type;
        if (kind !== 'rsa' && kind !== 'dsa' && kind !== 'ecdsa' && kind !== 'ed25519') return `Unknown type ${type}`;
        return keyPem(generateKey(kind));
      },
      str,
    ),
    buildCustomCert: goFunc(
      [STRING, STRING],
      (b64cert, b64key) => {
        let cert: string;
        let key: string;
        try {
          cert = Buffer.from(base64Decode(bytesOf(b64cert))).toString('utf8');
        } catch {
          throw new SprigError('unable to decode base64 certificate');
        }
        try {
          key = Buffer.from(base64Decode(bytesOf(b64key))).toString('utf8');
        } catch {
          throw new SprigError('unable to decode base64 private key');
        }
        const block = pemDecode(cert);
        if (block === undefined) throw new SprigError('unable to decode certificate');
        try {
          parentOf(block.bytes);
        } catch {
          throw new SprigError('error parsing certificate: decodedCert.Bytes: x509: malformed certificate');
        }
        parseKey(key, 'error parsing private key');
        return certificate(cert, key);
      },
      certOut,
    ),
    genCA: goFunc([STRING, INT], (cn, d) => genCA(cn, days(d), rsa2048()), certOut),
    genCAWithKey: goFunc(
      [STRING, INT, STRING],
      (cn, d, pem) => genCA(cn, days(d), parseKey(pem, 'parsing private key')),
      certOut,
    ),
    genSelfSignedCert: goFunc(
      [STRING, SLICE_ANY, SLICE_ANY, INT],
      (cn, ips, dns, d) => selfSigned(cn, ips, dns, days(d), rsa2048()),
      certOut,
    ),
    genSelfSignedCertWithKey: goFunc(
      [STRING, SLICE_ANY, SLICE_ANY, INT, STRING],
      (cn, ips, dns, d, pem) => selfSigned(cn, ips, dns, days(d), parseKey(pem, 'parsing private key')),
      certOut,
    ),
    genSignedCert: goFunc(
      [STRING, SLICE_ANY, SLICE_ANY, INT, certificateType()],
      (cn, ips, dns, d, ca) => signed(cn, ips, dns, days(d), ca, rsa2048()),
      certOut,
    ),
    genSignedCertWithKey: goFunc(
      [STRING, SLICE_ANY, SLICE_ANY, INT, certificateType(), STRING],
      (cn, ips, dns, d, ca, pem) => signed(cn, ips, dns, days(d), ca, parseKey(pem, 'parsing private key')),
      certOut,
    ),
    encryptAES: goFunc(
      [STRING, STRING],
      (password, plaintext) => encryptAES(password, plaintext, ctx.randomBytes(16)),
      { type: STRING, error: true },
    ),
    decryptAES: goFunc([STRING, STRING], decryptAES, { type: STRING, error: true }),
  };
}

const aesKey = (password: string): Buffer => {
  const key = Buffer.alloc(32);
  bytesOf(password).copy(key);
  return key;
};

/** encryptAES is Sprig's: AES-256-CBC, PKCS#7 padding, the IV prepended, base64. */
export function encryptAES(password: string, plaintext: string, iv: Uint8Array): string {
  if (plaintext === '') return '';
  const content = bytesOf(plaintext);
  const padding = 16 - (content.length % 16);
  const padded = Buffer.concat([content, Buffer.alloc(padding, padding)]);
  const cipher = createCipheriv('aes-256-cbc', aesKey(password), iv).setAutoPadding(false);
  return Buffer.concat([Buffer.from(iv), cipher.update(padded), cipher.final()]).toString('base64');
}

/** decryptAES is Sprig's inverse, with Go's panics for input too short, not whole blocks, or bad padding. */
export function decryptAES(password: string, crypt64: string): string {
  if (crypt64 === '') return '';
  let crypt: Uint8Array;
  try {
    crypt = base64Decode(bytesOf(crypt64));
  } catch (err) {
    throw new SprigError((err as Error).message);
  }
  // DecodeString's buffer has room for len(s)/4*3 bytes: slicing within that capacity does not panic.
  const cap = Math.floor(bytesOf(crypt64).length / 4) * 3;
  if (cap < 16) throw new SprigError(`runtime error: slice bounds out of range [:16] with capacity ${cap}`);
  if (crypt.length < 16) throw new SprigError(`runtime error: slice bounds out of range [16:${crypt.length}]`);
  const iv = crypt.subarray(0, 16);
  const body = crypt.subarray(16);
  if (body.length % 16 !== 0) throw new SprigError('crypto/cipher: input not full blocks');
  if (body.length === 0) throw new SprigError('runtime error: index out of range [-1]');
  const decipher = createDecipheriv('aes-256-cbc', aesKey(password), iv).setAutoPadding(false);
  const plain = Buffer.concat([decipher.update(body), decipher.final()]);
  const n = plain[plain.length - 1] ?? 0;
  const end = plain.length - n;
  if (end < 0) throw new SprigError(`runtime error: slice bounds out of range [:${end}]`);
  return plain.subarray(0, end).toString('utf8');
}
