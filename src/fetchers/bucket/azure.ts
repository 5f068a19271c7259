// The Azure Blob Storage client of `provider: azure` Buckets, on the Blob service REST API (what azblob speaks): the
// container is spec.bucketName under spec.endpoint (`https://<account>.blob.core.windows.net`, or a path-style
// emulator address such as Azurite's `http://127.0.0.1:10000/devstoreaccount1`). Existence is a one-result listing,
// as source-controller checks it; listings follow NextMarker; objects are streamed to disk. Requests are signed with
// Shared Key, carry a SAS, an Entra ID bearer token (HTTPS only, as the Azure SDK insists), or go anonymous.
import { HttpClient, type HttpResponse, type ProxyOptions, type TlsOptions } from '../oci/index.ts';
import { type AzureCredential, sharedKeyAuthorization } from './azure-auth.ts';
import { EntraTokenSource } from './azure-token.ts';
import { asBucketError, type BucketClient, type ObjectVisitor, readText, saveBody, statusKind } from './client.ts';
import { BucketError } from './errors.ts';
import { childrenNamed, childText, parseXml } from './xml.ts';

/** AZURE_STORAGE_VERSION is the Blob service version requested (x-ms-version). */
export const AZURE_STORAGE_VERSION = '2025-01-05';
const MAX_XML = 32 * 1024 * 1024;
// Error codes saying the credentials were refused, whatever the status (a malformed key answers 400).
const AUTH_CODES = new Set([
  'AuthenticationFailed',
  'AuthorizationFailure',
  'AuthorizationPermissionMismatch',
  'InvalidAuthenticationInfo',
  'NoAuthenticationInformation',
]);

export interface AzureOptions {
  /** endpoint is the service URL; without a scheme it is https (http with `insecure`). */
  endpoint: string;
  container: string;
  insecure?: boolean;
  credential?: AzureCredential;
  /** secretName names the Secret the credential came from, in errors. */
  secretName?: string;
  tls?: TlsOptions;
  proxy?: ProxyOptions;
  pageSize?: number;
}

/** parseAzureEndpoint reads spec.endpoint as a service URL, accepting `host[:port]` as well. */
export function parseAzureEndpoint(endpoint: string, insecure: boolean): URL {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//iu.test(endpoint)
    ? endpoint
    : `${insecure ? 'http' : 'https'}://${endpoint}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch (cause) {
    throw new BucketError('bad-config', `invalid endpoint '${endpoint}': not a URL`, { cause });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new BucketError('bad-config', `invalid endpoint '${endpoint}': expected an http:// or https:// URL`);
  }
  if (url.username || url.password || url.hash) {
    throw new BucketError('bad-config', `invalid endpoint '${endpoint}': credentials and fragments are not allowed`);
  }
  return url;
}

/** AzureBlobClient reads one container of Azure Blob Storage (or Azurite). */
export class AzureBlobClient implements BucketClient {
  readonly #opts: AzureOptions;
  readonly #base: URL;
  readonly #http: HttpClient;
  readonly #tokens: EntraTokenSource | undefined;

  constructor(opts: AzureOptions) {
    this.#opts = opts;
    this.#base = parseAzureEndpoint(opts.endpoint, opts.insecure ?? false);
    this.#http = new HttpClient({
      ...(opts.tls ? { tls: opts.tls } : {}),
      ...(opts.proxy ? { proxy: opts.proxy } : {}),
      userAgent: 'fluxts-source-controller',
    });
    const cred = opts.credential;
    if (cred?.type === 'client-secret' || cred?.type === 'client-certificate') {
      if (this.#base.protocol !== 'https:') {
        throw new BucketError(
          'bad-config',
          `authenticated requests are not permitted for non TLS protected (https) endpoints: '${this.#base.origin}'`,
        );
      }
      this.#tokens = new EntraTokenSource(cred, this.#http, opts.secretName ?? 'secretRef');
    } else if (cred?.type === 'managed-identity') {
      throw new BucketError('bad-config', 'managed identity credentials are not supported by this client');
    }
  }

  async bucketExists(signal?: AbortSignal): Promise<boolean> {
    const subject = `listing objects of container '${this.#opts.container}'`;
    const res = await this.#send(this.#containerUrl({ maxresults: '1' }), subject, signal);
    if (res.status === 200) {
      res.body.resume();
      return true;
    }
    const err = await this.#failure(res, subject);
    if (err.code === 'ContainerNotFound') return false;
    if (err.code === 'AuthenticationFailed') {
      throw new BucketError(
        'auth',
        `the specified bucket name may be incorrect, nonexistent, or the caller might lack sufficient permissions to access it: ${err.message}`,
        { cause: err, code: err.code, ...(err.status ? { status: err.status } : {}) },
      );
    }
    throw err;
  }

  /** visitObjects lists the whole container: source-controller's Azure provider does not apply spec.prefix. */
  async visitObjects(_prefix: string | undefined, visit: ObjectVisitor, signal?: AbortSignal): Promise<void> {
    const subject = `listing objects from bucket '${this.#opts.container}'`;
    let marker: string | undefined;
    do {
      const q: Record<string, string> = {};
      if (marker) q['marker'] = marker;
      if (this.#opts.pageSize) q['maxresults'] = String(this.#opts.pageSize);
      const res = await this.#send(this.#containerUrl(q), subject, signal);
      if (res.status !== 200) throw await this.#failure(res, subject);
      const doc = parseXml(await readText(res, MAX_XML, subject));
      for (const blobs of childrenNamed(doc, 'Blobs')) {
        for (const blob of childrenNamed(blobs, 'Blob')) {
          const nameEl = childrenNamed(blob, 'Name')[0];
          if (!nameEl) continue;
          // Names with characters XML cannot carry come percent-encoded, flagged Encoded="true".
          const name = nameEl.attributes['Encoded'] === 'true' ? decodeURIComponent(nameEl.text) : nameEl.text;
          const props = childrenNamed(blob, 'Properties')[0];
          const etag = props ? (childText(props, 'Etag') ?? '') : '';
          // source-controller formats the listed ETag with %x: the hex of its bytes.
          visit(name, Buffer.from(etag, 'utf8').toString('hex'));
        }
      }
      marker = childText(doc, 'NextMarker') || undefined;
    } while (marker);
  }

  /** getObject returns the ETag header as the service sent it (quoted), as azblob's download does. */
  async getObject(key: string, file: string, signal?: AbortSignal): Promise<string> {
    const subject = `GET object '${key}' of container '${this.#opts.container}'`;
    const path = key.split('/').map(encodeURIComponent).join('/');
    const res = await this.#send(this.#url(`${encodeURIComponent(this.#opts.container)}/${path}`, {}), subject, signal);
    if (res.status !== 200) throw await this.#failure(res, subject);
    const etag = res.headers['etag'];
    try {
      await saveBody(res, file, signal);
    } catch (err) {
      throw asBucketError(subject, err);
    }
    return typeof etag === 'string' ? etag : '';
  }

  close(): void {
    this.#http.close();
  }

  #containerUrl(extra: Record<string, string>): URL {
    return this.#url(encodeURIComponent(this.#opts.container), { restype: 'container', comp: 'list', ...extra });
  }

  /** url joins a path under the endpoint's path and merges the endpoint's query (a SAS there stays). */
  #url(path: string, query: Record<string, string>): URL {
    const base = new URL(this.#base);
    base.pathname = `${base.pathname.replace(/\/+$/u, '')}/${path}`;
    for (const [k, v] of Object.entries(query)) base.searchParams.set(k, v);
    const cred = this.#opts.credential;
    if (cred?.type === 'sas')
      for (const [k, v] of cred.query) if (!base.searchParams.has(k)) base.searchParams.append(k, v);
    return base;
  }

  async #send(url: URL, subject: string, signal?: AbortSignal): Promise<HttpResponse> {
    const headers: Record<string, string> = {
      'x-ms-date': new Date().toUTCString(),
      'x-ms-version': AZURE_STORAGE_VERSION,
    };
    const cred = this.#opts.credential;
    try {
      if (cred?.type === 'shared-key') {
        headers['authorization'] = sharedKeyAuthorization({ method: 'GET', url, headers }, cred.account, cred.key);
      } else if (this.#tokens) {
        headers['authorization'] = `Bearer ${await this.#tokens.token(signal)}`;
      }
      return await this.#http.send({ method: 'GET', url, headers, ...(signal ? { signal } : {}) });
    } catch (err) {
      throw asBucketError(subject, err);
    }
  }

  /** failure reads a Blob service error (`x-ms-error-code`, `<Error><Code/><Message/></Error>`). */
  async #failure(res: HttpResponse, subject: string): Promise<BucketError> {
    const text = await readText(res, MAX_XML, subject).catch(() => '');
    const header = res.headers['x-ms-error-code'];
    let code = typeof header === 'string' ? header : undefined;
    let message: string | undefined;
    try {
      const doc = text ? parseXml(text) : undefined;
      code ??= doc ? childText(doc, 'Code') : undefined;
      message = doc ? childText(doc, 'Message')?.split('\n')[0] : undefined;
    } catch {
      // Not an error document: the status and code say enough.
    }
    const kind =
      code === 'ContainerNotFound' || code === 'BlobNotFound'
        ? 'not-found'
        : code !== undefined && AUTH_CODES.has(code)
          ? 'auth'
          : statusKind(res.status);
    const what = [code, message].filter(Boolean).join(': ') || `HTTP ${res.status}`;
    return new BucketError(kind, `${subject}: ${what}`, { status: res.status, ...(code ? { code } : {}) });
  }
}
