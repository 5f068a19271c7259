// HTTP for providers: one request with TLS and proxy settings, and the retry policy Flux's notifiers use
// (hashicorp/go-retryablehttp: 4 retries, exponential backoff from 2s capped at 30s, Retry-After honoured on
// 429/503, retries on connection errors, 429 and 5xx except 501). Error messages never show a URL's path or
// query: webhook URLs carry their secret there (Slack, Discord, Telegram, Teams).
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

import { FluxtsError, errorMessage } from '../../../util/errors.ts';
import { sleep } from '../../../util/sleep.ts';

/** ProviderHttpError is a failed provider request; its message is safe to put in events and logs. */
export class ProviderHttpError extends FluxtsError {}

/** TlsSettings are PEM strings from `certSecretRef` (or the Secret of a Git provider). */
export interface TlsSettings {
  ca?: string;
  cert?: string;
  key?: string;
}

/** Transport is how a provider reaches its service. */
export interface Transport {
  tls?: TlsSettings;
  /** proxy is an http(s) proxy URL, credentials in its userinfo. */
  proxy?: string;
}

/** RetryPolicy tunes the backoff (tests shorten it); the defaults are Flux's. */
export interface RetryPolicy {
  retries: number;
  minWaitMs: number;
  maxWaitMs: number;
}

export const FLUX_RETRY_POLICY: RetryPolicy = { retries: 4, minWaitMs: 2000, maxWaitMs: 30_000 };

/** HttpResponse is a fully read response. */
export interface HttpResponse {
  status: number;
  statusText: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  transport?: Transport;
  signal?: AbortSignal;
  /** maxResponseBytes bounds how much of an answer is kept (default 1 MiB). */
  maxResponseBytes?: number;
}

/** redactUrl shows only scheme and host: paths and queries of webhook URLs are secrets. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname && u.pathname !== '/' ? '/…' : ''}`;
  } catch {
    return '<invalid URL>';
  }
}

function agentFor(url: URL, transport: Transport | undefined): HttpAgent | undefined {
  const tls = transport?.tls;
  const proxy = transport?.proxy;
  if (!tls && !proxy) return undefined;
  const proxyEnv = proxy ? { HTTP_PROXY: proxy, HTTPS_PROXY: proxy } : undefined;
  if (url.protocol === 'https:') {
    return new HttpsAgent({
      ...(tls?.ca ? { ca: tls.ca } : {}),
      ...(tls?.cert && tls.key ? { cert: tls.cert, key: tls.key } : {}),
      ...(proxyEnv ? { proxyEnv } : {}),
    });
  }
  return new HttpAgent(proxyEnv ? { proxyEnv } : {});
}

/** send performs one HTTP request and reads the whole answer. */
export function send(req: HttpRequest): Promise<HttpResponse> {
  let url: URL;
  try {
    url = new URL(req.url);
  } catch (cause) {
    return Promise.reject(new ProviderHttpError(`invalid URL ${redactUrl(req.url)}`, { cause }));
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return Promise.reject(new ProviderHttpError(`unsupported protocol scheme "${url.protocol.replace(':', '')}"`));
  }
  const agent = agentFor(url, req.transport);
  const body = req.body === undefined ? undefined : Buffer.from(req.body);
  const limit = req.maxResponseBytes ?? 1024 * 1024;
  return new Promise<HttpResponse>((resolve, reject) => {
    const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(
      url,
      {
        method: req.method,
        headers: { ...(body ? { 'Content-Length': String(body.length) } : {}), ...req.headers },
        ...(agent ? { agent } : {}),
        ...(req.signal ? { signal: req.signal } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size <= limit) chunks.push(c);
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            statusText: res.statusMessage ?? '',
            headers: res.headers,
            body: Buffer.concat(chunks),
          }),
        );
        res.on('error', reject);
      },
    );
    request.on('error', reject);
    request.on('close', () => agent?.destroy());
    request.end(body);
  });
}

/** certificateError tells TLS verification failures apart: those are not retried. */
function certificateError(err: unknown): boolean {
  const code = (err as { code?: string }).code ?? '';
  return /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code);
}

function retryAfterMs(res: HttpResponse): number | undefined {
  if (res.status !== 429 && res.status !== 503) return undefined;
  const header = res.headers['retry-after'] as string | string[] | undefined;
  const value: string | undefined = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/**
 * sendWithRetry is `send` under the retry policy. A 4xx answer (other than 429) is returned to the caller; an
 * answer still failing after the last retry, or a connection error, is a ProviderHttpError.
 */
export async function sendWithRetry(req: HttpRequest, policy: RetryPolicy = FLUX_RETRY_POLICY): Promise<HttpResponse> {
  const where = `${req.method} ${redactUrl(req.url)}`;
  for (let attempt = 0; ; attempt++) {
    let res: HttpResponse | undefined;
    let failure: string;
    try {
      res = await send(req);
      if (res.status !== 429 && !(res.status >= 500 && res.status !== 501) && res.status !== 0) return res;
      failure = `unexpected HTTP status ${res.status} ${res.statusText}`;
    } catch (err) {
      if (req.signal?.aborted) throw new ProviderHttpError(`${where}: ${abortReason(req.signal)}`, { cause: err });
      if (err instanceof ProviderHttpError || certificateError(err)) {
        throw new ProviderHttpError(`${where}: ${errorMessage(err)}`, { cause: err });
      }
      failure = errorMessage(err);
    }
    if (attempt >= policy.retries) {
      throw new ProviderHttpError(`${where} giving up after ${attempt + 1} attempt(s): ${failure}`);
    }
    const wait = (res && retryAfterMs(res)) ?? Math.min(policy.maxWaitMs, policy.minWaitMs * 2 ** attempt);
    try {
      await sleep(wait, req.signal);
    } catch {
      throw new ProviderHttpError(`${where}: ${abortReason(req.signal)} (last error: ${failure})`);
    }
  }
}

function abortReason(signal: AbortSignal | undefined): string {
  const reason: unknown = signal?.reason;
  if (reason instanceof Error && reason.name === 'TimeoutError') return 'context deadline exceeded';
  return 'context canceled';
}

/** responseError is Flux's default answer check: 2xx is success, anything else an error with the body. */
export function responseError(res: HttpResponse): string | undefined {
  if (res.status >= 200 && res.status < 300) return undefined;
  const body = res.body.toString('utf8');
  return `request failed with status code ${res.status}: ${body.length > 1024 ? `${body.slice(0, 1024)}…` : body}`;
}

/** PostOptions are postMessage's variations: a raw body with its content type, auth, extra headers, method. */
export interface PostOptions {
  transport?: Transport;
  contentType?: string;
  basicAuth?: { username: string; password: string };
  headers?: Record<string, string>;
  method?: string;
  /** validate replaces the 2xx check (Slack's chat.postMessage answers 200 with `ok: false`). */
  validate?: (res: HttpResponse) => string | undefined;
  retry?: RetryPolicy;
  signal?: AbortSignal;
}

/**
 * postMessage sends a JSON payload (or a raw body with `contentType`), the way Flux's notifiers do, and throws a
 * ProviderHttpError when the answer is not accepted.
 */
export async function postMessage(
  url: string,
  body: string | Buffer,
  options: PostOptions = {},
): Promise<HttpResponse> {
  const headers: Record<string, string> = { 'Content-Type': options.contentType ?? 'application/json' };
  if (options.basicAuth) {
    const { username, password } = options.basicAuth;
    headers['Authorization'] = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  }
  // Later headers replace earlier ones whatever their case, like Go's Header.Set.
  for (const [key, value] of Object.entries(options.headers ?? {})) {
    for (const existing of Object.keys(headers))
      if (existing.toLowerCase() === key.toLowerCase()) delete headers[existing];
    headers[key] = value;
  }
  const res = await sendWithRetry(
    {
      method: options.method ?? 'POST',
      url,
      headers,
      body,
      ...(options.transport ? { transport: options.transport } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    },
    options.retry,
  );
  const problem = (options.validate ?? responseError)(res);
  if (problem !== undefined) throw new ProviderHttpError(`request failed: ${problem}`);
  return res;
}
