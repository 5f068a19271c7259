import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { FluxtsError } from '../util/errors.ts';
import { BODYLESS_SERVER_OPTIONS, limitBodylessServer, refuseBody } from '../util/http-bodyless.ts';

/** ListenError is an address that could not be bound. */
export class ListenError extends FluxtsError {}

/** Route answers one path. */
export type Route = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** parseListenAddress reads a Go listen address (`:8080`, `127.0.0.1:0`, `[::1]:9440`) into host and port. */
export function parseListenAddress(addr: string): { host: string | undefined; port: number } {
  const colon = addr.lastIndexOf(':');
  if (colon < 0) throw new ListenError(`listen address "${addr}": expected host:port or :port`);
  const host = addr.slice(0, colon).replace(/^\[|\]$/g, '');
  const port = Number(addr.slice(colon + 1));
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ListenError(`listen address "${addr}": bad port`);
  return { host: host === '' ? undefined : host, port };
}

/** RunningServer is a bound HTTP server: its actual port (useful with `:0`) and a close function. */
export interface RunningServer {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * serveRoutes binds a small HTTP server with a fixed route table; unknown paths get 404. Routes take no request
 * body: one is refused with 413 unread, and headers and slow clients are bounded (util/http-bodyless).
 */
export async function serveRoutes(addr: string, routes: Record<string, Route>): Promise<RunningServer> {
  const { host, port } = parseListenAddress(addr);
  const server: Server = createServer(BODYLESS_SERVER_OPTIONS, (req, res) => {
    if (refuseBody(req, res)) return;
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const route = routes[path];
    if (!route) {
      res.writeHead(404).end('not found\n');
      return;
    }
    Promise.resolve(route(req, res)).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(`${err instanceof Error ? err.message : String(err)}\n`);
    });
  });
  limitBodylessServer(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(new ListenError(`listen ${addr}: ${err.message}`, { cause: err })));
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
