// A real Azure Blob Storage emulator on loopback for Bucket tests: Azurite (npm `azurite`), installed once into the
// cache (`npm install` under withBuildLock; ~360 MiB, never a dependency of the repository) and run with in-memory
// storage over HTTPS with the test PKI. It checks Shared Key signatures and SAS tokens itself, and with `--oauth
// basic` accepts Entra ID bearer tokens whose issuer, audience and lifetime are right (it does not verify their
// signature), which startEntraTokenEndpoint issues after checking the client-credentials grant as Microsoft's
// identity platform documents it (client secret, or an RS256 client assertion made with the app's certificate).
import { execFile } from 'node:child_process';
import { createHash, createHmac, createVerify, randomUUID, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { freePort } from '../../src/devcluster/ports.ts';
import { cacheDir } from '../../src/util/cache-dir.ts';
import { withBuildLock } from '../../src/util/build-lock.ts';
import { makeTestPki, openssl, type TestPki } from './pki.ts';
import { startServerProcess } from './server-process.ts';

export const AZURITE_VERSION = '3.37.0';
/** The emulator's well-known account and key (public, documented by Microsoft). */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
const SERVICE_VERSION = '2025-01-05';

/** installAzurite returns the path of Azurite's blob service entry point, installing it into the cache once. */
export function installAzurite(): Promise<string> {
  const dir = cacheDir('tools', `azurite-${AZURITE_VERSION}`);
  const main = join(dir, 'node_modules', 'azurite', 'dist', 'src', 'blob', 'main.js');
  return withBuildLock(
    dir,
    () => Promise.resolve(existsSync(main) ? main : undefined),
    async () => {
      const staging = join(dir, 'staging');
      rmSync(staging, { recursive: true, force: true });
      mkdirSync(staging, { recursive: true });
      await promisify(execFile)(
        'npm',
        [
          'install',
          '--prefix',
          staging,
          '--no-audit',
          '--no-fund',
          '--omit=dev',
          '--loglevel=error',
          `azurite@${AZURITE_VERSION}`,
        ],
        { maxBuffer: 16 * 1024 * 1024 },
      );
      rmSync(join(dir, 'node_modules'), { recursive: true, force: true });
      renameSync(join(staging, 'node_modules'), join(dir, 'node_modules'));
      rmSync(staging, { recursive: true, force: true });
      return main;
    },
  );
}

export interface TestAzurite {
  /** endpoint is the path-style service URL, `https://127.0.0.1:<port>/devstoreaccount1`. */
  endpoint: string;
  pki: TestPki;
  createContainer(name: string, opts?: { publicAccess?: boolean }): Promise<void>;
  putBlob(container: string, name: string, body: string): Promise<void>;
  deleteBlob(container: string, name: string): Promise<void>;
  /** etag is the ETag header of a blob, as a HEAD request answers it (quoted). */
  etag(container: string, name: string): Promise<string>;
  /** accountSas is an account SAS (blob service, read and list) valid for an hour, without a leading `?`. */
  accountSas(permissions?: string): string;
  stop(): Promise<void>;
}

/** startAzurite starts Azurite's blob service over HTTPS on a free loopback port, with bearer tokens accepted. */
export async function startAzurite(): Promise<TestAzurite> {
  const main = await installAzurite();
  const dir = mkdtempSync(join(tmpdir(), 'fluxts-azurite-'));
  const pki = makeTestPki(dir, 'azurite');
  const port = await freePort();
  // Azurite takes several seconds to start on a loaded machine.
  const { stop } = await startServerProcess(
    process.execPath,
    [
      main,
      '--blobHost',
      '127.0.0.1',
      '--blobPort',
      String(port),
      '--inMemoryPersistence',
      '--disableTelemetry',
      '--cert',
      join(dir, 'server.crt'),
      '--key',
      join(dir, 'server.key'),
      '--oauth',
      'basic',
    ],
    { name: 'azurite', port, readyTimeoutMs: 120_000, cleanup: () => rmSync(dir, { recursive: true, force: true }) },
  );
  const endpoint = `https://127.0.0.1:${port}/${AZURITE_ACCOUNT}`;
  const key = Buffer.from(AZURITE_KEY, 'base64');
  const call = (method: string, path: string, body = '', extra: Record<string, string> = {}): Promise<string> => {
    const url = new URL(`${endpoint}${path}`);
    const headers: Record<string, string> = {
      'x-ms-date': new Date().toUTCString(),
      'x-ms-version': SERVICE_VERSION,
      'content-length': String(Buffer.byteLength(body)),
      ...extra,
    };
    headers['authorization'] = signForTest(method, url, headers, key);
    return new Promise((ok, fail) => {
      const req = request(url, { method, headers, ca: pki.ca }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () =>
          (res.statusCode ?? 0) < 300
            ? ok(String(res.headers['etag'] ?? ''))
            : fail(new Error(`${method} ${path}: ${res.statusCode} ${text}`)),
        );
      });
      req.once('error', fail);
      req.end(body);
    });
  };
  const blobPath = (c: string, n: string): string =>
    `/${encodeURIComponent(c)}/${n.split('/').map(encodeURIComponent).join('/')}`;
  return {
    endpoint,
    pki,
    createContainer: async (name, opts) => {
      await call('PUT', `/${encodeURIComponent(name)}?restype=container`, '', {
        ...(opts?.publicAccess ? { 'x-ms-blob-public-access': 'container' } : {}),
      });
    },
    putBlob: async (c, n, body) => {
      await call('PUT', blobPath(c, n), body, { 'x-ms-blob-type': 'BlockBlob' });
    },
    deleteBlob: async (c, n) => {
      await call('DELETE', blobPath(c, n));
    },
    etag: (c, n) => call('HEAD', blobPath(c, n)),
    accountSas: (permissions = 'rl') => {
      const se = new Date(Date.now() + 3600_000).toISOString().replace(/\.\d+Z$/u, 'Z');
      // Account SAS string-to-sign for service versions 2020-12-06 and later (encryption scope left empty).
      const toSign = [AZURITE_ACCOUNT, permissions, 'b', 'sco', '', se, '', 'https', SERVICE_VERSION, '', ''].join(
        '\n',
      );
      const sig = createHmac('sha256', key).update(toSign).digest('base64');
      return new URLSearchParams({
        sv: SERVICE_VERSION,
        ss: 'b',
        srt: 'sco',
        sp: permissions,
        se,
        spr: 'https',
        sig,
      }).toString();
    },
    stop,
  };
}

/** signForTest is the test side's own Shared Key signer (kept apart from the code under test on purpose). */
function signForTest(method: string, url: URL, headers: Record<string, string>, key: Buffer): string {
  const std = ['content-encoding', 'content-language', 'content-length', 'content-md5', 'content-type', 'date'];
  const cond = ['if-modified-since', 'if-match', 'if-none-match', 'if-unmodified-since', 'range'];
  const value = (n: string): string => (n === 'content-length' && headers[n] === '0' ? '' : (headers[n] ?? ''));
  const ms = Object.entries(headers)
    .filter(([k]) => k.startsWith('x-ms-'))
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}:${v}\n`)
    .join('');
  const params = [...url.searchParams.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
  const resource = `/${AZURITE_ACCOUNT}${url.pathname}${params.map(([k, v]) => `\n${k}:${v}`).join('')}`;
  const toSign = `${method}\n${[...std, ...cond].map(value).join('\n')}\n${ms}${resource}`;
  return `SharedKey ${AZURITE_ACCOUNT}:${createHmac('sha256', key).update(toSign).digest('base64')}`;
}

export interface EntraApp {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** certificate is the PEM of the app's certificate followed by its RSA private key. */
  certificate: string;
}

export interface EntraTokenEndpoint {
  /** authorityHost is the base URL to put in a Secret's `authorityHost`. */
  authorityHost: string;
  app: EntraApp;
  grants(): number;
  refusals(): string[];
  close(): Promise<void>;
}

/**
 * startEntraTokenEndpoint serves `POST /<tenant>/oauth2/v2.0/token` over HTTPS (the given PKI's server certificate)
 * for one app registration, and answers with a token Azurite accepts (issuer sts.windows.net/<tenant>/, audience
 * https://storage.azure.com).
 */
export async function startEntraTokenEndpoint(pki: TestPki): Promise<EntraTokenEndpoint> {
  const dir = mkdtempSync(join(tmpdir(), 'fluxts-entra-'));
  openssl(dir, [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'app.key',
    '-out',
    'app.crt',
    '-subj',
    '/CN=fluxts-test-app',
    '-days',
    '2',
  ]);
  const certPem = readFileSync(join(dir, 'app.crt'), 'utf8');
  const keyPem = readFileSync(join(dir, 'app.key'), 'utf8');
  rmSync(dir, { recursive: true, force: true });
  const cert = new X509Certificate(certPem);
  const app: EntraApp = {
    tenantId: randomUUID(),
    clientId: randomUUID(),
    clientSecret: `secret-${randomUUID()}`,
    certificate: `${certPem}${keyPem}`,
  };
  let grants = 0;
  const refusals: string[] = [];
  let tokenUrl = '';
  const server: Server = createServer({ cert: pki.serverCert, key: pki.serverKey }, (req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const refuse = (code: string, why: string): void => {
        refusals.push(why);
        res
          .writeHead(401, { 'content-type': 'application/json' })
          .end(
            JSON.stringify({ error: code, error_description: `AADSTS7000215: ${why}\r\nTrace ID: ${randomUUID()}` }),
          );
      };
      const form = new URLSearchParams(body);
      if (req.method !== 'POST' || req.url !== `/${app.tenantId}/oauth2/v2.0/token`) {
        return refuse('invalid_request', `unexpected ${req.method} ${req.url}`);
      }
      if (!String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded')) {
        return refuse('invalid_request', 'not a form');
      }
      if (form.get('grant_type') !== 'client_credentials') return refuse('unsupported_grant_type', 'grant_type');
      if (form.get('client_id') !== app.clientId) return refuse('unauthorized_client', 'unknown client_id');
      if (form.get('scope') !== 'https://storage.azure.com/.default') return refuse('invalid_scope', 'scope');
      const secret = form.get('client_secret');
      const assertion = form.get('client_assertion');
      if (secret !== null) {
        if (secret !== app.clientSecret) return refuse('invalid_client', 'Invalid client secret provided.');
      } else if (assertion !== null) {
        if (form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') {
          return refuse('invalid_client', 'client_assertion_type');
        }
        const [h, c, s] = assertion.split('.');
        if (!h || !c || !s) return refuse('invalid_client', 'assertion is not a JWT');
        const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as { alg?: string; x5t?: string };
        const claims = JSON.parse(Buffer.from(c, 'base64url').toString()) as Record<string, unknown>;
        const thumb = createHash('sha1').update(cert.raw).digest('base64url');
        if (header.alg !== 'RS256' || header.x5t !== thumb) return refuse('invalid_client', 'unknown certificate');
        if (!createVerify('RSA-SHA256').update(`${h}.${c}`).verify(cert.publicKey, Buffer.from(s, 'base64url'))) {
          return refuse('invalid_client', 'Invalid JWT signature.');
        }
        const now = Date.now() / 1000;
        if (claims['aud'] !== tokenUrl || claims['iss'] !== app.clientId || claims['sub'] !== app.clientId) {
          return refuse('invalid_client', 'aud/iss/sub');
        }
        if (!(Number(claims['exp']) > now && Number(claims['nbf']) <= now + 60) || !claims['jti']) {
          return refuse('invalid_client', 'lifetime/jti');
        }
      } else return refuse('invalid_client', 'no client credential');
      grants++;
      const now = Math.floor(Date.now() / 1000);
      const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
      const token = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64({
        aud: 'https://storage.azure.com',
        iss: `https://sts.windows.net/${app.tenantId}/`,
        iat: now,
        nbf: now,
        exp: now + 3600,
        appid: app.clientId,
        oid: randomUUID(),
        tid: app.tenantId,
      })}.${Buffer.from(randomUUID()).toString('base64url')}`;
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ token_type: 'Bearer', expires_in: 3599, access_token: token }));
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const authorityHost = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  tokenUrl = `${authorityHost}${app.tenantId}/oauth2/v2.0/token`;
  return {
    authorityHost,
    app,
    grants: () => grants,
    refusals: () => [...refusals],
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}
