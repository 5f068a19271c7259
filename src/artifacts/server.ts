import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, sep } from 'node:path';

import { BODYLESS_SERVER_OPTIONS, limitBodylessServer, refuseBody } from '../util/http-bodyless.ts';

/** StorageServer is a running artifact file server. */
export interface StorageServer {
  server: Server;
  /** address is `host:port` as bound (useful with port 0). */
  address: string;
  close(): Promise<void>;
}

/**
 * serveStorage serves the storage root read-only over HTTP, like source-controller's `--storage-addr` file
 * server: the URL path is the artifact path. Only GET and HEAD of regular files whose real path stays inside
 * the root (and `/` itself, answered empty, for the readiness probe of the install manifests); other directories,
 * dot-files (in-flight temp files), `..` and anything that resolves outside are 404.
 * A request carrying a body is refused with 413 unread; headers and slow clients are bounded (util/http-bodyless).
 * @example const s = await serveStorage(storage.root, { host: '127.0.0.1', port: 0 }); … await s.close()
 */
export async function serveStorage(root: string, listen: { host: string; port: number }): Promise<StorageServer> {
  const realRoot = await realpath(root);
  const server = createServer(BODYLESS_SERVER_OPTIONS, (req, res) => {
    if (refuseBody(req, res)) return;
    handle(realRoot, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  limitBodylessServer(server);
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(listen.port, listen.host, () => ok());
  });
  const a = server.address() as AddressInfo;
  return {
    server,
    address: `${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

async function handle(root: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD' }).end();
    return;
  }
  // The root answers 200 (with no listing): Flux's manifests probe readiness with `GET /` on this port, which Go's
  // file server answers with the root's listing.
  if (new URL(req.url ?? '/', 'http://storage').pathname === '/') {
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' }).end();
    return;
  }
  const file = await resolveFile(root, req.url ?? '/');
  if (file === undefined) {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('404 page not found\n');
    return;
  }
  res.writeHead(200, {
    'Content-Type': contentType(file.path),
    'Content-Length': String(file.size),
    'Last-Modified': new Date(file.mtimeMs).toUTCString(),
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(file.path)
    .on('error', () => res.destroy())
    .pipe(res);
}

async function resolveFile(
  root: string,
  url: string,
): Promise<{ path: string; size: number; mtimeMs: number } | undefined> {
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(url, 'http://x').pathname);
  } catch {
    return undefined;
  }
  const segs = pathname.split('/').filter((s) => s !== '');
  if (segs.length === 0) return undefined;
  if (segs.some((s) => s === '..' || s === '.' || s.startsWith('.') || s.includes('\\') || s.includes('\0'))) {
    return undefined;
  }
  try {
    const real = await realpath(join(root, ...segs));
    if (!real.startsWith(root + sep)) return undefined;
    const st = await stat(real);
    return st.isFile() ? { path: real, size: st.size, mtimeMs: st.mtimeMs } : undefined;
  } catch {
    return undefined;
  }
}

function contentType(path: string): string {
  if (path.endsWith('.gz') || path.endsWith('.tgz')) return 'application/gzip';
  if (path.endsWith('.yaml') || path.endsWith('.yml')) return 'application/yaml';
  if (path.endsWith('.json')) return 'application/json';
  return 'application/octet-stream';
}
