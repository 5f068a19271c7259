// HTTP for the registry client: node:http(s) with keep-alive, per-client TLS material (certSecretRef), HTTP(S)
// proxies (CONNECT tunnels for https, absolute-form requests for http) and network errors classified.
import {
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
} from 'node:http';
import {
  Agent as HttpsAgent,
  request as httpsRequest,
  type AgentOptions,
  type RequestOptions as HttpsRequestOptions,
} from 'node:https';
import type { Duplex, Readable } from 'node:stream';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { isIP, type Socket } from 'node:net';

import { OCIError } from './errors.ts';

/** TlsOptions is PEM material: a CA bundle to trust and/or a client certificate and key (mutual TLS). */
export interface TlsOptions {
  ca?: string;
  cert?: string;
  key?: string;
}

/** ProxyOptions is an http:// or https:// proxy (`spec.proxySecretRef`: address, username, password). */
export interface ProxyOptions {
  url: string;
  username?: string;
  password?: string;
}

export interface HttpOptions {
  tls?: TlsOptions;
  proxy?: ProxyOptions;
  userAgent?: string;
}

export interface HttpRequest {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: URL;
  headers?: OutgoingHttpHeaders;
  /** body is sent as is; a stream needs a Content-Length header from the caller. */
  body?: Buffer | Readable;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: IncomingMessage;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ETIMEDOUT',
]);

/** classifyNetworkError turns a socket/TLS failure into an OCIError of kind unreachable, tls or timeout. */
export function classifyNetworkError(subject: string, err: unknown): OCIError {
  if (err instanceof OCIError) return err;
  const e = err as NodeJS.ErrnoException & { name?: string };
  const code = e.code ?? '';
  const msg = e.message ?? String(err);
  if (e.name === 'AbortError' || e.name === 'TimeoutError' || code === 'ABORT_ERR') {
    return new OCIError('timeout', `${subject}: timed out`, { cause: err });
  }
  if (
    /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_SSL|ERR_TLS|EPROTO|certificate|handshake|wrong version number/iu.test(
      `${code} ${msg}`,
    )
  ) {
    return new OCIError('tls', `${subject}: TLS error: ${msg}`, { cause: err });
  }
  if (NETWORK_CODES.has(code)) return new OCIError('unreachable', `${subject}: ${msg}`, { cause: err });
  return new OCIError('unreachable', `${subject}: ${msg}`, { cause: err });
}

function proxyAuthHeader(p: ProxyOptions): string | undefined {
  if (p.username === undefined && p.password === undefined) return undefined;
  return `Basic ${Buffer.from(`${p.username ?? ''}:${p.password ?? ''}`).toString('base64')}`;
}

/**
 * TunnelAgent is an https Agent whose connections go through an HTTP CONNECT tunnel of a proxy; connections to
 * the registry stay keep-alive inside their tunnels.
 */
class TunnelAgent extends HttpsAgent {
  readonly #proxy: URL;
  readonly #auth: string | undefined;
  readonly #proxyTls: TlsOptions | undefined;

  constructor(proxy: ProxyOptions, tls: AgentOptions, proxyTls: TlsOptions | undefined) {
    super(tls);
    this.#proxy = new URL(proxy.url);
    this.#auth = proxyAuthHeader(proxy);
    this.#proxyTls = proxyTls;
  }

  override createConnection(
    options: HttpsRequestOptions,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    // The callback form lets the tunnel be set up asynchronously; on failure there is no stream to pass.
    const done = callback as ((err: Error | null, stream?: Duplex) => void) | undefined;
    const target = `${options.host ?? 'localhost'}:${String(options.port ?? 443)}`;
    const headers: OutgoingHttpHeaders = { host: target };
    if (this.#auth) headers['proxy-authorization'] = this.#auth;
    const secureProxy = this.#proxy.protocol === 'https:';
    const req = (secureProxy ? httpsRequest : httpRequest)({
      host: this.#proxy.hostname,
      port: Number(this.#proxy.port) || (secureProxy ? 443 : 80),
      method: 'CONNECT',
      path: target,
      headers,
      ...(secureProxy && this.#proxyTls?.ca ? { ca: this.#proxyTls.ca } : {}),
    });
    req.once('connect', (res: IncomingMessage, socket: Socket) => {
      if (res.statusCode !== 200) {
        socket.destroy();
        done?.(
          new OCIError(
            'unreachable',
            `proxy ${this.#proxy.host} refused CONNECT to ${target}: HTTP ${res.statusCode ?? 0}`,
          ),
        );
        return;
      }
      const tls = tlsConnect({
        ...(options as ConnectionOptions),
        socket,
        servername: options.servername ?? options.host ?? '',
      });
      tls.once('secureConnect', () => done?.(null, tls));
      tls.once('error', (err: Error) => done?.(err));
    });
    req.once('error', (err) => done?.(err));
    req.end();
    return undefined;
  }
}

/**
 * HttpClient sends requests for one registry client. Agents are keep-alive and owned by the client: call close()
 * when done (idle sockets otherwise keep the process alive for their timeout).
 */
export class HttpClient {
  readonly #https: HttpsAgent;
  readonly #http: HttpAgent;
  readonly #proxy: ProxyOptions | undefined;
  readonly #userAgent: string;

  constructor(opts: HttpOptions = {}) {
    const tls: AgentOptions = { keepAlive: true, maxSockets: 16 };
    if (opts.tls?.ca) tls.ca = opts.tls.ca;
    if (opts.tls?.cert) tls.cert = opts.tls.cert;
    if (opts.tls?.key) tls.key = opts.tls.key;
    if (opts.proxy) {
      const p = new URL(opts.proxy.url);
      if (p.protocol !== 'http:' && p.protocol !== 'https:') {
        throw new OCIError(
          'bad-credentials',
          `proxy address must be an http:// or https:// URL, got scheme '${p.protocol.replace(':', '')}'`,
        );
      }
    }
    this.#https = opts.proxy ? new TunnelAgent(opts.proxy, tls, undefined) : new HttpsAgent(tls);
    this.#http = new HttpAgent({ keepAlive: true, maxSockets: 16 });
    this.#proxy = opts.proxy;
    this.#userAgent = opts.userAgent ?? 'fluxts';
  }

  /** send performs one request; the caller must consume or destroy the response body. */
  send(req: HttpRequest): Promise<HttpResponse> {
    const secure = req.url.protocol === 'https:';
    const headers: OutgoingHttpHeaders = { 'user-agent': this.#userAgent, ...req.headers };
    let host = req.url.hostname.replace(/^\[|\]$/gu, '');
    let port = Number(req.url.port) || (secure ? 443 : 80);
    let path = `${req.url.pathname}${req.url.search}`;
    if (!secure && this.#proxy) {
      // Plain HTTP through a proxy: absolute-form request line to the proxy itself.
      const p = new URL(this.#proxy.url);
      host = p.hostname;
      port = Number(p.port) || 80;
      path = req.url.toString();
      const auth = proxyAuthHeader(this.#proxy);
      if (auth) headers['proxy-authorization'] = auth;
      headers['host'] = req.url.host;
    }
    return new Promise((resolve, reject) => {
      const r = (secure ? httpsRequest : httpRequest)(
        {
          host,
          port,
          path,
          method: req.method,
          headers,
          agent: secure ? this.#https : this.#http,
          // SNI carries host names only (RFC 6066): an IP address is left out.
          ...(secure && isIP(host) === 0 ? { servername: req.url.hostname } : {}),
          ...(req.signal ? { signal: req.signal } : {}),
        },
        (res) => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res }),
      );
      r.once('error', reject);
      if (req.body === undefined) r.end();
      else if (Buffer.isBuffer(req.body)) r.end(req.body);
      else {
        req.body.once('error', (err) => r.destroy(err));
        req.body.pipe(r);
      }
    });
  }

  close(): void {
    this.#https.destroy();
    this.#http.destroy();
  }
}

/** readBody reads a whole response body, failing past `max` bytes. */
export async function readBody(res: HttpResponse, max: number, subject: string): Promise<Buffer> {
  const declared = Number(res.headers['content-length'] ?? NaN);
  if (declared > max) {
    res.body.destroy();
    throw new OCIError('too-large', `${subject}: response of ${declared} bytes exceeds the limit of ${max} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) {
      res.body.destroy();
      throw new OCIError('too-large', `${subject}: response exceeds the limit of ${max} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** drain discards a response body so its socket can be reused. */
export function drain(res: HttpResponse): void {
  res.body.resume();
}
