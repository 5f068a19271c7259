// RegistryClient: the OCI distribution API for one registry (ping and auth, tags with paging, manifests, blobs
// streamed and digest-verified, pushes, referrers with the tag-schema fallback).
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { OutgoingHttpHeaders } from 'node:http';
import { pipeline as pipelineCallback, Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import { basicAuthorization, fetchToken, parseChallenge, type Challenge, type Token } from './auth.ts';
import { OCIError, type RegistryErrorDetail } from './errors.ts';
import { anonymous, type Keychain, type RegistryCredentials } from './keychain.ts';
import { parseManifest, type Descriptor, type ImageIndex, type Manifest } from './manifest.ts';
import { MANIFEST_ACCEPT, MediaType } from './media-types.ts';
import { isLocalRegistry, isValidDigest } from './reference.ts';
import {
  classifyNetworkError,
  drain,
  HttpClient,
  readBody,
  type HttpRequest,
  type HttpResponse,
  type ProxyOptions,
  type TlsOptions,
} from './transport.ts';

/** MAX_MANIFEST_BYTES bounds manifests and indexes, as Go's registry client does (4 MiB). */
export const MAX_MANIFEST_BYTES = 4 << 20;

export interface RegistryClientOptions {
  /** registry is `host[:port]`. */
  registry: string;
  /** keychain provides credentials per repository; anonymous by default. */
  keychain?: Keychain;
  /**
   * insecure allows plain HTTP (OCIRepository `spec.insecure`, `--insecure-registry`). HTTPS is tried first and
   * HTTP used when the TLS connection fails; localhost, loopback, `*.local` and private addresses get the same
   * fallback without the flag, as Go's registry client gives them.
   */
  insecure?: boolean;
  tls?: TlsOptions;
  proxy?: ProxyOptions;
  userAgent?: string;
}

/** OpOptions are per-operation: an AbortSignal (spec.timeout) to bound it. */
export interface OpOptions {
  signal?: AbortSignal;
}

/** FetchedManifest is a manifest with its descriptor; `digest` is computed from the bytes. */
export interface FetchedManifest {
  descriptor: Descriptor;
  manifest: Manifest;
  bytes: Buffer;
}

type Action = 'pull' | 'pull,push';

/** digestOf computes `sha256:<hex>` of bytes. */
export function digestOf(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/**
 * RegistryClient talks to one registry. It is cheap to create; close() releases its keep-alive sockets. Scheme
 * and authentication are discovered once (`GET /v2/`), bearer tokens cached per repository scope until expiry.
 * @example
 *   const c = new RegistryClient({ registry: 'ghcr.io', keychain });
 *   try { const tags = await c.listTags('org/app'); } finally { c.close(); }
 */
export class RegistryClient {
  readonly registry: string;
  readonly #keychain: Keychain;
  readonly #http: HttpClient;
  readonly #allowHttp: boolean;
  #base: Promise<{ origin: string; challenge: Challenge }> | undefined;
  readonly #tokens = new Map<string, Token>();

  constructor(opts: RegistryClientOptions) {
    this.registry = opts.registry;
    this.#keychain = opts.keychain ?? anonymous;
    this.#allowHttp = opts.insecure === true || isLocalRegistry(opts.registry);
    const httpOpts = {
      ...(opts.tls ? { tls: opts.tls } : {}),
      ...(opts.proxy ? { proxy: opts.proxy } : {}),
      ...(opts.userAgent ? { userAgent: opts.userAgent } : {}),
    };
    this.#http = new HttpClient(httpOpts);
  }

  close(): void {
    this.#http.close();
  }

  /** ping checks that the registry answers the distribution API and returns its origin (scheme://host). */
  async ping(opts: OpOptions = {}): Promise<string> {
    return (await this.#discover(opts.signal)).origin;
  }

  #discover(signal: AbortSignal | undefined): Promise<{ origin: string; challenge: Challenge }> {
    this.#base ??= this.#probe(signal);
    // A failed discovery is not cached: the next operation tries again.
    this.#base.catch(() => (this.#base = undefined));
    return this.#base;
  }

  async #probe(signal: AbortSignal | undefined): Promise<{ origin: string; challenge: Challenge }> {
    const schemes = this.#allowHttp ? ['https', 'http'] : ['https'];
    let firstError: OCIError | undefined;
    for (const scheme of schemes) {
      const origin = `${scheme}://${this.registry}`;
      const subject = `GET ${origin}/v2/`;
      let res: HttpResponse;
      try {
        res = await this.#http.send({ method: 'GET', url: new URL(`${origin}/v2/`), ...(signal ? { signal } : {}) });
      } catch (err) {
        const e = classifyNetworkError(subject, err);
        firstError ??= e;
        if (e.kind === 'timeout') throw e;
        continue;
      }
      drain(res);
      if (res.status === 200) return { origin, challenge: { scheme: 'none' } };
      if (res.status === 401) return { origin, challenge: parseChallenge(res.headers['www-authenticate']) };
      // Some registries answer /v2/ with 404 or 403 yet serve the API; treat as anonymous until asked otherwise.
      if (res.status === 403 || res.status === 404) return { origin, challenge: { scheme: 'none' } };
      firstError ??= new OCIError('protocol', `${subject}: unexpected HTTP ${res.status}`, { status: res.status });
    }
    throw firstError ?? new OCIError('unreachable', `registry ${this.registry}: no usable scheme`);
  }

  #credentials(repository: string): RegistryCredentials | undefined {
    return this.#keychain.resolve(this.registry, repository);
  }

  async #authorization(
    challenge: Challenge,
    repository: string,
    action: Action,
    signal: AbortSignal | undefined,
    force = false,
  ): Promise<string | undefined> {
    const creds = this.#credentials(repository);
    if (challenge.scheme === 'none') return undefined;
    if (challenge.scheme === 'basic') return basicAuthorization(creds);
    const scope = `repository:${repository}:${action}`;
    const key = `${challenge.realm ?? ''}|${challenge.service ?? ''}|${scope}`;
    const cached = this.#tokens.get(key);
    if (!force && cached && cached.expiresAt - Date.now() > 10_000) return `Bearer ${cached.value}`;
    const token = await fetchToken(this.#http, challenge, [scope], creds, signal);
    this.#tokens.set(key, token);
    return `Bearer ${token.value}`;
  }

  /**
   * #request sends one API request with authentication. A 401 refreshes the challenge and token once (the
   * registry may want another scope, or the token expired). Non-2xx answers other than `accept` become OCIErrors.
   */
  async #request(
    repository: string,
    action: Action,
    build: (origin: string) => HttpRequest,
    opts: { signal?: AbortSignal | undefined; accept?: number[] } = {},
  ): Promise<HttpResponse> {
    const { origin, challenge } = await this.#discover(opts.signal);
    let current = challenge;
    for (let attempt = 0; ; attempt++) {
      const req = build(origin);
      const auth = await this.#authorization(current, repository, action, opts.signal, attempt > 0);
      const headers: OutgoingHttpHeaders = { ...req.headers };
      if (auth) headers['authorization'] = auth;
      const subject = `${req.method} ${req.url.toString()}`;
      let res: HttpResponse;
      try {
        res = await this.#http.send({ ...req, headers, ...(opts.signal ? { signal: opts.signal } : {}) });
      } catch (err) {
        throw classifyNetworkError(subject, err);
      }
      if (res.status === 401 && attempt === 0 && !(req.body instanceof Readable)) {
        const fresh = parseChallenge(res.headers['www-authenticate']);
        drain(res);
        current = fresh.scheme === 'bearer' && fresh.realm ? fresh : current.scheme === 'none' ? fresh : current;
        continue;
      }
      if ((res.status >= 200 && res.status < 300) || opts.accept?.includes(res.status)) return res;
      throw await this.#httpError(subject, res, repository);
    }
  }

  async #httpError(subject: string, res: HttpResponse, repository: string): Promise<OCIError> {
    let details: RegistryErrorDetail[] = [];
    try {
      const body = JSON.parse((await readBody(res, 64 << 10, subject)).toString('utf8')) as {
        errors?: { code?: string; message?: string }[];
      };
      details = (body.errors ?? []).map((e) => ({ code: String(e.code ?? ''), message: String(e.message ?? '') }));
    } catch {
      res.body.destroy();
    }
    const codes = details.map((d) => (d.message ? `${d.code}: ${d.message}` : d.code)).join('; ');
    const suffix = codes ? `: ${codes}` : '';
    const s = res.status;
    if (s === 401 || s === 403) {
      const who = this.#credentials(repository) ? 'the credentials were refused' : 'authentication required';
      return new OCIError('auth', `${subject}: HTTP ${s} (${who})${suffix}`, { status: s, details });
    }
    if (s === 404)
      return new OCIError('not-found', `${subject}: HTTP 404${suffix || ' Not Found'}`, { status: s, details });
    return new OCIError('protocol', `${subject}: HTTP ${s}${suffix}`, { status: s, details });
  }

  /**
   * listTags lists every tag of a repository, following `Link: <…>; rel="next"` pages of `pageSize` tags.
   * @example await client.listTags('org/app') // ['1.0.0', '1.1.0', 'latest']
   */
  async listTags(
    repository: string,
    opts: OpOptions & { pageSize?: number; maxPages?: number } = {},
  ): Promise<string[]> {
    const tags: string[] = [];
    const seen = new Set<string>();
    let next: string | undefined = `/v2/${repository}/tags/list${opts.pageSize ? `?n=${opts.pageSize}` : ''}`;
    for (let page = 0; next !== undefined; page++) {
      if (page >= (opts.maxPages ?? 10_000) || seen.has(next)) {
        throw new OCIError('protocol', `listing tags of ${this.registry}/${repository}: pagination does not end`);
      }
      seen.add(next);
      const path: string = next;
      const res = await this.#request(
        repository,
        'pull',
        (origin) => ({ method: 'GET', url: new URL(path, origin), headers: { accept: 'application/json' } }),
        { signal: opts.signal },
      );
      const subject = `GET ${this.registry}${path}`;
      const body = JSON.parse((await readBody(res, 16 << 20, subject)).toString('utf8')) as { tags?: string[] | null };
      tags.push(...(body.tags ?? []));
      next = nextLink(res.headers['link']);
    }
    return tags;
  }

  /**
   * resolve returns the descriptor a tag or digest points at: HEAD first (`Docker-Content-Digest`), then GET when
   * the registry does not answer HEAD usefully.
   */
  async resolve(repository: string, reference: string, opts: OpOptions = {}): Promise<Descriptor> {
    const path = `/v2/${repository}/manifests/${reference}`;
    try {
      const res = await this.#request(
        repository,
        'pull',
        (origin) => ({ method: 'HEAD', url: new URL(path, origin), headers: { accept: MANIFEST_ACCEPT.join(', ') } }),
        { signal: opts.signal },
      );
      drain(res);
      const digest = header(res, 'docker-content-digest');
      const mediaType = (header(res, 'content-type') ?? '').split(';')[0]?.trim() ?? '';
      const size = Number(header(res, 'content-length') ?? NaN);
      if (digest && isValidDigest(digest) && mediaType && Number.isSafeInteger(size)) {
        if (isValidDigest(reference) && digest !== reference) {
          throw new OCIError('digest-mismatch', `HEAD ${this.registry}${path}: registry answered digest ${digest}`);
        }
        return { mediaType, digest, size };
      }
    } catch (err) {
      // A HEAD answer has no body, so a 404 is final only when GET says so too (some registries refuse HEAD).
      if (
        !(err instanceof OCIError) ||
        err.kind === 'auth' ||
        err.kind === 'unreachable' ||
        err.kind === 'tls' ||
        err.kind === 'timeout'
      )
        throw err;
    }
    return (await this.getManifest(repository, reference, opts)).descriptor;
  }

  /** getManifest downloads a manifest or index; a digest reference is checked against the bytes. */
  async getManifest(
    repository: string,
    reference: string,
    opts: OpOptions & { accept?: readonly string[] } = {},
  ): Promise<FetchedManifest> {
    const path = `/v2/${repository}/manifests/${reference}`;
    const subject = `GET ${this.registry}${path}`;
    const res = await this.#request(
      repository,
      'pull',
      (origin) => ({
        method: 'GET',
        url: new URL(path, origin),
        headers: { accept: (opts.accept ?? MANIFEST_ACCEPT).join(', ') },
      }),
      { signal: opts.signal },
    );
    const bytes = await readBody(res, MAX_MANIFEST_BYTES, subject);
    const digest = digestOf(bytes);
    if (isValidDigest(reference) && reference !== digest) {
      throw new OCIError('digest-mismatch', `${subject}: manifest digest is ${digest}, expected ${reference}`);
    }
    const manifest = parseManifest(bytes, header(res, 'content-type') ?? '', subject);
    return { descriptor: { mediaType: manifest.mediaType, digest, size: bytes.length }, manifest, bytes };
  }

  /**
   * openBlob streams a blob. The stream fails with a `digest-mismatch` error when the content does not hash to
   * the descriptor's digest or has another size, and with `too-large` past `maxBytes`; consumers must not trust
   * what they read before the stream ended without error. Redirects (to object storage) are followed without
   * forwarding the registry's Authorization header to another host.
   */
  async openBlob(
    repository: string,
    desc: Pick<Descriptor, 'digest' | 'size'>,
    opts: OpOptions & { maxBytes?: number } = {},
  ): Promise<Readable> {
    const max = opts.maxBytes ?? Number.MAX_SAFE_INTEGER;
    const subject = `blob ${this.registry}/${repository}@${desc.digest}`;
    if (desc.size > max)
      throw new OCIError('too-large', `${subject}: size ${desc.size} exceeds the limit of ${max} bytes`);
    const path = `/v2/${repository}/blobs/${desc.digest}`;
    let res = await this.#request(repository, 'pull', (origin) => ({ method: 'GET', url: new URL(path, origin) }), {
      signal: opts.signal,
      accept: [301, 302, 303, 307, 308],
    });
    let url = new URL(path, (await this.#discover(opts.signal)).origin);
    for (let hops = 0; res.status >= 300 && res.status < 400; hops++) {
      const location = header(res, 'location');
      drain(res);
      if (!location || hops >= 10) throw new OCIError('protocol', `${subject}: bad redirect`);
      url = new URL(location, url);
      try {
        res = await this.#http.send({ method: 'GET', url, ...(opts.signal ? { signal: opts.signal } : {}) });
      } catch (err) {
        throw classifyNetworkError(`GET ${url.origin}${url.pathname}`, err);
      }
      if (res.status >= 400) throw await this.#httpError(`GET ${url.origin}${url.pathname}`, res, repository);
    }
    const verifier = new VerifyingStream(subject, desc.digest, desc.size, max);
    // pipeline (not pipe) so that a reset connection fails the verifier instead of ending it early.
    pipelineCallback(res.body, verifier, () => {});
    return verifier;
  }

  /** readBlob reads a small blob (configs, signatures) into memory, verified. */
  async readBlob(
    repository: string,
    desc: Pick<Descriptor, 'digest' | 'size'>,
    opts: OpOptions & { maxBytes?: number } = {},
  ): Promise<Buffer> {
    const stream = await this.openBlob(repository, desc, { ...opts, maxBytes: opts.maxBytes ?? 16 << 20 });
    const chunks: Buffer[] = [];
    for await (const c of stream as AsyncIterable<Buffer>) chunks.push(c);
    return Buffer.concat(chunks);
  }

  /** downloadBlob writes a verified blob to `file` (mode 0600); the file is incomplete if it throws. */
  async downloadBlob(
    repository: string,
    desc: Pick<Descriptor, 'digest' | 'size'>,
    file: string,
    opts: OpOptions & { maxBytes?: number } = {},
  ): Promise<void> {
    await pipeline(await this.openBlob(repository, desc, opts), createWriteStream(file, { mode: 0o600 }));
  }

  /** blobExists asks whether the repository already has a blob (HEAD). */
  async blobExists(repository: string, digest: string, opts: OpOptions = {}): Promise<boolean> {
    const res = await this.#request(
      repository,
      'pull',
      (origin) => ({ method: 'HEAD', url: new URL(`/v2/${repository}/blobs/${digest}`, origin) }),
      { signal: opts.signal, accept: [404] },
    );
    drain(res);
    return res.status !== 404;
  }

  /**
   * pushBlob uploads content unless the repository has it already (POST an upload session, then one monolithic
   * PUT with the digest). `content` is bytes, or a file whose digest and size the caller computed.
   */
  async pushBlob(
    repository: string,
    content: { bytes: Buffer } | { file: string; digest: string; size: number },
    mediaType: string,
    opts: OpOptions = {},
  ): Promise<Descriptor> {
    const digest = 'bytes' in content ? digestOf(content.bytes) : content.digest;
    const size = 'bytes' in content ? content.bytes.length : content.size;
    if ('file' in content && (await stat(content.file)).size !== size) {
      throw new OCIError('protocol', `push ${content.file}: file size changed while pushing`);
    }
    const desc: Descriptor = { mediaType, digest, size };
    if (await this.blobExists(repository, digest, opts)) return desc;
    const start = await this.#request(
      repository,
      'pull,push',
      (origin) => ({
        method: 'POST',
        url: new URL(`/v2/${repository}/blobs/uploads/`, origin),
        headers: { 'content-length': '0' },
      }),
      { signal: opts.signal },
    );
    drain(start);
    const location = header(start, 'location');
    if (!location)
      throw new OCIError('protocol', `POST ${this.registry}/v2/${repository}/blobs/uploads/: no Location header`);
    const origin = (await this.#discover(opts.signal)).origin;
    const put = new URL(location, `${origin}/v2/${repository}/blobs/uploads/`);
    put.searchParams.set('digest', digest);
    const res = await this.#request(
      repository,
      'pull,push',
      () => ({
        method: 'PUT',
        url: put,
        headers: { 'content-type': 'application/octet-stream', 'content-length': String(size) },
        body: 'bytes' in content ? content.bytes : createReadStream(content.file),
      }),
      { signal: opts.signal },
    );
    drain(res);
    return desc;
  }

  /** putManifest uploads a manifest under a tag or its digest and returns its descriptor. */
  async putManifest(
    repository: string,
    reference: string,
    bytes: Buffer,
    mediaType: string,
    opts: OpOptions = {},
  ): Promise<Descriptor> {
    const res = await this.#request(
      repository,
      'pull,push',
      (origin) => ({
        method: 'PUT',
        url: new URL(`/v2/${repository}/manifests/${reference}`, origin),
        headers: { 'content-type': mediaType, 'content-length': String(bytes.length) },
        body: bytes,
      }),
      { signal: opts.signal },
    );
    drain(res);
    return { mediaType, digest: digestOf(bytes), size: bytes.length };
  }

  /**
   * referrers lists the manifests whose `subject` is `digest`: the referrers API when the registry has it, else
   * the tag schema fallback (an index tagged `sha256-<hex>`), filtered by `artifactType` when given.
   */
  async referrers(
    repository: string,
    digest: string,
    opts: OpOptions & { artifactType?: string } = {},
  ): Promise<Descriptor[]> {
    const query = opts.artifactType ? `?artifactType=${encodeURIComponent(opts.artifactType)}` : '';
    const path = `/v2/${repository}/referrers/${digest}${query}`;
    const res = await this.#request(
      repository,
      'pull',
      (origin) => ({ method: 'GET', url: new URL(path, origin), headers: { accept: MediaType.OCIIndex } }),
      { signal: opts.signal, accept: [404, 400, 405] },
    );
    let manifests: Descriptor[];
    const contentType = header(res, 'content-type') ?? '';
    if (res.status === 200 && contentType.startsWith(MediaType.OCIIndex)) {
      const bytes = await readBody(res, MAX_MANIFEST_BYTES, `GET ${this.registry}${path}`);
      const index = parseManifest(bytes, MediaType.OCIIndex, `GET ${this.registry}${path}`);
      manifests = index.kind === 'index' ? index.manifests : [];
      // Further pages are rare (one page holds thousands of descriptors); follow them as for tags.
      let next = nextLink(res.headers['link']);
      for (let page = 0; next !== undefined && page < 100; page++) {
        const p: string = next;
        const more = await this.#request(
          repository,
          'pull',
          (origin) => ({ method: 'GET', url: new URL(p, origin), headers: { accept: MediaType.OCIIndex } }),
          { signal: opts.signal },
        );
        const m = parseManifest(
          await readBody(more, MAX_MANIFEST_BYTES, `GET ${this.registry}${p}`),
          MediaType.OCIIndex,
          p,
        );
        if (m.kind === 'index') manifests.push(...m.manifests);
        next = nextLink(more.headers['link']);
      }
    } else {
      drain(res);
      manifests = await this.#referrersByTag(repository, digest, opts.signal);
    }
    return opts.artifactType ? manifests.filter((m) => m.artifactType === opts.artifactType) : manifests;
  }

  async #referrersByTag(repository: string, digest: string, signal: AbortSignal | undefined): Promise<Descriptor[]> {
    try {
      const { manifest } = await this.getManifest(repository, referrersTag(digest), {
        ...(signal ? { signal } : {}),
        accept: [MediaType.OCIIndex],
      });
      return manifest.kind === 'index' ? (manifest as ImageIndex).manifests : [];
    } catch (err) {
      if (err instanceof OCIError && err.kind === 'not-found') return [];
      throw err;
    }
  }
}

/** referrersTag is the fallback tag of the referrers tag schema: `sha256-<hex>`. */
export function referrersTag(digest: string): string {
  return digest.replace(':', '-');
}

function header(res: HttpResponse, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** nextLink extracts the `rel="next"` target of an RFC 8288 Link header. */
export function nextLink(link: string | string[] | undefined): string | undefined {
  const values = Array.isArray(link) ? link : link === undefined ? [] : [link];
  for (const value of values) {
    for (const part of value.split(/,(?=\s*<)/u)) {
      const m = /^\s*<([^>]*)>\s*;(.*)$/su.exec(part);
      if (m && /\brel\s*=\s*"?next"?/iu.test(m[2] ?? '')) return m[1];
    }
  }
  return undefined;
}

/** VerifyingStream passes bytes through while hashing and counting them; it fails at the end on a mismatch. */
class VerifyingStream extends Transform {
  readonly #subject: string;
  readonly #digest: string;
  readonly #size: number;
  readonly #max: number;
  readonly #hash;
  #seen = 0;

  constructor(subject: string, digest: string, size: number, max: number) {
    super();
    const algo = digest.split(':')[0] ?? '';
    if (algo !== 'sha256' && algo !== 'sha512') {
      throw new OCIError('protocol', `${subject}: unsupported digest algorithm '${algo}'`);
    }
    this.#subject = subject;
    this.#digest = digest;
    this.#size = size;
    this.#max = max;
    this.#hash = createHash(algo);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.#seen += chunk.length;
    if (this.#seen > this.#max) {
      cb(new OCIError('too-large', `${this.#subject}: content exceeds the limit of ${this.#max} bytes`));
      return;
    }
    if (this.#size >= 0 && this.#seen > this.#size) {
      cb(
        new OCIError(
          'digest-mismatch',
          `${this.#subject}: content is longer than the ${this.#size} bytes its descriptor declares`,
        ),
      );
      return;
    }
    this.#hash.update(chunk);
    cb(null, chunk);
  }

  override _flush(cb: TransformCallback): void {
    const got = `${this.#digest.split(':')[0] ?? ''}:${this.#hash.digest('hex')}`;
    if (this.#size >= 0 && this.#seen !== this.#size) {
      cb(
        new OCIError('digest-mismatch', `${this.#subject}: got ${this.#seen} bytes, descriptor declares ${this.#size}`),
      );
      return;
    }
    if (got !== this.#digest) {
      cb(new OCIError('digest-mismatch', `${this.#subject}: content digest is ${got}, expected ${this.#digest}`));
      return;
    }
    cb();
  }
}
