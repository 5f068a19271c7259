// Limits for the HTTP servers that take no request body (the artifact file server, metrics and health probes):
// a request that carries one is answered 413 and its connection closed without reading it, headers are capped,
// and a client that trickles its headers or request is cut off. The body-taking servers (events, receivers) have
// their own limits in controllers/notification/http-limits.ts.
import type { IncomingMessage, Server, ServerOptions, ServerResponse } from 'node:http';

/** BODYLESS_SERVER_OPTIONS are createServer options: 16 KiB of headers at most (Node's default, made explicit). */
export const BODYLESS_SERVER_OPTIONS: ServerOptions = { maxHeaderSize: 16 * 1024 };

/** HEADERS_TIMEOUT_MS and REQUEST_TIMEOUT_MS bound how long a client may take to send its headers and request. */
export const HEADERS_TIMEOUT_MS = 10_000;
export const REQUEST_TIMEOUT_MS = 30_000;

/** limitBodylessServer applies the timeouts to a server created with BODYLESS_SERVER_OPTIONS. */
export function limitBodylessServer(server: Server): void {
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.requestTimeout = REQUEST_TIMEOUT_MS;
}

/**
 * refuseBody answers 413 and closes the connection when the request carries a body (a non-zero Content-Length or
 * any Transfer-Encoding), and reports whether it did. The body is never read.
 */
export function refuseBody(req: IncomingMessage, res: ServerResponse): boolean {
  const length = req.headers['content-length'];
  const hasBody = (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
  if (!hasBody) return false;
  res.writeHead(413, { Connection: 'close', 'Content-Type': 'text/plain; charset=utf-8' });
  res.end('request body not accepted\n');
  res.on('finish', () => req.socket.destroy());
  return true;
}
