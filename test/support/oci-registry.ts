// A real OCI registry on loopback for tests: CNCF distribution v3 (`cmd/registry`, built once into the cache with
// goInstall), with htpasswd basic auth, Docker token auth (bearer tokens from a token server in this file that
// follows Docker's token specification and signs ES256 JWTs the registry checks against its rootcertbundle), TLS
// and mutual TLS. Distribution has no OCI 1.1 referrers API, so clients exercise the tag-schema fallback on it.
import { createPrivateKey, createSign, randomBytes, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import bcrypt from 'bcryptjs';

import { goInstall } from '../../src/devcluster/go-build.ts';
import { freePort } from '../../src/devcluster/ports.ts';
import { EC_KEY, makeTestPki, openssl, type TestPki } from './pki.ts';
import { startServerProcess } from './server-process.ts';

export const DISTRIBUTION_VERSION = 'v3.1.2';

/** buildDistributionRegistry returns the cached `registry` binary, building it on first use (~5 min cold). */
export function buildDistributionRegistry(): Promise<string> {
  return goInstall({
    pkg: 'github.com/distribution/distribution/v3/cmd/registry',
    version: DISTRIBUTION_VERSION,
    binary: 'registry',
  });
}

export interface RegistryUser {
  username: string;
  password: string;
  /** repositories this user may push to (token auth only; every user may pull everything). Default: all. */
  push?: string[];
}

export interface RegistryOptions {
  /** auth: none (default), basic (htpasswd) or token (bearer tokens from a token server). */
  auth?: 'none' | 'basic' | 'token';
  users?: RegistryUser[];
  /** tls serves HTTPS with a certificate for 127.0.0.1 signed by a generated CA (`caPem`). */
  tls?: boolean;
  /** mtls additionally requires a client certificate signed by the same CA (`clientCertPem`/`clientKeyPem`). */
  mtls?: boolean;
  /** anonymousPull lets token auth hand out pull tokens without credentials. */
  anonymousPull?: boolean;
}

/** TestRegistry is a running registry; always stop() it. */
export interface TestRegistry {
  /** host is `127.0.0.1:<port>`, the registry part of references. */
  host: string;
  /** url is `oci://127.0.0.1:<port>`. */
  url: string;
  caPem: string | undefined;
  clientCertPem: string | undefined;
  clientKeyPem: string | undefined;
  users: RegistryUser[];
  /** blobPath is where the registry stores a blob's bytes (tests corrupt it to play a hostile registry). */
  blobPath(digest: string): string;
  /** tokenRequests counts the token server's answers (token auth only). */
  tokenRequests: () => number;
  stop(): Promise<void>;
}

export const DEFAULT_USER: RegistryUser = { username: 'flux', password: 'fluxts-registry-s3cret' };

interface Pki extends TestPki {
  signerCert: string;
  signerKey: string;
}

function makePki(dir: string): Pki {
  const pki = makeTestPki(dir, 'fluxts-registry');
  openssl(dir, [
    'req',
    '-x509',
    ...EC_KEY,
    '-keyout',
    'signer.key',
    '-out',
    'signer.crt',
    '-subj',
    '/CN=fluxts-token-signer',
    '-days',
    '2',
  ]);
  return {
    ...pki,
    signerCert: readFileSync(join(dir, 'signer.crt'), 'utf8'),
    signerKey: readFileSync(join(dir, 'signer.key'), 'utf8'),
  };
}

const SERVICE = 'fluxts-test-registry';
const ISSUER = 'fluxts-test-token-issuer';

/**
 * startTokenServer serves `GET /token?service=…&scope=repository:<name>:<actions>` as Docker's token spec says:
 * basic credentials are checked, the granted actions are the requested ones the user may have (pull always,
 * push where allowed), and the answer is `{token, access_token, expires_in, issued_at}`.
 */
async function startTokenServer(
  users: RegistryUser[],
  signerCert: string,
  signerKey: string,
  anonymousPull: boolean,
): Promise<{ server: Server; realm: string; count: () => number }> {
  let count = 0;
  const key = createPrivateKey(signerKey);
  const x5c = new X509Certificate(signerCert).raw.toString('base64');
  const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    count++;
    const url = new URL(req.url ?? '/', 'http://localhost');
    const auth = req.headers.authorization ?? '';
    let user: RegistryUser | undefined;
    if (auth.startsWith('Basic ')) {
      const [u, ...p] = Buffer.from(auth.slice(6), 'base64').toString('utf8').split(':');
      user = users.find((x) => x.username === u && x.password === p.join(':'));
      if (!user) {
        res
          .writeHead(401, { 'content-type': 'application/json' })
          .end('{"errors":[{"code":"UNAUTHORIZED","message":"bad credentials"}]}');
        return;
      }
    } else if (!anonymousPull) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="token"' }).end();
      return;
    }
    const access = url.searchParams.getAll('scope').flatMap((scope) => {
      const [type, name = '', actions = ''] = scope.split(':');
      const granted = actions
        .split(',')
        .filter(
          (a) =>
            a === 'pull' ||
            (a === 'push' && user !== undefined && (user.push === undefined || user.push.includes(name))),
        );
      return type === 'repository' ? [{ type, name, actions: granted }] : [];
    });
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: 'ES256', typ: 'JWT', x5c: [x5c] };
    const claims = {
      iss: ISSUER,
      sub: user?.username ?? '',
      aud: url.searchParams.get('service') ?? SERVICE,
      exp: now + 300,
      nbf: now - 10,
      iat: now,
      jti: randomBytes(8).toString('hex'),
      access,
    };
    const input = `${b64(header)}.${b64(claims)}`;
    const sig = createSign('SHA256').update(input).sign({ key, dsaEncoding: 'ieee-p1363' }).toString('base64url');
    const token = `${input}.${sig}`;
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() }));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  return { server, realm: `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`, count: () => count };
}

/** startRegistry starts distribution's registry on a free loopback port and waits until it answers. */
export async function startRegistry(opts: RegistryOptions = {}): Promise<TestRegistry> {
  const binary = await buildDistributionRegistry();
  const dir = mkdtempSync(join(tmpdir(), 'fluxts-registry-'));
  const users = opts.users ?? [DEFAULT_USER];
  const pki = opts.tls || opts.mtls || opts.auth === 'token' ? makePki(dir) : undefined;
  let token: Awaited<ReturnType<typeof startTokenServer>> | undefined;
  const port = await freePort();
  const lines = [
    'version: 0.1',
    'log: {level: error, accesslog: {disabled: true}}',
    `storage: {filesystem: {rootdirectory: ${JSON.stringify(join(dir, 'data'))}}, delete: {enabled: true}}`,
    'http:',
    `  addr: 127.0.0.1:${port}`,
    `  secret: ${randomBytes(16).toString('hex')}`,
  ];
  if (pki && (opts.tls || opts.mtls)) {
    writeFileSync(join(dir, 'server.pem'), pki.serverCert);
    lines.push('  tls:', `    certificate: ${join(dir, 'server.crt')}`, `    key: ${join(dir, 'server.key')}`);
    if (opts.mtls) lines.push('    clientcas:', `      - ${join(dir, 'ca.crt')}`);
  }
  if (opts.auth === 'basic') {
    const htpasswd = users.map((u) => `${u.username}:${bcrypt.hashSync(u.password, 5)}`).join('\n');
    writeFileSync(join(dir, 'htpasswd'), `${htpasswd}\n`);
    lines.push('auth:', '  htpasswd:', '    realm: fluxts-basic', `    path: ${join(dir, 'htpasswd')}`);
  } else if (opts.auth === 'token' && pki) {
    token = await startTokenServer(users, pki.signerCert, pki.signerKey, opts.anonymousPull === true);
    lines.push(
      'auth:',
      '  token:',
      `    realm: ${token.realm}`,
      `    service: ${SERVICE}`,
      `    issuer: ${ISSUER}`,
      `    rootcertbundle: ${join(dir, 'signer.crt')}`,
    );
  }
  writeFileSync(join(dir, 'config.yml'), `${lines.join('\n')}\n`);
  const { stop } = await startServerProcess(binary, ['serve', join(dir, 'config.yml')], {
    name: `registry (${opts.tls || opts.mtls ? 'https' : 'http'})`,
    port,
    cleanup: async () => {
      if (token) await new Promise<void>((ok) => token?.server.close(() => ok()));
      rmSync(dir, { recursive: true, force: true });
    },
  });
  return {
    host: `127.0.0.1:${port}`,
    url: `oci://127.0.0.1:${port}`,
    caPem: pki && (opts.tls || opts.mtls) ? pki.ca : undefined,
    clientCertPem: pki?.clientCert,
    clientKeyPem: pki?.clientKey,
    users,
    blobPath: (digest) => {
      const hex = digest.replace(/^sha256:/u, '');
      return join(dir, 'data', 'docker', 'registry', 'v2', 'blobs', 'sha256', hex.slice(0, 2), hex, 'data');
    },
    tokenRequests: () => token?.count() ?? 0,
    stop,
  };
}
