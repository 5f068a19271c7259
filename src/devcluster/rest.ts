import { Agent, request as httpsRequest } from 'node:https';

import { FluxtsError } from '../util/errors.ts';

/** ApiError is a non-2xx answer of the apiserver, with its Status message. */
export class ApiError extends FluxtsError {
  readonly statusCode: number;
  readonly reason: string | undefined;

  constructor(message: string, statusCode: number, reason: string | undefined) {
    super(message);
    this.statusCode = statusCode;
    this.reason = reason;
  }
}

/** RestEndpoint is what the dev cluster's own small client needs: a server URL, a bearer token and a CA bundle. */
export interface RestEndpoint {
  server: string;
  token: string;
  /** PEM CA bundle; undefined only for probing a server whose certificate is not yet known. */
  ca: string | undefined;
}

export interface RequestOptions {
  body?: unknown;
  contentType?: string;
  query?: Record<string, string>;
  timeoutMs?: number;
}

/** WatchEvent is one line of a Kubernetes watch stream. */
export interface WatchEvent<T> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: T;
}

/**
 * RestClient is the dev cluster's minimal JSON client for the apiserver. The dev cluster can't depend on the
 * controllers' client (it must work before anything else does), and it needs only a handful of verbs.
 */
export class RestClient {
  private readonly endpoint: RestEndpoint;
  private readonly agent: Agent;

  constructor(endpoint: RestEndpoint) {
    this.endpoint = endpoint;
    this.agent = new Agent({ keepAlive: true, ca: endpoint.ca, rejectUnauthorized: endpoint.ca !== undefined });
  }

  /** request sends one call and parses the JSON answer; non-2xx answers become ApiError with the server's message. */
  request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    return new Promise((resolve, reject) => {
      const url = new URL(path, this.endpoint.server);
      for (const [key, value] of Object.entries(options.query ?? {})) url.searchParams.set(key, value);
      const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
      const req = httpsRequest(
        url,
        {
          method,
          agent: this.agent,
          headers: {
            authorization: `Bearer ${this.endpoint.token}`,
            accept: 'application/json',
            ...(payload === undefined
              ? {}
              : {
                  'content-type': options.contentType ?? 'application/json',
                  'content-length': Buffer.byteLength(payload),
                }),
          },
          timeout: options.timeoutMs ?? 30_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) {
              try {
                resolve((text ? JSON.parse(text) : {}) as T);
              } catch {
                resolve(text as T);
              }
              return;
            }
            let message = text.trim();
            let reason: string | undefined;
            try {
              const parsed = JSON.parse(text) as { message?: string; reason?: string };
              message = parsed.message ?? message;
              reason = parsed.reason;
            } catch {
              // not a Status object: keep the raw text
            }
            reject(new ApiError(`${method} ${url.pathname}: ${status} ${message}`, status, reason));
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${url.pathname}: timed out`)));
      req.on('error', reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  /**
   * watch streams events of a collection until the signal aborts or the server closes the stream; it resolves
   * when the stream ends so callers can re-list and watch again.
   */
  watch<T>(
    path: string,
    resourceVersion: string,
    onEvent: (event: WatchEvent<T>) => void,
    signal: AbortSignal,
  ): Promise<void> {
    return new Promise((resolve, reject) => {
      const url = new URL(path, this.endpoint.server);
      url.searchParams.set('watch', 'true');
      url.searchParams.set('resourceVersion', resourceVersion);
      url.searchParams.set('allowWatchBookmarks', 'true');
      const req = httpsRequest(
        url,
        { method: 'GET', agent: this.agent, signal, headers: { authorization: `Bearer ${this.endpoint.token}` } },
        (res) => {
          if ((res.statusCode ?? 0) >= 300) {
            res.resume();
            reject(new ApiError(`watch ${url.pathname}: ${res.statusCode}`, res.statusCode ?? 0, undefined));
            return;
          }
          let partial = '';
          res.on('data', (chunk: Buffer) => {
            const lines = (partial + chunk.toString('utf8')).split('\n');
            partial = lines.pop() ?? '';
            for (const line of lines) if (line.trim()) onEvent(JSON.parse(line) as WatchEvent<T>);
          });
          res.on('end', () => resolve());
          res.on('error', () => resolve());
        },
      );
      req.on('error', (err) => (signal.aborted ? resolve() : reject(err)));
      req.end();
    });
  }

  /** close drops the pooled connections so the process can exit. */
  close(): void {
    this.agent.destroy();
  }
}
