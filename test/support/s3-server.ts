// A real S3 server on loopback for Bucket tests: versitygw (posix backend, metadata in a sidecar directory so no
// xattr support is needed), built once into the cache with goInstall. It checks SigV4 signatures against its root
// credentials and serves plain HTTP or, with `tls`, HTTPS with a certificate for 127.0.0.1 signed by a generated CA.
// Objects are written through the S3 API (a signed PUT), so etags are the server's own.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { goInstall } from '../../src/devcluster/go-build.ts';
import { freePort } from '../../src/devcluster/ports.ts';
import { sign, uriEncodePath } from '../../src/engines/sigv4/index.ts';
import { makeTestPki } from './pki.ts';
import { startServerProcess } from './server-process.ts';

export const VERSITYGW_VERSION = 'v1.8.0';

/** buildVersityGw returns the cached `versitygw` binary, building it on first use (a few minutes cold). */
export function buildVersityGw(): Promise<string> {
  return goInstall({
    pkg: 'github.com/versity/versitygw/cmd/versitygw',
    version: VERSITYGW_VERSION,
    binary: 'versitygw',
  });
}

export interface S3ServerOptions {
  tls?: boolean;
  region?: string;
}

/** TestS3Server is a running versitygw; always stop() it. */
export interface TestS3Server {
  /** endpoint is `127.0.0.1:<port>`, what spec.endpoint holds. */
  endpoint: string;
  accessKey: string;
  secretKey: string;
  region: string;
  caPem: string | undefined;
  createBucket(bucket: string): Promise<void>;
  putObject(bucket: string, key: string, body: string | Buffer): Promise<void>;
  deleteObject(bucket: string, key: string): Promise<void>;
  stop(): Promise<void>;
}

/** serverCert makes a test CA and a server certificate for 127.0.0.1 (pki.ts), as versitygw's --cert/--key want. */
function serverCert(dir: string): { ca: string; cert: string; key: string } {
  const pki = makeTestPki(dir, 'fluxts-s3');
  return { ca: pki.ca, cert: join(dir, 'server.crt'), key: join(dir, 'server.key') };
}

/** startS3Server starts versitygw on a free loopback port with fresh root credentials. */
export async function startS3Server(opts: S3ServerOptions = {}): Promise<TestS3Server> {
  const binary = await buildVersityGw();
  const dir = mkdtempSync(join(tmpdir(), 'fluxts-s3-'));
  const data = join(dir, 'data');
  const sidecar = join(dir, 'meta');
  mkdirSync(data);
  mkdirSync(sidecar);
  const port = await freePort();
  const accessKey = 'fluxts-access';
  const secretKey = 'fluxts-s3cret-key-do-not-leak';
  const region = opts.region ?? 'us-east-1';
  const pki = opts.tls ? serverCert(dir) : undefined;
  const args = [
    '--access',
    accessKey,
    '--secret',
    secretKey,
    '--region',
    region,
    '--port',
    `127.0.0.1:${port}`,
    '--quiet',
  ];
  if (pki) args.push('--cert', pki.cert, '--key', pki.key);
  args.push('posix', '--sidecar', sidecar, data);
  const { stop } = await startServerProcess(binary, args, {
    name: 'versitygw',
    port,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  });
  const endpoint = `127.0.0.1:${port}`;
  const send = (method: string, path: string, body?: Buffer): Promise<void> => {
    const url = new URL(`${pki ? 'https' : 'http'}://${endpoint}${uriEncodePath(path)}`);
    const headers = sign({
      method,
      url,
      headers: body ? { 'content-length': String(body.length) } : {},
      ...(body ? { body } : {}),
      service: 's3',
      region,
      credentials: { accessKeyId: accessKey, secretAccessKey: secretKey },
    });
    return new Promise((ok, fail) => {
      const req = (pki ? httpsRequest : httpRequest)(
        url,
        { method, headers, ...(pki ? { ca: pki.ca } : {}) },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () =>
            (res.statusCode ?? 0) < 300 ? ok() : fail(new Error(`${method} ${path}: HTTP ${res.statusCode}: ${text}`)),
          );
        },
      );
      req.once('error', fail);
      req.end(body);
    });
  };
  return {
    endpoint,
    accessKey,
    secretKey,
    region,
    caPem: pki?.ca,
    createBucket: (bucket) => send('PUT', `/${bucket}`),
    putObject: (bucket, key, body) => send('PUT', `/${bucket}/${key}`, Buffer.from(body)),
    deleteObject: (bucket, key) => send('DELETE', `/${bucket}/${key}`),
    stop,
  };
}
