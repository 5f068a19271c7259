// The S3 API client of `provider: generic` and `aws` Buckets, after what source-controller does through minio-go:
// region from the bucket's location when spec.region is empty, HEAD bucket for existence, ListObjectsV2 with
// continuation tokens (keys URL-encoded on the wire so any key survives XML), GET streamed to a file. Requests are
// signed with engines/sigv4 (S3 dialect) or sent anonymously without credentials. Path-style addressing,
// virtual-hosted for AWS endpoints as minio-go's auto lookup does.
import { type AwsCredentials, sign, uriEncodePath } from '../../engines/sigv4/index.ts';
import { HttpClient, type HttpResponse, type ProxyOptions, type TlsOptions } from '../oci/index.ts';
import {
  asBucketError,
  type BucketClient,
  type ObjectVisitor,
  readText,
  saveBody,
  statusKind,
  stripQuotes,
} from './client.ts';
import { BucketError } from './errors.ts';
import { childrenNamed, childText, parseXml, type XmlElement } from './xml.ts';

export interface S3Options {
  /** endpoint is `host[:port]` without scheme (spec.endpoint). */
  endpoint: string;
  bucket: string;
  /** region signs requests; empty, the bucket's location is asked for (us-east-1 when it has none). */
  region?: string;
  /** insecure uses plain HTTP. */
  insecure?: boolean;
  /** credentials sign requests; without them requests are anonymous. */
  credentials?: AwsCredentials;
  tls?: TlsOptions;
  proxy?: ProxyOptions;
  /** pageSize is ListObjectsV2's max-keys (the server's default, 1000, when unset). */
  pageSize?: number;
}

const DEFAULT_REGION = 'us-east-1';
const MAX_XML = 16 * 1024 * 1024;
const AWS_HOST = /(^|\.)amazonaws\.com(\.cn)?$/;
const DNS_BUCKET = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

/** parseEndpoint checks spec.endpoint is `host[:port]` and returns the base URL for the scheme. */
export function parseEndpoint(endpoint: string, insecure: boolean): URL {
  if (endpoint === '' || /^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint) || /[/?#@\s]/.test(endpoint)) {
    throw new BucketError('bad-config', `invalid endpoint '${endpoint}': expected host[:port] without scheme or path`);
  }
  try {
    return new URL(`${insecure ? 'http' : 'https'}://${endpoint}/`);
  } catch (cause) {
    throw new BucketError('bad-config', `invalid endpoint '${endpoint}': expected host[:port]`, { cause });
  }
}

/** S3Client reads one bucket of an S3-compatible service. */
export class S3Client implements BucketClient {
  readonly #opts: S3Options;
  readonly #base: URL;
  readonly #http: HttpClient;
  readonly #virtualHost: boolean;
  #region: string | undefined;

  constructor(opts: S3Options) {
    this.#opts = opts;
    this.#base = parseEndpoint(opts.endpoint, opts.insecure ?? false);
    this.#virtualHost = AWS_HOST.test(this.#base.hostname) && DNS_BUCKET.test(opts.bucket);
    this.#region = opts.region || undefined;
    this.#http = new HttpClient({
      ...(opts.tls ? { tls: opts.tls } : {}),
      ...(opts.proxy ? { proxy: opts.proxy } : {}),
      userAgent: 'fluxts-source-controller',
    });
  }

  async bucketExists(signal?: AbortSignal): Promise<boolean> {
    const region = await this.#resolveRegion(signal);
    const res = await this.#send('HEAD', '', new URLSearchParams(), region, signal);
    res.body.resume();
    if (res.status === 200) return true;
    if (res.status === 404) return false;
    throw await this.#failure(res, `HEAD bucket '${this.#opts.bucket}'`);
  }

  async visitObjects(prefix: string | undefined, visit: ObjectVisitor, signal?: AbortSignal): Promise<void> {
    const region = await this.#resolveRegion(signal);
    let token: string | undefined;
    for (;;) {
      const query = new URLSearchParams({ 'list-type': '2', 'encoding-type': 'url' });
      if (prefix) query.set('prefix', prefix);
      if (this.#opts.pageSize) query.set('max-keys', String(this.#opts.pageSize));
      if (token) query.set('continuation-token', token);
      const subject = `listing objects of bucket '${this.#opts.bucket}'`;
      const res = await this.#send('GET', '', query, region, signal);
      if (res.status !== 200) throw await this.#failure(res, subject);
      const doc = await this.#parse(res, subject);
      const encoded = childText(doc, 'EncodingType') === 'url';
      for (const entry of childrenNamed(doc, 'Contents')) {
        const raw = childText(entry, 'Key') ?? '';
        visit(encoded ? decodeS3Url(raw) : raw, stripQuotes(childText(entry, 'ETag') ?? ''));
      }
      token = childText(doc, 'NextContinuationToken');
      if (childText(doc, 'IsTruncated') !== 'true') return;
      if (!token) throw new BucketError('protocol', `${subject}: truncated page without a continuation token`);
    }
  }

  async getObject(key: string, file: string, signal?: AbortSignal): Promise<string> {
    const region = await this.#resolveRegion(signal);
    const subject = `GET object '${key}' of bucket '${this.#opts.bucket}'`;
    const res = await this.#send('GET', key, new URLSearchParams(), region, signal);
    if (res.status !== 200) throw await this.#failure(res, subject);
    const etag = stripQuotes(String(res.headers.etag ?? ''));
    try {
      await saveBody(res, file, signal);
    } catch (err) {
      throw asBucketError(subject, err);
    }
    return etag;
  }

  close(): void {
    this.#http.close();
  }

  /**
   * resolveRegion is minio-go's getBucketLocation: spec.region when set; us-east-1 for anonymous requests;
   * otherwise the bucket's LocationConstraint (asked with a us-east-1 signature), us-east-1 when it has none or
   * the service won't say (AccessDenied, NotImplemented, no such bucket: the existence check says so next).
   */
  async #resolveRegion(signal?: AbortSignal): Promise<string> {
    if (this.#region) return this.#region;
    if (!this.#opts.credentials) return (this.#region = DEFAULT_REGION);
    const subject = `GET location of bucket '${this.#opts.bucket}'`;
    const res = await this.#send('GET', '', new URLSearchParams({ location: '' }), DEFAULT_REGION, signal);
    if (res.status === 200) {
      const doc = await this.#parse(res, subject);
      return (this.#region = doc.text.trim() || DEFAULT_REGION);
    }
    const err = await this.#failure(res, subject);
    if (err.kind === 'not-found' || err.code === 'NotImplemented') return DEFAULT_REGION;
    // Services that sign per region answer with the one they want, as minio-go relies on.
    if (err.code === 'AccessDenied' || err.code === 'AuthorizationHeaderMalformed' || err.code === 'InvalidRegion') {
      const wanted = err.region ?? headerRegion(res);
      if (wanted) return (this.#region = wanted);
      if (err.code === 'AccessDenied') return DEFAULT_REGION;
    }
    throw err;
  }

  async #send(
    method: 'GET' | 'HEAD',
    key: string,
    query: URLSearchParams,
    region: string,
    signal?: AbortSignal,
  ): Promise<HttpResponse> {
    const url = new URL(this.#base);
    if (this.#virtualHost) {
      url.hostname = `${this.#opts.bucket}.${url.hostname}`;
      url.pathname = uriEncodePath(`/${key}`);
    } else {
      url.pathname = uriEncodePath(`/${this.#opts.bucket}${key ? `/${key}` : ''}`);
    }
    // `?location` goes out as `location=`: S3 canonicalises a bare key to the same signed query.
    url.search = query.toString();
    const headers: Record<string, string> = this.#opts.credentials
      ? sign({ method, url, headers: {}, service: 's3', region, credentials: this.#opts.credentials })
      : {};
    delete headers.host;
    try {
      return await this.#http.send({ method, url, headers, ...(signal ? { signal } : {}) });
    } catch (err) {
      throw asBucketError(`${method} ${url.origin}/${this.#opts.bucket}`, err);
    }
  }

  async #parse(res: HttpResponse, subject: string): Promise<XmlElement> {
    const body = await readText(res, MAX_XML, subject);
    try {
      return parseXml(body);
    } catch (cause) {
      throw new BucketError('protocol', `${subject}: unreadable answer: ${(cause as Error).message}`, { cause });
    }
  }

  /** failure reads an S3 error document (`<Error><Code/><Message/></Error>`) into a BucketError. */
  async #failure(res: HttpResponse, subject: string): Promise<BucketError & { region?: string }> {
    let code: string | undefined;
    let message: string | undefined;
    let region: string | undefined;
    if (res.status !== 0) {
      const body = await readText(res, MAX_XML, subject).catch(() => '');
      try {
        const doc = body ? parseXml(body) : undefined;
        code = doc ? childText(doc, 'Code') : undefined;
        message = doc ? childText(doc, 'Message') : undefined;
        region = doc ? childText(doc, 'Region') : undefined;
        // versitygw says it only in the message: `… the region "us-east-1" is wrong; expecting "eu-west-1"`.
        region ??= /expecting "([a-z0-9-]+)"/.exec(message ?? '')?.[1];
      } catch {
        // Not XML (a proxy's error page): the status says enough.
      }
    }
    // HEAD answers carry no body: name the usual meaning of the status.
    code ??= res.status === 404 ? 'NoSuchBucket' : res.status === 403 ? 'AccessDenied' : undefined;
    const detail = message ? `${message}${code ? ` (${code})` : ''}` : `HTTP ${res.status}${code ? ` ${code}` : ''}`;
    let kind = statusKind(res.status);
    if (code === 'InvalidAccessKeyId' || code === 'SignatureDoesNotMatch') kind = 'auth';
    const err: BucketError & { region?: string } = new BucketError(kind, `${subject}: ${detail}`, {
      status: res.status,
      ...(code ? { code } : {}),
    });
    if (region) err.region = region;
    return err;
  }
}

function headerRegion(res: HttpResponse): string | undefined {
  const v = res.headers['x-amz-bucket-region'];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** decodeS3Url undoes `encoding-type=url`: percent escapes, and `+` for a space as S3 writes it. */
export function decodeS3Url(s: string): string {
  return decodeURIComponent(s.replace(/\+/g, ' '));
}
