// Smart-HTTP Git server for tests: `git http-backend` (CGI) behind a Node HTTP(S) server on loopback, with
// optional basic auth, bearer token and a generated CA; plus a tiny forward proxy to test proxy settings.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import {
  createServer as createHttpServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveGitHttpBackend } from '../../src/devcluster/git-http-backend.ts';
import { TestRepo } from './git-repo.ts';

/** GitServerOptions selects the server's authentication and transport. */
export interface GitServerOptions {
  basicAuth?: { username: string; password: string };
  bearerToken?: string;
  /** tls serves HTTPS with a certificate for 127.0.0.1 signed by a generated CA (see `caPem`). */
  tls?: boolean;
  /**
   * route serves a request before Git does (a hosting service's API on the same host, as github.com has); it
   * returns false to leave the request to Git. It checks its own credentials.
   */
  route?: (req: IncomingMessage, res: ServerResponse) => boolean;
}

/** GitServer is a running test Git server; always close() it (in `after`/`finally`). */
export interface GitServer {
  /** baseUrl is `http(s)://127.0.0.1:<port>`. */
  baseUrl: string;
  /** caPem is the CA certificate clients must trust (tls only). */
  caPem: string | undefined;
  /** requests counts HTTP requests served, to tell a clone from a skipped one. */
  requests: number;
  createRepo(name: string, defaultBranch?: string): TestRepo;
  repoUrl(name: string): string;
  close(): Promise<void>;
}

/** startGitServer starts a server on a free loopback port serving repositories created with createRepo. */
export async function startGitServer(opts: GitServerOptions = {}): Promise<GitServer> {
  const root = mkdtempSync(join(tmpdir(), 'fluxts-git-http-'));
  let caPem: string | undefined;
  let server: Server;
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    state.requests++;
    if (opts.route?.(req, res) === true) return;
    if (!authorised(req, opts)) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"' }).end('unauthorised\n');
      return;
    }
    serveGitHttpBackend(root, req, res);
  };
  if (opts.tls === true) {
    const pki = makePki(root);
    caPem = pki.ca;
    server = createHttpsServer({ key: pki.key, cert: pki.cert }, handler);
  } else {
    server = createHttpServer(handler);
  }
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  const port = (server.address() as AddressInfo).port;
  const baseUrl = `${opts.tls === true ? 'https' : 'http'}://127.0.0.1:${port}`;
  const state: GitServer = {
    baseUrl,
    caPem,
    requests: 0,
    createRepo: (name, branch) => new TestRepo(join(root, `${name}.git`), branch),
    repoUrl: (name) => `${baseUrl}/${name}.git`,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((ok) => server.close(() => ok()));
      rmSync(root, { recursive: true, force: true });
    },
  };
  return state;
}

function authorised(req: IncomingMessage, opts: GitServerOptions): boolean {
  if (opts.basicAuth === undefined && opts.bearerToken === undefined) return true;
  const h = req.headers.authorization ?? '';
  if (opts.bearerToken !== undefined && h === `Bearer ${opts.bearerToken}`) return true;
  if (opts.basicAuth !== undefined) {
    const want = Buffer.from(`${opts.basicAuth.username}:${opts.basicAuth.password}`).toString('base64');
    if (h === `Basic ${want}`) return true;
  }
  return false;
}

// Runs one CGI request through git http-backend and relays its response.
function makePki(root: string): { ca: string; cert: string; key: string } {
  const dir = join(root, '.pki');
  execFileSync('mkdir', ['-p', dir]);
  const run = (args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  run([
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '2',
    '-subj',
    '/CN=fluxts test CA',
  ]);
  run([
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    'srv.key',
    '-out',
    'srv.csr',
    '-subj',
    '/CN=127.0.0.1',
  ]);
  execFileSync('sh', ['-c', 'printf "subjectAltName=IP:127.0.0.1,DNS:localhost\\n" > ext.cnf'], { cwd: dir });
  run([
    'x509',
    '-req',
    '-in',
    'srv.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'srv.crt',
    '-days',
    '2',
    '-extfile',
    'ext.cnf',
  ]);
  const read = (f: string): string => readFileSync(join(dir, f), 'utf8');
  return { ca: read('ca.crt'), cert: read('srv.crt'), key: read('srv.key') };
}

/** TestProxy is a forward HTTP proxy (absolute-URI requests and CONNECT) that counts what it relays. */
export interface TestProxy {
  url: string;
  requests: number;
  close(): Promise<void>;
}

/** startProxy starts a forward proxy on loopback, optionally requiring proxy basic auth. */
export async function startProxy(auth?: { username: string; password: string }): Promise<TestProxy> {
  const want = auth ? `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` : undefined;
  const sockets = new Set<Socket>();
  const server = createHttpServer((req, res) => {
    state.requests++;
    if (want !== undefined && req.headers['proxy-authorization'] !== want) {
      res.writeHead(407, { 'Proxy-Authenticate': 'Basic realm="proxy"' }).end();
      return;
    }
    const target = new URL(req.url ?? '');
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    const up = httpRequest(
      { host: target.hostname, port: target.port, path: target.pathname + target.search, method: req.method, headers },
      (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
      },
    );
    up.on('error', () => res.writeHead(502).end());
    req.pipe(up);
  });
  server.on('connect', (req: IncomingMessage, client: Socket) => {
    state.requests++;
    if (want !== undefined && req.headers['proxy-authorization'] !== want) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="proxy"\r\n\r\n');
      return;
    }
    const [host, port] = (req.url ?? '').split(':');
    const up = connect(Number(port), host ?? '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      up.pipe(client);
      client.pipe(up);
    });
    up.on('error', () => client.destroy());
    client.on('error', () => up.destroy());
    sockets.add(client);
    sockets.add(up);
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  const state: TestProxy = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: 0,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
  return state;
}
