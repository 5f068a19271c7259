// A real Helm HTTP repository on loopback, as GitHub Pages or an S3 bucket serves one: a directory of chart
// packages and an `index.yaml`, both made by the real helm v4 binary (`helm package`, `helm repo index --merge`),
// served by a static file server with optional basic auth, TLS and mutual TLS. Every request is logged (path and
// whether it carried credentials), so tests can check where credentials went.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, normalize, sep } from 'node:path';

import { helmBinary } from '../helm/reference.ts';
import { makeTestPki, type TestPki } from './pki.ts';

export interface HelmRepositoryUser {
  username: string;
  password: string;
}

/** DEFAULT_HELM_USER is the account of a repository started with `auth: 'basic'`. */
export const DEFAULT_HELM_USER: HelmRepositoryUser = { username: 'helm', password: 'fluxts-helm-s3cret' };

export interface HelmRepositoryServerOptions {
  /** auth: none (default) or basic (DEFAULT_HELM_USER unless `user` is given). */
  auth?: 'none' | 'basic';
  user?: HelmRepositoryUser;
  /** tls serves HTTPS with a certificate for 127.0.0.1 signed by a generated CA (`pki.ca`). */
  tls?: boolean;
  /** mtls additionally requires a client certificate signed by that CA (`pki.clientCert`/`clientKey`). */
  mtls?: boolean;
  /** baseUrl makes `helm repo index` write absolute chart URLs under it (e.g. another server's URL). */
  baseUrl?: string;
}

/** RequestRecord is one request the server answered. */
export interface RequestRecord {
  path: string;
  status: number;
  /** authorization: whether the request carried an Authorization header. */
  authorization: boolean;
}

/** TestHelmRepository is a running repository; always stop() it. */
export interface TestHelmRepository {
  /** url is the repository URL, `http(s)://127.0.0.1:<port>/`. */
  url: string;
  /** dir holds the packages and index.yaml being served. */
  dir: string;
  pki: TestPki | undefined;
  user: HelmRepositoryUser;
  requests: RequestRecord[];
  /**
   * addChart packages the chart directory with the real helm (as `version`, with `appVersion` when given) and
   * merges it into index.yaml; returns the package's file name.
   */
  addChart(chartDir: string, version: string, options?: { appVersion?: string; name?: string }): string;
  /** writeIndex replaces index.yaml with the given text (a broken or hand-written index). */
  writeIndex(text: string): void;
  /** index reads index.yaml as served. */
  index(): string;
  stop(): Promise<void>;
}

function serve(
  dir: string,
  opts: HelmRepositoryServerOptions,
  user: HelmRepositoryUser,
  requests: RequestRecord[],
): (req: IncomingMessage, res: ServerResponse) => void {
  const expected = `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}`;
  return (req, res) => {
    const answer = (status: number, body: string | Buffer, type = 'text/plain'): void => {
      requests.push({ path: req.url ?? '', status, authorization: req.headers.authorization !== undefined });
      res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) }).end(body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return answer(405, 'method not allowed\n');
    if (opts.auth === 'basic' && req.headers.authorization !== expected) {
      res.setHeader('www-authenticate', 'Basic realm="fluxts-helm"');
      return answer(401, 'unauthorized\n');
    }
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = normalize(join(dir, path));
    if (!file.startsWith(dir + sep) || !existsSync(file)) return answer(404, '404 page not found\n');
    const type = file.endsWith('.yaml') ? 'application/x-yaml' : 'application/gzip';
    return answer(200, readFileSync(file), type);
  };
}

/** startHelmRepository serves an empty repository (add charts with addChart) on a free loopback port. */
export async function startHelmRepository(opts: HelmRepositoryServerOptions = {}): Promise<TestHelmRepository> {
  const helm = await helmBinary();
  const root = mkdtempSync(join(tmpdir(), 'fluxts-helmrepo-'));
  const dir = join(root, 'repo');
  const home = join(root, 'home');
  mkdirSync(dir);
  mkdirSync(home);
  const user = opts.user ?? DEFAULT_HELM_USER;
  const requests: RequestRecord[] = [];
  const pki = opts.tls || opts.mtls ? makeTestPki(root, 'fluxts-helmrepo') : undefined;
  const handler = serve(dir, opts, user, requests);
  const server: Server = pki
    ? createHttpsServer(
        {
          cert: pki.serverCert,
          key: pki.serverKey,
          ...(opts.mtls ? { ca: pki.ca, requestCert: true, rejectUnauthorized: true } : {}),
        },
        handler,
      )
    : createHttpServer(handler);
  server.keepAliveTimeout = 1000;
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  const url = `${pki ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const env = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: home,
    HELM_CONFIG_HOME: join(home, 'config'),
    HELM_CACHE_HOME: join(home, 'cache'),
    HELM_DATA_HOME: join(home, 'data'),
    TZ: 'UTC',
  };
  const helmRun = (args: string[]): void => {
    execFileSync(helm, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  };
  let seq = 0;
  return {
    url,
    dir,
    pki,
    user,
    requests,
    addChart(chartDir, version, options = {}) {
      // Package a copy, so that a chart renamed for the test does not touch the fixture.
      const work = join(root, `src-${++seq}`);
      cpSync(chartDir, work, { recursive: true });
      if (options.name) {
        const chartYaml = join(work, 'Chart.yaml');
        writeFileSync(chartYaml, readFileSync(chartYaml, 'utf8').replace(/^name: .*$/mu, `name: ${options.name}`));
      }
      const args = ['package', work, '--version', version, '--destination', dir];
      if (options.appVersion) args.push('--app-version', options.appVersion);
      helmRun(args);
      rmSync(work, { recursive: true, force: true });
      const index = join(dir, 'index.yaml');
      const indexArgs = ['repo', 'index', dir];
      if (existsSync(index)) indexArgs.push('--merge', index);
      if (opts.baseUrl) indexArgs.push('--url', opts.baseUrl);
      helmRun(indexArgs);
      const name = options.name ?? /^name: (.*)$/mu.exec(readFileSync(join(chartDir, 'Chart.yaml'), 'utf8'))?.[1];
      return `${name ?? 'chart'}-${version}.tgz`;
    },
    writeIndex(text) {
      writeFileSync(join(dir, 'index.yaml'), text);
    },
    index() {
      return readFileSync(join(dir, 'index.yaml'), 'utf8');
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
      rmSync(root, { recursive: true, force: true });
    },
  };
}
