/**
 * Certificates as Go's x509.CreateCertificate builds them for Sprig's templates: version 3, a random 128-bit
 * serial, Go's signature algorithm for the signer's key (SHA-256 RSA, ECDSA with the curve's hash, Ed25519), UTC
 * validity, the subject's common name, and Go's extension order (key usage, extended key usage, basic constraints,
 * subject key id for CAs as truncated SHA-256, authority key id from the parent, subject alternative names).
 */
import { createHash, sign, X509Certificate, type KeyObject } from 'node:crypto';

import { SprigError } from '../errors.ts';
import {
  bitString,
  bool,
  children,
  explicit,
  integer,
  nullDer,
  octets,
  oid,
  read,
  seq,
  set,
  tlv,
  type Der,
} from './der.ts';
import type { PrivateKey } from './keys.ts';

/** CertTemplate is the part of x509.Certificate Sprig's getBaseCertTemplate fills. */
export interface CertTemplate {
  serial: bigint;
  commonName: string;
  ips: Uint8Array[];
  dnsNames: string[];
  notBefore: number;
  notAfter: number;
  isCA: boolean;
}

/** Parent is the issuing certificate: its subject and key id (undefined for a self-signed certificate). */
export interface Parent {
  subject: Der;
  subjectKeyId: Uint8Array | undefined;
}

/** isPrintable is encoding/asn1's PrintableString test as Go's marshaller uses it (asterisk allowed). */
const isPrintable = (s: string): boolean => /^[A-Za-z0-9 '()+,\-./:=?*]*$/.test(s);

/** nameDer encodes pkix.Name{CommonName: cn}: an empty sequence when the name is empty. */
export function nameDer(cn: string): Der {
  if (cn === '') return seq();
  const value = isPrintable(cn) ? tlv(0x13, Buffer.from(cn, 'latin1')) : tlv(0x0c, Buffer.from(cn, 'utf8'));
  return seq(set(seq(oid('2.5.4.3'), value)));
}

function timeDer(ms: number): Der {
  const d = new Date(Math.floor(ms / 1000) * 1000);
  const y = d.getUTCFullYear();
  const p = (n: number): string => String(n).padStart(2, '0');
  const rest = `${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
  if (y >= 1950 && y < 2050) return tlv(0x17, Buffer.from(p(y % 100) + rest, 'latin1'));
  return tlv(0x18, Buffer.from(String(y).padStart(4, '0') + rest, 'latin1'));
}

/** signatureAlgorithm is Go's choice for a signing key: the AlgorithmIdentifier and the node digest name. */
function signatureAlgorithm(k: PrivateKey): { id: Der; digest: string | null } {
  switch (k.kind) {
    case 'rsa':
      return { id: seq(oid('1.2.840.113549.1.1.11'), nullDer()), digest: 'sha256' };
    case 'ec': {
      const curve = k.key.asymmetricKeyDetails?.namedCurve;
      if (curve === 'secp384r1') return { id: seq(oid('1.2.840.10045.4.3.3')), digest: 'sha384' };
      if (curve === 'secp521r1') return { id: seq(oid('1.2.840.10045.4.3.4')), digest: 'sha512' };
      return { id: seq(oid('1.2.840.10045.4.3.2')), digest: 'sha256' };
    }
    case 'ed25519':
      return { id: seq(oid('1.3.101.112')), digest: null };
    case 'dsa':
      throw new SprigError('x509: certificate private key does not implement crypto.Signer');
  }
}

function extension(id: string, critical: boolean, value: Der): Der {
  return critical ? seq(oid(id), bool(true), octets(value)) : seq(oid(id), octets(value));
}

/** createCertificate is x509.CreateCertificate for Sprig's templates; returns the DER certificate. */
export function createCertificate(
  t: CertTemplate,
  subjectKey: KeyObject,
  parent: Parent | undefined,
  signer: PrivateKey,
): Uint8Array {
  const alg = signatureAlgorithm(signer);
  if (subjectKey.asymmetricKeyType === 'dsa') throw new SprigError('x509: unsupported public key type: *dsa.PublicKey');
  const spki = subjectKey.export({ type: 'spki', format: 'der' });
  const publicKeyBits = read(children(read(spki).body)[1]!.raw).body.subarray(1);
  const subject = nameDer(t.commonName);
  const issuer = parent?.subject ?? subject;
  const selfIssued = Buffer.compare(Buffer.from(issuer), Buffer.from(subject)) === 0;
  const authorityKeyId =
    !selfIssued && parent?.subjectKeyId !== undefined && parent.subjectKeyId.length > 0
      ? parent.subjectKeyId
      : undefined;
  // Go 1.26 derives a CA's subject key id from the truncated SHA-256 of the public key (RFC 7093).
  const subjectKeyId = t.isCA ? createHash('sha256').update(publicKeyBits).digest().subarray(0, 20) : undefined;

  const exts: Der[] = [];
  // KeyEncipherment | DigitalSignature (| CertSign for CAs), as a BIT STRING with bit 0 first.
  exts.push(
    extension('2.5.29.15', true, t.isCA ? bitString(Uint8Array.of(0xa4), 2) : bitString(Uint8Array.of(0xa0), 5)),
  );
  exts.push(extension('2.5.29.37', false, seq(oid('1.3.6.1.5.5.7.3.1'), oid('1.3.6.1.5.5.7.3.2'))));
  exts.push(extension('2.5.29.19', true, t.isCA ? seq(bool(true)) : seq()));
  if (subjectKeyId !== undefined) exts.push(extension('2.5.29.14', false, octets(subjectKeyId)));
  if (authorityKeyId !== undefined) exts.push(extension('2.5.29.35', false, seq(tlv(0x80, authorityKeyId))));
  if (t.dnsNames.length > 0 || t.ips.length > 0) {
    const names = [...t.dnsNames.map((n) => tlv(0x82, Buffer.from(n, 'utf8'))), ...t.ips.map((ip) => tlv(0x87, ip))];
    exts.push(extension('2.5.29.17', subject.length === 2, seq(...names)));
  }
  const tbs = seq(
    explicit(0, integer(2n)),
    integer(t.serial),
    alg.id,
    issuer,
    seq(timeDer(t.notBefore), timeDer(t.notAfter)),
    subject,
    spki,
    explicit(3, seq(...exts)),
  );
  const signature =
    signer.kind === 'ec'
      ? sign(alg.digest, tbs, { key: signer.key, dsaEncoding: 'der' })
      : sign(alg.digest, tbs, signer.key);
  return seq(tbs, alg.id, bitString(signature));
}

/** parentOf reads what signing needs from a CA certificate's DER: its subject and subject key id. */
export function parentOf(der: Uint8Array): Parent {
  const cert = new X509Certificate(der);
  const tbs = children(children(read(der).body)[0]!.body);
  // tbs: [0]version, serial, sigAlg, issuer, validity, subject, spki, … extensions
  const subject = tbs[5]!.raw;
  let subjectKeyId: Uint8Array | undefined;
  const extWrapper = tbs.find((e) => e.tag === 0xa3);
  if (extWrapper !== undefined) {
    for (const ext of children(children(extWrapper.body)[0]!.body)) {
      const parts = children(ext.body);
      if (Buffer.from(parts[0]!.raw).equals(Buffer.from(oid('2.5.29.14')))) {
        subjectKeyId = read(parts[parts.length - 1]!.body).body;
      }
    }
  }
  void cert;
  return { subject, subjectKeyId };
}
