import { createHash } from 'node:crypto';

import { IsomorphicFetchHttpLibrary, RequestContext, type KubeConfig } from '@kubernetes/client-node';

import { errorMessage } from '../util/errors.ts';
import { KubeApiError, KubeConnectionError } from './errors.ts';
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
 * Transport sends requests with client-node's authentication (certificates, tokens, exec plugins) and its undici
 * dispatcher, and turns non-2xx answers into KubeApiError. It is the only place that touches client-node's HTTP.
 */
export class Transport {
  readonly kubeConfig: KubeConfig;
  readonly #http = new IsomorphicFetchHttpLibrary();
  readonly #throttle: Throttle | undefined;

  /** The optional rate limit is client-go's `--kube-api-qps`/`--kube-api-burst`. */
  constructor(kubeConfig: KubeConfig, rateLimit?: { qps: number; burst: number }) {
    this.kubeConfig = kubeConfig;
    shareDispatchers(kubeConfig);
    this.#throttle = rateLimit ? new Throttle(rateLimit.qps, rateLimit.burst) : undefined;
  }

  /** request sends one call and returns the decoded JSON body (undefined for an empty body). */
  async request<T>(opts: RequestOptions): Promise<T> {
    const response = await this.#send(opts);
    const text = await response.body.text();
    if (response.httpStatusCode >= 300) throw apiError(opts, response.httpStatusCode, text);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  /** stream sends one call and returns the response body as a byte stream (used for watches). */
  async stream(opts: RequestOptions): Promise<ReadableStream<Uint8Array>> {
    const response = await this.#send(opts);
    if (response.httpStatusCode >= 300) throw apiError(opts, response.httpStatusCode, await response.body.text());
    const body = response.body.stream();
    if (!body) throw new KubeConnectionError(`${opts.method} ${opts.path}: empty response stream`);
    return body;
  }

  async #send(opts: RequestOptions) {
    const cluster = this.kubeConfig.getCurrentCluster();
    if (!cluster) throw new KubeConnectionError('kubeconfig: no current cluster');
    const url = new URL(cluster.server.replace(/\/$/, '') + opts.path);
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const ctx = new RequestContext(url.toString(), opts.method);
    ctx.setHeaderParam('Accept', 'application/json');
    if (opts.body !== undefined) {
      ctx.setHeaderParam('Content-Type', opts.contentType ?? 'application/json');
      ctx.setBody(typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body));
    }
    if (opts.signal) ctx.setSignal(opts.signal);
    await this.kubeConfig.applySecurityAuthentication(ctx);
    await this.#throttle?.wait();
    try {
      return await this.#http.send(ctx).toPromise();
    } catch (err) {
      if (opts.signal?.aborted) throw err;
      throw new KubeConnectionError(`${opts.method} ${url.pathname}: ${errorMessage(err)}`, { cause: err });
    }
  }
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

/** The part of KubeConfig that builds undici dispatchers (`createDispatcher` is private in its typings). */
interface DispatcherFactory {
  createDispatcher(cluster: unknown, agentOptions: unknown): { close(): Promise<void> } | undefined;
}

const shared = new WeakSet<KubeConfig>();
const MAX_DISPATCHERS = 8;

/**
 * shareDispatchers makes a KubeConfig reuse one undici dispatcher per distinct TLS setup instead of building a new
 * one (and a new TLS connection) for every request, which is what client-node's applySecurityAuthentication does:
 * measured 23 ms per GET against 2.7 ms with a kept-alive connection. Headers (tokens from exec plugins) are still
 * applied per request; a rotated client certificate gives a new key, so a new dispatcher.
 */
function shareDispatchers(kubeConfig: KubeConfig): void {
  if (shared.has(kubeConfig)) return;
  shared.add(kubeConfig);
  const factory = kubeConfig as unknown as DispatcherFactory;
  const build = factory.createDispatcher.bind(kubeConfig);
  const cache = new Map<string, ReturnType<DispatcherFactory['createDispatcher']>>();
  factory.createDispatcher = (cluster, agentOptions) => {
    const key = dispatcherKey(cluster, agentOptions);
    if (!cache.has(key)) {
      if (cache.size >= MAX_DISPATCHERS) {
        const [oldest, dispatcher] = cache.entries().next().value ?? [];
        if (oldest !== undefined) cache.delete(oldest);
        void dispatcher?.close().catch(() => undefined);
      }
      cache.set(key, build(cluster, agentOptions));
    }
    return cache.get(key);
  };
}

/** dispatcherKey identifies a TLS setup by the cluster's server and proxy and a hash of the TLS material. */
function dispatcherKey(cluster: unknown, agentOptions: unknown): string {
  const c = (cluster ?? {}) as { server?: string; proxyUrl?: string };
  const o = (agentOptions ?? {}) as Record<string, unknown>;
  const hash = createHash('sha256');
  for (const field of ['ca', 'cert', 'key', 'pfx', 'passphrase', 'servername', 'rejectUnauthorized']) {
    const value = o[field];
    hash.update(`${field}:`);
    if (value instanceof Uint8Array) hash.update(value);
    else if (typeof value === 'string' || typeof value === 'boolean') hash.update(String(value));
    else if (Array.isArray(value))
      for (const item of value as unknown[]) hash.update(item instanceof Uint8Array ? item : JSON.stringify(item));
    hash.update('\0');
  }
  return `${c.server ?? ''}|${c.proxyUrl ?? ''}|${hash.digest('hex')}`;
}
