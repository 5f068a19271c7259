// A real Google Cloud Storage emulator on loopback for Bucket tests: fake-gcs-server (JSON API, in-memory backend),
// built once into the cache with goInstall. It checks no credentials, so tests that authenticate also start
// startTokenEndpoint: Google's OAuth2 token endpoint for service accounts as its documentation describes it (JWT
// bearer grant, RFC 7523: an RS256 assertion whose iss is the client_email, aud the token URI, with a scope and a
// lifetime of at most an hour), checked against the key's public half.
import { createVerify, generateKeyPairSync } from 'node:crypto';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { goInstall } from '../../src/devcluster/go-build.ts';
import { freePort } from '../../src/devcluster/ports.ts';
import { startServerProcess } from './server-process.ts';

export const FAKE_GCS_VERSION = 'v1.56.1';

/** buildFakeGcsServer returns the cached `fake-gcs-server` binary, building it on first use. */
export function buildFakeGcsServer(): Promise<string> {
  return goInstall({ pkg: 'github.com/fsouza/fake-gcs-server', version: FAKE_GCS_VERSION, binary: 'fake-gcs-server' });
}

export interface TestGcsServer {
  /** endpoint is `127.0.0.1:<port>` (plain HTTP: spec.insecure). */
  endpoint: string;
  createBucket(name: string): Promise<void>;
  putObject(bucket: string, name: string, body: string): Promise<void>;
  stop(): Promise<void>;
}

function call(
  port: number,
  method: string,
  path: string,
  body?: string,
  contentType = 'application/json',
): Promise<void> {
  return new Promise((ok, fail) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers: { 'content-type': contentType } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () =>
        (res.statusCode ?? 0) < 300 ? ok() : fail(new Error(`${method} ${path}: ${res.statusCode} ${text}`)),
      );
    });
    req.once('error', fail);
    req.end(body);
  });
}

/** startGcsServer starts fake-gcs-server on a free loopback port. */
export async function startGcsServer(): Promise<TestGcsServer> {
  const binary = await buildFakeGcsServer();
  const port = await freePort();
  const { stop } = await startServerProcess(
    binary,
    ['-scheme', 'http', '-host', '127.0.0.1', '-port', String(port), '-backend', 'memory', '-log-level', 'error'],
    { name: 'fake-gcs-server', port },
  );
  return {
    endpoint: `127.0.0.1:${port}`,
    createBucket: (name) => call(port, 'POST', '/storage/v1/b', JSON.stringify({ name })),
    putObject: (bucket, name, body) =>
      call(
        port,
        'POST',
        `/upload/storage/v1/b/${encodeURIComponent(bucket)}/o?uploadType=media&name=${encodeURIComponent(name)}`,
        body,
        'application/octet-stream',
      ),
    stop,
  };
}

export interface TokenEndpoint {
  /** key is a service-account JSON key whose token_uri is this endpoint. */
  key: string;
  /** grants counts the tokens issued; refusals the assertions refused. */
  grants(): number;
  refusals(): string[];
  close(): Promise<void>;
}

/** startTokenEndpoint serves `POST /token` for one generated service account. */
export async function startTokenEndpoint(email = 'flux@fluxts-test.iam.gserviceaccount.com'): Promise<TokenEndpoint> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pub = publicKey;
  let grants = 0;
  const refusals: string[] = [];
  let tokenUri = '';
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const refuse = (why: string): void => {
        refusals.push(why);
        res
          .writeHead(400, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: 'invalid_grant', error_description: why }));
      };
      const form = new URLSearchParams(body);
      if (req.method !== 'POST' || req.url !== '/token') return refuse('not POST /token');
      if (!String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded')) return refuse('form');
      if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') return refuse('grant_type');
      const [h, c, s] = (form.get('assertion') ?? '').split('.');
      if (!h || !c || !s) return refuse('assertion is not a JWT');
      const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as { alg?: string };
      const claims = JSON.parse(Buffer.from(c, 'base64url').toString()) as Record<string, unknown>;
      if (header.alg !== 'RS256') return refuse('alg');
      if (!createVerify('RSA-SHA256').update(`${h}.${c}`).verify(pub, Buffer.from(s, 'base64url'))) {
        return refuse('Invalid JWT Signature.');
      }
      const now = Date.now() / 1000;
      const iat = Number(claims['iat']);
      const exp = Number(claims['exp']);
      if (claims['iss'] !== email || claims['aud'] !== tokenUri) return refuse('iss/aud');
      if (typeof claims['scope'] !== 'string' || !claims['scope'].includes('devstorage')) return refuse('scope');
      if (!(iat <= now + 60 && exp > now && exp - iat <= 3600)) return refuse('lifetime');
      grants++;
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ access_token: `ya29.test-${grants}`, expires_in: 3599, token_type: 'Bearer' }));
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  tokenUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
  const key = JSON.stringify({
    type: 'service_account',
    project_id: 'fluxts-test',
    private_key_id: 'k1',
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    client_email: email,
    token_uri: tokenUri,
  });
  return {
    key,
    grants: () => grants,
    refusals: () => refusals,
    close: () => new Promise((ok) => server.close(() => ok())),
  };
}
