import { createHash } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';

import { errorMessage } from '../../util/errors.ts';
import { CredentialSource, type TlsMaterial } from './credentials.ts';
import { KubeApiError, KubeConnectionError } from './errors.ts';
import type { KubeConfig } from './kubeconfig.ts';
import { Throttle } from './throttle.ts';
import type { ApiStatus } from './types.ts';

/** RequestOptions describes one API call relative to the cluster's server URL. */
export interface RequestOptions {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
}

/**
 * Transport sends requests over node:http(s) with the kubeconfig's credentials, on keep-alive connections shared
 * by every client with the same TLS material, and turns non-2xx answers into KubeApiError. It is the only place
 * that speaks HTTP to the API server.
 */
export class Transport {
  readonly kubeConfig: KubeConfig;
  readonly #credentials: CredentialSource;
  readonly #rateLimit: { qps: number; burst: number } | undefined;
  readonly #throttles = new Map<string, Throttle>();
  readonly #requestTimeoutMs: number | undefined;
  readonly #callTimeoutMs: number | undefined;

  /**
   * The optional rate limit is `--kube-api-qps`/`--kube-api-burst` with the semantics Flux's controllers get from
   * controller-runtime: every resource (group, version, resource) has its own REST client, and so its own token
   * bucket of that size; discovery has one more. The optional request timeout aborts any call (response body
   * included) still in flight after that long, besides each call's own signal (the CLI's `--timeout`). The
   * optional call timeout bounds what a long-running process must never wait for forever: a plain call to its
   * last body byte, a watch until its response starts (its body then lasts as long as the server keeps it open,
   * `timeoutSeconds`), so a server that accepts and never answers cannot hang a controller's worker or informer.
   */
  constructor(
    kubeConfig: KubeConfig,
    rateLimit?: { qps: number; burst: number },
    requestTimeoutMs?: number,
    callTimeoutMs?: number,
  ) {
    this.kubeConfig = kubeConfig;
    this.#credentials = new CredentialSource(kubeConfig);
    this.#rateLimit = rateLimit;
    this.#requestTimeoutMs = requestTimeoutMs;
    this.#callTimeoutMs = callTimeoutMs;
  }

  /** #withTimeout adds an abort after ms (none for 0 or less) to a call's signal; clear() disarms it. */
  #withTimeout(opts: RequestOptions, ms: number | undefined): { opts: RequestOptions; clear(): void } {
    if (ms === undefined || ms <= 0) return { opts, clear: () => undefined };
    const timeout = new AbortController();
    const timer = setTimeout(
      () => timeout.abort(new KubeConnectionError(`${opts.method} ${opts.path}: no answer within ${ms} ms`)),
      ms,
    );
    const signal = opts.signal ? AbortSignal.any([timeout.signal, opts.signal]) : timeout.signal;
    return { opts: { ...opts, signal }, clear: () => clearTimeout(timer) };
  }

  /** #bounded adds the transport's request timeout to a call's own signal. */
  #bounded(opts: RequestOptions): RequestOptions {
    // 0 (or less) means no limit, as a zero Go duration does for a client timeout.
    if (this.#requestTimeoutMs === undefined || this.#requestTimeoutMs <= 0) return opts;
    const timeout = AbortSignal.timeout(this.#requestTimeoutMs);
    return { ...opts, signal: opts.signal ? AbortSignal.any([timeout, opts.signal]) : timeout };
  }

  /** request sends one call and returns the decoded JSON body (undefined for an empty body). */
  async request<T>(opts: RequestOptions): Promise<T> {
    // The rate limiter's wait comes first: a call queued behind the client's own budget has not yet been sent.
    await this.#throttleFor(opts.path)?.wait();
    const call = this.#withTimeout(this.#bounded(opts), this.#callTimeoutMs);
    opts = call.opts;
    try {
      const response = await this.#send(opts);
      const text = await readText(response, opts);
      const code = response.statusCode ?? 0;
      if (code >= 300) throw apiError(opts, code, text);
      return (text === '' ? undefined : JSON.parse(text)) as T;
    } finally {
      call.clear();
    }
  }

  /** stream sends one call and returns the response body as a byte stream (used for watches). */
  async stream(opts: RequestOptions): Promise<ReadableStream<Uint8Array>> {
    await this.#throttleFor(opts.path)?.wait();
    const call = this.#withTimeout(this.#bounded(opts), this.#callTimeoutMs);
    opts = call.opts;
    let response: IncomingMessage;
    try {
      response = await this.#send(opts);
    } finally {
      call.clear();
    }
    const code = response.statusCode ?? 0;
    if (code >= 300) throw apiError(opts, code, await readText(response, opts));
    return Readable.toWeb(response) as ReadableStream<Uint8Array>;
  }

  #throttleFor(path: string): Throttle | undefined {
    if (!this.#rateLimit) return undefined;
    const key = rateLimitKey(path);
    let throttle = this.#throttles.get(key);
    if (!throttle) {
      throttle = new Throttle(this.#rateLimit.qps, this.#rateLimit.burst);
      this.#throttles.set(key, throttle);
    }
    return throttle;
  }

  async #send(opts: RequestOptions): Promise<IncomingMessage> {
    let credentials;
    try {
      credentials = await this.#credentials.resolve();
    } catch (err) {
      throw new KubeConnectionError(`${opts.method} ${opts.path}: ${errorMessage(err)}`, { cause: err });
    }
    const url = new URL(credentials.server + opts.path);
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string | string[]> = { Accept: 'application/json', ...credentials.headers };
    let body: string | undefined;
    if (opts.body !== undefined) {
      body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
      headers['Content-Type'] = opts.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(body));
    }
    const https = url.protocol === 'https:';
    const send = https ? httpsRequest : httpRequest;
    // mayRetry: the server may close a kept-alive connection while it sits idle in the pool (the apiserver does
    // after a while), and the request that finds out first goes once more on a fresh connection, as Go's transport
    // does. Any other failure, or a second one, is the caller's. Only a request without a response may go again:
    // an error after the response (the connection reset while the body streams) is the body reader's to report,
    // and sending again then would repeat a DELETE or PUT the server has already carried out (and, unobserved,
    // the retry's own failure was an unhandled rejection that killed the process: test/chaos/watch-drop).
    const attempt = (mayRetry: boolean): Promise<IncomingMessage> =>
      new Promise<IncomingMessage>((resolve, reject) => {
        const req = send(url, {
          method: opts.method,
          headers,
          agent: https ? httpsAgentFor(credentials.tls) : plainAgent,
          ...(opts.signal ? { signal: opts.signal } : {}),
        });
        let responded = false;
        req.once('response', (response) => {
          responded = true;
          resolve(response);
        });
        req.on('error', (err) => {
          if (responded) return;
          if (mayRetry && req.reusedSocket && isIdleClose(err, opts.method)) attempt(false).then(resolve, reject);
          else reject(err);
        });
        req.end(body);
      });
    try {
      const response = await attempt(true);
      if (response.statusCode === 401) this.#credentials.invalidate();
      return response;
    } catch (err) {
      if (opts.signal?.aborted) throw abortError(opts.signal, err);
      throw new KubeConnectionError(`${opts.method} ${url.pathname}: ${errorMessage(err)}`, { cause: err });
    }
  }
}

/**
 * isIdleClose: the errors a request on a connection the peer has closed ends in. EPIPE means the request was never
 * written, so any method may go again; after ECONNRESET the server may have read it, so only idempotent methods do.
 */
function isIdleClose(err: Error, method: RequestOptions['method']): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EPIPE') return true;
  return code === 'ECONNRESET' && method !== 'POST' && method !== 'PATCH';
}

/**
 * rateLimitKey names the REST client a path belongs to: `group/version/resource` for resource paths
 * (`/apis/apps/v1/namespaces/x/deployments/y` → `apps/v1/deployments`), the group-version for discovery.
 */
export function rateLimitKey(path: string): string {
  const parts = path
    .split('?')[0]!
    .split('/')
    .filter((p) => p !== '');
  let rest: string[];
  let groupVersion: string;
  if (parts[0] === 'api') {
    groupVersion = parts[1] ?? '';
    rest = parts.slice(2);
  } else if (parts[0] === 'apis') {
    groupVersion = `${parts[1] ?? ''}/${parts[2] ?? ''}`;
    rest = parts.slice(3);
  } else {
    return parts[0] ?? '';
  }
  // `namespaces/<ns>/<resource>…` addresses a namespaced resource; `namespaces[/<name>]` the Namespaces themselves.
  if (rest[0] === 'namespaces' && rest.length > 2) rest = rest.slice(2);
  return rest.length > 0 ? `${groupVersion}/${rest[0]}` : groupVersion;
}

async function readText(response: IncomingMessage, opts: RequestOptions): Promise<string> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of response) chunks.push(chunk as Buffer);
  } catch (err) {
    if (opts.signal?.aborted) throw abortError(opts.signal, err);
    throw new KubeConnectionError(`${opts.method} ${opts.path}: response cut: ${errorMessage(err)}`, { cause: err });
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * abortError is what an aborted call fails with: the call timeout's own KubeConnectionError (it says how long
 * was waited), or the AbortError of the caller's signal, which callers recognise as their own cancellation.
 */
function abortError(signal: AbortSignal, err: unknown): unknown {
  return signal.reason instanceof KubeConnectionError ? signal.reason : err;
}

function apiError(opts: RequestOptions, code: number, text: string): KubeApiError {
  let status: ApiStatus | undefined;
  try {
    status = JSON.parse(text) as ApiStatus;
  } catch {
    status = text ? { message: text.slice(0, 500) } : undefined;
  }
  return new KubeApiError(`${opts.method} ${opts.path}`, code, status);
}

const plainAgent = new HttpAgent({ keepAlive: true });
const agents = new Map<string, HttpsAgent>();
const MAX_AGENTS = 8;

/**
 * httpsAgentFor returns the keep-alive agent for one TLS setup. Reusing connections matters: a new TLS handshake
 * per request measured 23 ms per GET against 2.7 ms on a kept-alive connection. Impersonating clients differ only
 * in headers, so they share their parent's agent; a rotated client certificate gives a new one.
 */
function httpsAgentFor(tls: TlsMaterial): HttpsAgent {
  const key = tlsKey(tls);
  let agent = agents.get(key);
  if (!agent) {
    if (agents.size >= MAX_AGENTS) {
      const [oldest, old] = agents.entries().next().value ?? [];
      if (oldest !== undefined) agents.delete(oldest);
      old?.destroy();
    }
    agent = new HttpsAgent({ keepAlive: true, ...tls });
    agents.set(key, agent);
  }
  return agent;
}

function tlsKey(tls: TlsMaterial): string {
  const hash = createHash('sha256');
  for (const part of [tls.ca, tls.cert, tls.key]) {
    if (part) hash.update(part);
    hash.update('\0');
  }
  hash.update(`${tls.rejectUnauthorized}|${tls.servername ?? ''}`);
  return hash.digest('hex');
}
