// Microsoft Entra ID access tokens for Azure Blob Storage: the OAuth2 client-credentials grant of an app
// registration (v2.0 token endpoint, scope https://storage.azure.com/.default), proven with its client secret or with
// a certificate (an RS256 client assertion whose x5t is the certificate's SHA-1 thumbprint, RFC 7523). Tokens are
// cached until five minutes before they expire. Errors name the tenant and client id, never a secret or a token.
import { createHash, createPrivateKey, createSign, type KeyObject, randomUUID, X509Certificate } from 'node:crypto';

import type { HttpClient } from '../oci/index.ts';
import type { AzureCredential } from './azure-auth.ts';
import { BucketError } from './errors.ts';
import { requestToken } from './oauth.ts';

export const DEFAULT_AUTHORITY_HOST = 'https://login.microsoftonline.com/';
const STORAGE_SCOPE = 'https://storage.azure.com/.default';

type EntraCredential = Extract<AzureCredential, { type: 'client-secret' | 'client-certificate' }>;

interface Certificate {
  chain: X509Certificate[];
  key: KeyObject;
}

/** EntraTokenSource fetches and caches access tokens for one app registration. */
export class EntraTokenSource {
  readonly #cred: EntraCredential;
  readonly #http: HttpClient;
  readonly #cert: Certificate | undefined;
  #token: { value: string; expires: number } | undefined;

  constructor(cred: EntraCredential, http: HttpClient, secretName: string) {
    this.#cred = cred;
    this.#http = http;
    this.#cert = cred.type === 'client-certificate' ? parseCertificate(secretName, cred) : undefined;
  }

  /** tokenUrl is `<authorityHost>/<tenantId>/oauth2/v2.0/token`. */
  get tokenUrl(): URL {
    const host = this.#cred.authorityHost ?? DEFAULT_AUTHORITY_HOST;
    return new URL(
      `${encodeURIComponent(this.#cred.tenantId)}/oauth2/v2.0/token`,
      host.endsWith('/') ? host : `${host}/`,
    );
  }

  async token(signal?: AbortSignal): Promise<string> {
    const now = Date.now();
    if (this.#token && this.#token.expires - 5 * 60_000 > now) return this.#token.value;
    const url = this.tokenUrl;
    const subject = `token request to ${url.origin} for client '${this.#cred.clientId}' of tenant '${this.#cred.tenantId}'`;
    const form = new URLSearchParams({
      client_id: this.#cred.clientId,
      scope: STORAGE_SCOPE,
      grant_type: 'client_credentials',
    });
    if (this.#cred.type === 'client-secret') form.set('client_secret', this.#cred.clientSecret);
    else {
      form.set('client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
      form.set('client_assertion', this.#assertion(url, now));
    }
    const token = await requestToken(this.#http, url, form, subject, signal);
    this.#token = { value: token.value, expires: now + token.expiresIn * 1000 };
    return token.value;
  }

  /** assertion is the signed JWT proving possession of the certificate's key. */
  #assertion(aud: URL, now: number): string {
    const cert = this.#cert as Certificate;
    const leaf = cert.chain[0] as X509Certificate;
    const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
    const header = {
      alg: 'RS256',
      typ: 'JWT',
      x5t: createHash('sha1').update(leaf.raw).digest('base64url'),
      ...(this.#cred.type === 'client-certificate' && this.#cred.sendChain
        ? { x5c: cert.chain.map((c) => c.raw.toString('base64')) }
        : {}),
    };
    const iat = Math.floor(now / 1000);
    const claims = {
      aud: aud.toString(),
      iss: this.#cred.clientId,
      sub: this.#cred.clientId,
      jti: randomUUID(),
      nbf: iat,
      exp: iat + 600,
    };
    const input = `${b64(header)}.${b64(claims)}`;
    return `${input}.${createSign('RSA-SHA256').update(input).sign(cert.key).toString('base64url')}`;
  }
}

/** parseCertificate reads a PEM bundle: the certificate first, its chain, and the private key (maybe encrypted). */
function parseCertificate(
  secretName: string,
  cred: Extract<EntraCredential, { type: 'client-certificate' }>,
): Certificate {
  const bad = (why: string, cause?: unknown): BucketError =>
    new BucketError(
      'bad-config',
      `failed to create token credential from '${secretName}' Secret: failed to parse client certificates: ${why}`,
      cause === undefined ? {} : { cause },
    );
  const pem = cred.certificate;
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/gu) ?? [];
  const keyBlock = pem.match(
    /-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----/u,
  );
  if (blocks.length === 0 || !keyBlock) {
    throw bad("'clientCertificate' must be PEM with a certificate and its private key (PKCS#12 is not supported)");
  }
  let chain: X509Certificate[];
  let key: KeyObject;
  try {
    chain = blocks.map((b) => new X509Certificate(b));
  } catch (cause) {
    throw bad('a certificate cannot be read', cause);
  }
  try {
    key = createPrivateKey({ key: keyBlock[0], ...(cred.password ? { passphrase: cred.password } : {}) });
  } catch (cause) {
    throw bad('the private key cannot be read (wrong clientCertificatePassword?)', cause);
  }
  if (key.asymmetricKeyType !== 'rsa') throw bad('the private key must be RSA');
  if (!(chain[0] as X509Certificate).checkPrivateKey(key)) throw bad('the private key does not match the certificate');
  return { chain, key };
}
