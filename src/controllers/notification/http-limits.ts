// The request limits both notification-controller servers share (NC v1.9.3 internal/server/limits.go): bodies up to
// 3 MiB (413 beyond), headers up to 256 KiB, 10s to send the headers, 30s for the whole request.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { parseListenAddress } from '../../runtime/index.ts';
import type { HttpMetrics } from './http-metrics.ts';

export const MAX_BODY_BYTES = 3 * 1024 * 1024;
export const MAX_HEADER_BYTES = 256 * 1024;
export const READ_HEADER_TIMEOUT_MS = 10_000;
export const READ_TIMEOUT_MS = 30_000;

/** BodyTooLarge marks a body past MAX_BODY_BYTES. */
export const BODY_TOO_LARGE = Symbol('body too large');

/**
 * readBody reads a request body up to the limit. Past it, reading stops and BODY_TOO_LARGE is returned, without
 * buffering the rest: the caller answers 413 and closes the connection.
 */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer | typeof BODY_TOO_LARGE> {
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve(BODY_TOO_LARGE);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        req.pause();
        resolve(BODY_TOO_LARGE);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!done) resolve(Buffer.concat(chunks));
    });
    req.on('error', (err) => {
      if (!done) reject(err);
    });
  });
}

/** answer writes a status with Go's http.Error-style text body (or none) and ends the response. */
export function answer(res: ServerResponse, status: number, body?: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.writeHead(status, {
    ...headers,
    ...(body === undefined ? {} : { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' }),
  });
  res.end(body);
}

/** tooLarge answers 413 and closes the connection, so an oversized upload is not read any further. */
export function tooLarge(res: ServerResponse): void {
  answer(res, 413, undefined, { Connection: 'close' });
  res.on('finish', () => res.socket?.destroy());
}

/**
 * readBodyOr413 reads a request body within MAX_BODY_BYTES; past it, it logs the error Flux logs, answers 413 and
 * returns undefined, so the handler just returns.
 */
export async function readBodyOr413(
  req: IncomingMessage,
  res: ServerResponse,
  logger: { error(fields: object, message: string): void },
): Promise<Buffer | undefined> {
  const body = await readBody(req);
  if (body !== BODY_TOO_LARGE) return body;
  logger.error(
    { error: `request body exceeds the maximum size of ${MAX_BODY_BYTES} bytes` },
    'reading the request body failed',
  );
  tooLarge(res);
  return undefined;
}

/** LimitedServer is a bound server with the shared limits. */
export interface LimitedServer {
  readonly port: number;
  readonly server: Server;
  close(): Promise<void>;
}

/** listenLimited binds a Go listen address (`:9090`) with the shared limits. */
export async function listenLimited(
  addr: string,
  handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  onError: (err: unknown) => void,
  metrics?: HttpMetrics,
): Promise<LimitedServer> {
  const server = createServer(
    { maxHeaderSize: MAX_HEADER_BYTES, requestTimeout: READ_TIMEOUT_MS, headersTimeout: READ_HEADER_TIMEOUT_MS },
    (req, res) => {
      metrics?.track(req, res);
      handler(req, res).catch((err: unknown) => {
        onError(err);
        answer(res, 500);
      });
    },
  );
  const { host, port } = parseListenAddress(addr);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 5000).unref();
      }),
  };
}
