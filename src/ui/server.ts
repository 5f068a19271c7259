// The UI's HTTP server: the app's files, a JSON API over the Flux objects of every cluster, and server-sent events
// for live updates. Security: loopback by default (with a Host check against DNS rebinding); beyond loopback every
// request must authenticate (auth.ts); a strict CSP with no inline script or style; CSRF tokens and an Origin
// check on every state change; no Secret data in any answer (see details.ts, inventory.ts, diff.ts).
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { isIP } from 'node:net';
import { join } from 'node:path';

import type { Kustomization } from '../api/index.ts';
import { KubeApiError, KubeConnectionError, type KubeClient } from '../kube/index.ts';
import { parseListenAddress } from '../runtime/index.ts';
import { errorMessage, FluxtsError } from '../util/errors.ts';
import { ACTIONS, type Action, ActionRefusedError, runAction } from './actions.ts';
import { Authenticator, type AuthMode, sameToken, type Session, UnauthenticatedError } from './auth.ts';
import { BUNDLE_FILES } from './bundle.ts';
import type { FluxCache } from './cache.ts';
import { objectDetails } from './details.ts';
import { helmValuesView } from './helmvalues.ts';
import { diffKustomizationView } from './diff.ts';
import { uiKind } from './kinds.ts';
import { indexHtml } from './page.ts';

/** UiServerOptions configure the server. */
export interface UiServerOptions {
  /** address is `host:port` (default 127.0.0.1:9080). */
  address: string;
  readOnly: boolean;
  /** auth defaults to `none` on loopback and is forced to `token` beyond it. */
  auth?: AuthMode;
  /** assets is the built bundle's directory. */
  assets: string;
  /** tls, when given, serves HTTPS with this certificate chain and key (PEM). */
  tls?: UiTls;
}

/** UiTls is the server's certificate chain and private key, PEM-encoded. */
export interface UiTls {
  cert: Buffer;
  key: Buffer;
}

/** RunningUi is a listening UI server. */
export interface RunningUi {
  url: string;
  auth: AuthMode;
  close(): Promise<void>;
}

/** UiServerError is a request that failed: the HTTP code to answer with and a message for the person. */
class HttpError extends FluxtsError {
  readonly code: number;
  constructor(code: number, message: string) {
    super(message);
    this.code = code;
  }
}

const SESSION_COOKIE = 'fluxts_session';
const MAX_BODY = 64 * 1024;
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** isLoopback says whether a listen host only accepts connections from this machine. */
export function isLoopback(host: string | undefined): boolean {
  if (host === undefined || host === '') return false; // all interfaces
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

function cookieOf(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

function send(res: ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(code, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
    throw new HttpError(415, 'requests must be application/json');
  }
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new HttpError(413, 'request body too large');
    chunks.push(chunk);
  }
  try {
    const v: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not an object');
    return v as Record<string, unknown>;
  } catch {
    throw new HttpError(400, 'request body is not a JSON object');
  }
}

/** statusOf maps a failure to an HTTP code and a message without secrets (KubeApiError carries the server's). */
function failure(err: unknown): { code: number; message: string } {
  if (err instanceof HttpError) return { code: err.code, message: err.message };
  if (err instanceof UnauthenticatedError) return { code: 401, message: err.message };
  if (err instanceof ActionRefusedError) {
    const forbidden = err.cause instanceof KubeApiError && err.cause.statusCode === 403;
    return { code: forbidden ? 403 : 409, message: err.message };
  }
  if (err instanceof KubeApiError) return { code: err.statusCode === 403 ? 403 : 502, message: err.message };
  if (err instanceof KubeConnectionError) return { code: 503, message: `the cluster is unreachable: ${err.message}` };
  return { code: 500, message: errorMessage(err) };
}

/** startUiServer listens and serves until close(). */
export async function startUiServer(cache: FluxCache, opts: UiServerOptions): Promise<RunningUi> {
  const { host, port } = parseListenAddress(opts.address);
  const loopback = isLoopback(host);
  const mode: AuthMode = loopback ? (opts.auth ?? 'none') : 'token';
  const auth = new Authenticator(mode);
  const assets = new Map<string, Buffer>();
  for (const f of BUNDLE_FILES) assets.set(f, await readFile(join(opts.assets, f)));
  const streams = new Set<ServerResponse>();
  let boundPort = port;
  const scheme = opts.tls ? 'https' : 'http';
  // Over HTTPS the session cookie never travels in clear, and browsers are told to stay on HTTPS.
  const cookieFlags = `HttpOnly; SameSite=Strict; Path=/${opts.tls ? '; Secure' : ''}`;

  const allowedHost = (req: IncomingMessage): boolean => {
    if (!loopback) return true;
    const h = (req.headers.host ?? '').toLowerCase();
    return [`127.0.0.1:${boundPort}`, `localhost:${boundPort}`, `[::1]:${boundPort}`, `${host}:${boundPort}`].includes(
      h,
    );
  };

  const reviewer = (): KubeClient => {
    const first = cache.clusters[0];
    if (!first) throw new HttpError(503, 'no cluster configured');
    return first.client;
  };

  /** authenticate finds the request's session: the local one, a cookie session, or a reviewed bearer token. */
  const authenticate = async (req: IncomingMessage): Promise<Session> => {
    if (mode === 'none') return auth.local;
    const header = req.headers.authorization ?? '';
    if (header.startsWith('Bearer ')) {
      const identity = await auth.review(reviewer(), header.slice(7).trim());
      // A bearer request is not a browser's: it cannot be forged cross-site, so it needs no CSRF token.
      return { id: '', csrf: '', identity, expires: Date.now() + 60_000 };
    }
    const session = auth.session(cookieOf(req, SESSION_COOKIE));
    if (!session) throw new UnauthenticatedError('sign in with a Kubernetes bearer token');
    return session;
  };

  const checkCsrf = (req: IncomingMessage, session: Session): void => {
    const origin = req.headers.origin;
    if (origin && origin !== `${scheme}://${req.headers.host ?? ''}`) {
      throw new HttpError(403, 'cross-origin request refused');
    }
    if (session.csrf === '') return;
    const header = req.headers['x-csrf-token'];
    if (typeof header !== 'string' || !sameToken(header, session.csrf)) {
      throw new HttpError(403, 'missing or wrong CSRF token (reload the page)');
    }
  };

  const target = (parts: string[]) => {
    const [clusterName, kindName, namespace, name] = parts.map((p) => decodeURIComponent(p));
    const kind = uiKind(kindName ?? '');
    const cluster = cache.cluster(clusterName ?? '');
    if (!kind || !cluster || !name) throw new HttpError(404, 'no such object');
    const obj = cache.get(cluster.name, kind.kind, namespace ?? '', name);
    if (!obj) throw new HttpError(404, `${kind.kind}/${namespace ?? ''}/${name} not found in ${cluster.name}`);
    return { cluster, kind, obj };
  };

  const sessionInfo = (session: Session) => ({
    mode,
    readOnly: opts.readOnly,
    user: session.identity.user || 'kubeconfig user',
    csrf: session.csrf,
    clusters: cache.health(),
  });

  const api = async (req: IncomingMessage, res: ServerResponse, path: string[]): Promise<void> => {
    const method = req.method ?? 'GET';
    const [route, ...rest] = path;
    if (route === 'login' && method === 'POST') {
      checkCsrf(req, { id: '', csrf: '', identity: { user: '', groups: [] }, expires: 0 });
      if (mode === 'none') return send(res, 200, sessionInfo(auth.local));
      const body = await readJson(req);
      const bearer = typeof body['token'] === 'string' ? body['token'].trim() : '';
      if (!bearer) throw new HttpError(400, 'a token is required');
      const session = auth.login(await auth.review(reviewer(), bearer));
      return send(res, 200, sessionInfo(session), {
        'set-cookie': `${SESSION_COOKIE}=${session.id}; ${cookieFlags}; Max-Age=28800`,
      });
    }
    const session = await authenticate(req);
    if (method !== 'GET') checkCsrf(req, session);
    if (route === 'logout' && method === 'POST') {
      auth.logout(session.id);
      return send(res, 200, {}, { 'set-cookie': `${SESSION_COOKIE}=; ${cookieFlags}; Max-Age=0` });
    }
    if (route === 'session' && method === 'GET') return send(res, 200, sessionInfo(session));
    if (route === 'rows' && method === 'GET') return send(res, 200, { rows: cache.rows(), clusters: cache.health() });
    if (route === 'stream' && method === 'GET') return stream(res);
    if (route === 'object' && method === 'GET') {
      const { cluster, kind, obj } = target(rest);
      const client = auth.clientFor(cluster.client, session.identity, cluster.name);
      return send(res, 200, await objectDetails(cache, client, cluster.name, kind, obj));
    }
    if (route === 'diff' && method === 'GET') {
      const { cluster, kind, obj } = target(rest);
      if (!kind.diff) throw new HttpError(400, `a ${kind.kind} has no diff view yet`);
      const client = auth.clientFor(cluster.client, session.identity, cluster.name);
      return send(res, 200, await diffKustomizationView(client, obj as unknown as Kustomization));
    }
    if (route === 'values' && method === 'GET') {
      const { cluster, kind, obj } = target(rest);
      if (kind.history !== 'helmrelease') throw new HttpError(400, `a ${kind.kind} has no Helm values`);
      const client = auth.clientFor(cluster.client, session.identity, cluster.name);
      return send(res, 200, await helmValuesView(client, obj));
    }
    if (route === 'action' && method === 'POST') {
      if (opts.readOnly) throw new HttpError(403, 'the UI runs read-only (--read-only)');
      const body = await readJson(req);
      const action = body['action'] as Action;
      if (!ACTIONS.includes(action)) throw new HttpError(400, `unknown action; one of ${ACTIONS.join(', ')}`);
      const { cluster, kind, obj } = target(rest);
      const client = auth.clientFor(cluster.client, session.identity, cluster.name);
      return send(res, 200, { message: await runAction(client, kind, obj, action) });
    }
    throw new HttpError(404, 'no such API');
  };

  const stream = (res: ServerResponse): void => {
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(`event: snapshot\ndata: ${JSON.stringify({ rows: cache.rows(), clusters: cache.health() })}\n\n`);
    const unsubscribe = cache.subscribe((change) => res.write(`event: change\ndata: ${JSON.stringify(change)}\n\n`));
    const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
    streams.add(res);
    res.on('close', () => {
      clearInterval(ping);
      unsubscribe();
      streams.delete(res);
    });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    res.setHeader('content-security-policy', CSP);
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    res.setHeader('x-frame-options', 'DENY');
    if (opts.tls) res.setHeader('strict-transport-security', 'max-age=31536000');
    if (!allowedHost(req)) throw new HttpError(421, 'unexpected Host header (the UI answers on its loopback address)');
    const url = new URL(req.url ?? '/', 'http://ui.invalid');
    const parts = url.pathname.split('/').filter(Boolean);
    if (parts[0] === 'api') return api(req, res, parts.slice(1));
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'method not allowed');
    if (parts[0] === 'assets') {
      const file = parts[1] ?? '';
      const body = assets.get(file);
      if (!body || parts.length !== 2) throw new HttpError(404, 'no such file');
      res.writeHead(200, {
        'content-type': file.endsWith('.js') ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8',
        'cache-control': 'no-cache',
      });
      res.end(body);
      return;
    }
    // Every other path is a view of the app (a shareable URL): the same page, which routes in the browser.
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(indexHtml());
  };

  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((err: unknown) => {
      const { code, message } = failure(err);
      if (res.headersSent) return void res.end();
      send(res, code, { error: message });
    });
  };
  const server: Server = opts.tls
    ? createTlsServer({ cert: opts.tls.cert, key: opts.tls.key, minVersion: 'TLSv1.2' }, listener)
    : createServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  boundPort = (server.address() as AddressInfo).port;
  const shownHost = host === undefined ? '0.0.0.0' : host.includes(':') ? `[${host}]` : host;
  return {
    url: `${scheme}://${shownHost}:${boundPort}/`,
    auth: mode,
    async close() {
      for (const res of streams) res.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
