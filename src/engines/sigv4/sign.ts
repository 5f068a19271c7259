import { createHash, createHmac } from 'node:crypto';

/**
 * AWS Signature Version 4, written with node:crypto after the AWS specification; the AWS SDK for Go v2 signer is
 * the reference in test/sigv4. Two dialects: the JSON and query APIs (KMS, STS: the path escaped a second time,
 * the payload hash only inside the signature) and S3 (the path signed as sent, `x-amz-content-sha256` sent and
 * signed, as the SDK's S3 client does).
 */

/** AwsCredentials are static AWS credentials (a `sops.aws-kms` entry, a Bucket's `accesskey`/`secretkey`). */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SignInput {
  method: string;
  /** url is the request address; for S3 its path must already be escaped segment by segment (`uriEncodePath`). */
  url: URL;
  /** headers to sign besides host, x-amz-date, x-amz-security-token and (S3) x-amz-content-sha256. */
  headers: Record<string, string>;
  /** body is hashed into the signature; omit it for a bodiless request or when payloadHash is given. */
  body?: string | Buffer;
  /** payloadHash replaces the body's hash, e.g. `UNSIGNED-PAYLOAD` for a streamed S3 upload. */
  payloadHash?: string;
  service: string;
  region: string;
  credentials: AwsCredentials;
  /** now defaults to the current time. */
  now?: Date;
}

/** EMPTY_SHA256 is the hex SHA-256 of no bytes, the payload hash of every GET. */
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

const sha256hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data).digest();

/** amzDate formats a time as SigV4 wants it: `YYYYMMDDTHHMMSSZ`. */
export function amzDate(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

const UNRESERVED = /[A-Za-z0-9\-._~]/;

/** uriEncode escapes as SigV4 requires: every byte but unreserved characters, `/` kept when keepSlash. */
export function uriEncode(s: string, keepSlash: boolean): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    out += UNRESERVED.test(c) || (keepSlash && c === '/') ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** uriEncodePath escapes an S3 object path (`/bucket/key`) the way S3 signs it: each byte once, slashes kept. */
export function uriEncodePath(path: string): string {
  return uriEncode(path, true);
}

/**
 * sign returns the headers to send: the given ones plus host, x-amz-date, x-amz-security-token (with a session
 * token), x-amz-content-sha256 (S3) and authorization.
 * @example sign({ method: 'GET', url, headers: {}, service: 's3', region: 'us-east-1', credentials })
 */
export function sign(input: SignInput): Record<string, string> {
  const s3 = input.service === 's3';
  const now = input.now ?? new Date();
  const date = amzDate(now);
  const day = date.slice(0, 8);
  const payloadHash = input.payloadHash ?? (input.body === undefined ? EMPTY_SHA256 : sha256hex(input.body));
  const headers: Record<string, string> = { ...input.headers, host: input.url.host, 'x-amz-date': date };
  if (s3) headers['x-amz-content-sha256'] = payloadHash;
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
  const path = input.url.pathname || '/';
  const request = [
    input.method,
    // S3 signs the path as sent; every other service wants the escaped path escaped once more.
    s3 ? path : uriEncode(path, true),
    query,
    names.map((n) => `${n}:${canonical.get(n) ?? ''}\n`).join(''),
    signedHeaders,
    payloadHash,
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
