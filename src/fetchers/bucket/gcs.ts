// The Google Cloud Storage client of `provider: gcp` Buckets, on the JSON API (what cloud.google.com/go/storage
// speaks): bucket metadata for existence, object listing with page tokens, object metadata (its etag, as Flux's
// client returns it) then the media pinned to that generation. With a service-account key (`serviceaccount` in
// spec.secretRef) requests carry an OAuth2 access token from the key's token_uri (JWT bearer grant, RFC 7523, signed
// RS256 with the key); without one they are anonymous (public buckets, emulators).
import { createSign } from 'node:crypto';

import { HttpClient, type HttpResponse, type ProxyOptions, type TlsOptions } from '../oci/index.ts';
import { asBucketError, type BucketClient, type ObjectVisitor, readText, saveBody, statusKind } from './client.ts';
import { BucketError } from './errors.ts';
import { requestToken } from './oauth.ts';
import { parseEndpoint } from './s3.ts';

/** ServiceAccountKey is the part of a Google service-account JSON key the client uses. */
export interface ServiceAccountKey {
  client_email: string;
  private_key: string;
  private_key_id?: string;
  token_uri?: string;
}

export interface GcsOptions {
  /** endpoint is `host[:port]` (spec.endpoint), e.g. `storage.googleapis.com`. */
  endpoint: string;
  bucket: string;
  insecure?: boolean;
  /** key authenticates requests; without it they are anonymous. */
  key?: ServiceAccountKey;
  tls?: TlsOptions;
  proxy?: ProxyOptions;
  pageSize?: number;
}

const SCOPE = 'https://www.googleapis.com/auth/devstorage.read_only';
const DEFAULT_TOKEN_URI = 'https://oauth2.googleapis.com/token';
const MAX_JSON = 16 * 1024 * 1024;

/** parseServiceAccountKey checks a `serviceaccount` Secret value; the error never quotes the key. */
export function parseServiceAccountKey(secretName: string, raw: string): ServiceAccountKey {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new BucketError('bad-config', `invalid '${secretName}' secret data: 'serviceaccount' is not JSON`);
  }
  const k = parsed as Partial<ServiceAccountKey> & { type?: string };
  if (typeof k.client_email !== 'string' || typeof k.private_key !== 'string') {
    throw new BucketError(
      'bad-config',
      `invalid '${secretName}' secret data: 'serviceaccount' must be a service account key with client_email and private_key`,
    );
  }
  return {
    client_email: k.client_email,
    private_key: k.private_key,
    ...(k.private_key_id ? { private_key_id: k.private_key_id } : {}),
    ...(k.token_uri ? { token_uri: k.token_uri } : {}),
  };
}

/** GcsClient reads one bucket of Google Cloud Storage (or an emulator). */
export class GcsClient implements BucketClient {
  readonly #opts: GcsOptions;
  readonly #base: URL;
  readonly #http: HttpClient;
  #token: { value: string; expires: number } | undefined;

  constructor(opts: GcsOptions) {
    this.#opts = opts;
    this.#base = parseEndpoint(opts.endpoint, opts.insecure ?? false);
    this.#http = new HttpClient({
      ...(opts.tls ? { tls: opts.tls } : {}),
      ...(opts.proxy ? { proxy: opts.proxy } : {}),
      userAgent: 'fluxts-source-controller',
    });
  }

  async bucketExists(signal?: AbortSignal): Promise<boolean> {
    const subject = `GET bucket '${this.#opts.bucket}'`;
    const res = await this.#get(`/storage/v1/b/${enc(this.#opts.bucket)}`, subject, signal);
    if (res.status === 404) {
      res.body.resume();
      return false;
    }
    if (res.status !== 200) throw await this.#failure(res, subject);
    res.body.resume();
    return true;
  }

  async visitObjects(prefix: string | undefined, visit: ObjectVisitor, signal?: AbortSignal): Promise<void> {
    const subject = `listing objects of bucket '${this.#opts.bucket}'`;
    let pageToken: string | undefined;
    do {
      const q = new URLSearchParams({ projection: 'noAcl' });
      if (prefix) q.set('prefix', prefix);
      if (pageToken) q.set('pageToken', pageToken);
      if (this.#opts.pageSize) q.set('maxResults', String(this.#opts.pageSize));
      const res = await this.#get(`/storage/v1/b/${enc(this.#opts.bucket)}/o?${q.toString()}`, subject, signal);
      if (res.status !== 200) throw await this.#failure(res, subject);
      const page = (await this.#json(res, subject)) as {
        items?: { name?: string; etag?: string }[];
        nextPageToken?: string;
      };
      for (const item of page.items ?? []) if (item.name !== undefined) visit(item.name, item.etag ?? '');
      pageToken = page.nextPageToken || undefined;
    } while (pageToken);
  }

  async getObject(key: string, file: string, signal?: AbortSignal): Promise<string> {
    const subject = `GET object '${key}' of bucket '${this.#opts.bucket}'`;
    const path = `/storage/v1/b/${enc(this.#opts.bucket)}/o/${enc(key)}`;
    const meta = await this.#get(path, subject, signal);
    if (meta.status !== 200) throw await this.#failure(meta, subject);
    const attrs = (await this.#json(meta, subject)) as { etag?: string; generation?: string };
    const q = new URLSearchParams({ alt: 'media' });
    if (attrs.generation) q.set('generation', attrs.generation);
    const res = await this.#get(`${path}?${q.toString()}`, subject, signal);
    if (res.status !== 200) throw await this.#failure(res, subject);
    try {
      await saveBody(res, file, signal);
    } catch (err) {
      throw asBucketError(subject, err);
    }
    return attrs.etag ?? '';
  }

  close(): void {
    this.#http.close();
  }

  async #get(path: string, subject: string, signal?: AbortSignal): Promise<HttpResponse> {
    const url = new URL(path, this.#base);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.#opts.key) headers.authorization = `Bearer ${await this.#accessToken(signal)}`;
    try {
      return await this.#http.send({ method: 'GET', url, headers, ...(signal ? { signal } : {}) });
    } catch (err) {
      throw asBucketError(subject, err);
    }
  }

  async #json(res: HttpResponse, subject: string): Promise<unknown> {
    const text = await readText(res, MAX_JSON, subject);
    try {
      return JSON.parse(text);
    } catch (cause) {
      throw new BucketError('protocol', `${subject}: unreadable answer`, { cause });
    }
  }

  /** failure reads a Google API error (`{"error":{"code","message","errors":[{"reason"}]}}`). */
  async #failure(res: HttpResponse, subject: string): Promise<BucketError> {
    const text = await readText(res, MAX_JSON, subject).catch(() => '');
    let message = `HTTP ${res.status}`;
    let code: string | undefined;
    try {
      const body = JSON.parse(text) as { error?: { message?: string; errors?: { reason?: string }[] } };
      if (body.error?.message) message = body.error.message;
      code = body.error?.errors?.[0]?.reason;
    } catch {
      // Not a Google error document: the status says enough.
    }
    return new BucketError(statusKind(res.status), `${subject}: ${message}${code ? ` (${code})` : ''}`, {
      status: res.status,
      ...(code ? { code } : {}),
    });
  }

  /** accessToken exchanges a signed JWT for an access token, cached until a minute before it expires. */
  async #accessToken(signal?: AbortSignal): Promise<string> {
    const now = Date.now();
    if (this.#token && this.#token.expires - 60_000 > now) return this.#token.value;
    const key = this.#opts.key as ServiceAccountKey;
    const tokenUri = key.token_uri ?? DEFAULT_TOKEN_URI;
    const subject = `token request to ${new URL(tokenUri).origin} for '${key.client_email}'`;
    const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
    const iat = Math.floor(now / 1000);
    const header = { alg: 'RS256', typ: 'JWT', ...(key.private_key_id ? { kid: key.private_key_id } : {}) };
    const claims = { iss: key.client_email, scope: SCOPE, aud: tokenUri, iat, exp: iat + 3600 };
    const input = `${b64(header)}.${b64(claims)}`;
    let signature: string;
    try {
      signature = createSign('RSA-SHA256').update(input).sign(key.private_key).toString('base64url');
    } catch (cause) {
      throw new BucketError('bad-config', `${subject}: the service account private_key cannot sign`, { cause });
    }
    const form = new URLSearchParams({
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      assertion: `${input}.${signature}`,
    });
    const token = await requestToken(this.#http, new URL(tokenUri), form, subject, signal);
    this.#token = { value: token.value, expires: now + token.expiresIn * 1000 };
    return token.value;
  }
}

/** enc escapes a bucket or object name as one URL path segment (`/` included, as the JSON API wants). */
function enc(s: string): string {
  return encodeURIComponent(s);
}
