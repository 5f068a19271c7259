import { createHash, createHmac } from 'node:crypto';

/**
 * AWS Signature Version 4 for the JSON and query APIs the key services call (KMS, STS): a POST of a body to the
 * root path of a regional endpoint, every given header signed. Written with node:crypto after the AWS
 * specification; the SDK's signer is the reference in the tests.
 */

/** AwsCredentials are static AWS credentials (the Flux `sops.aws-kms` entry). */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SignInput {
  method: string;
  url: URL;
  /** headers to sign besides host, x-amz-date and x-amz-security-token (which sign() adds). */
  headers: Record<string, string>;
  body: string;
  service: string;
  region: string;
  credentials: AwsCredentials;
  /** now defaults to the current time. */
  now?: Date;
}

const sha256hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data).digest();

/** amzDate formats a time as SigV4 wants it: `YYYYMMDDTHHMMSSZ`. */
export function amzDate(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

/** uriEncode escapes as SigV4 requires: everything but unreserved characters, `/` kept in paths. */
function uriEncode(s: string, keepSlash: boolean): string {
  return [...Buffer.from(s, 'utf8')]
    .map((b) => {
      const c = String.fromCharCode(b);
      if (/[A-Za-z0-9\-._~]/.test(c) || (keepSlash && c === '/')) return c;
      return `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
}

/**
 * sign returns the headers to send: the given ones plus host, x-amz-date, x-amz-security-token (with a session
 * token) and authorization.
 */
export function sign(input: SignInput): Record<string, string> {
  const now = input.now ?? new Date();
  const date = amzDate(now);
  const day = date.slice(0, 8);
  const headers: Record<string, string> = { ...input.headers, host: input.url.host, 'x-amz-date': date };
  if (input.credentials.sessionToken) headers['x-amz-security-token'] = input.credentials.sessionToken;
  const canonical = new Map<string, string>();
  for (const [k, v] of Object.entries(headers)) {
    canonical.set(k.toLowerCase(), v.trim().replace(/\s+/g, ' '));
  }
  const names = [...canonical.keys()].sort();
  const signedHeaders = names.join(';');
  const query = [...input.url.searchParams.entries()]
    .map(([k, v]) => [uriEncode(k, false), uriEncode(v, false)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const request = [
    input.method,
    // The escaped path is escaped once more, as SigV4 wants for every service but S3.
    uriEncode(input.url.pathname || '/', true),
    query,
    names.map((n) => `${n}:${canonical.get(n) ?? ''}\n`).join(''),
    signedHeaders,
    sha256hex(input.body),
  ].join('\n');
  const scope = `${day}/${input.region}/${input.service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', date, scope, sha256hex(request)].join('\n');
  let key = hmac(`AWS4${input.credentials.secretAccessKey}`, day);
  for (const part of [input.region, input.service, 'aws4_request']) key = hmac(key, part);
  const signature = createHmac('sha256', key).update(toSign).digest('hex');
  return {
    ...headers,
    authorization: `AWS4-HMAC-SHA256 Credential=${input.credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
  };
}
