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
