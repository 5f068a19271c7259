// Test certificates made with the openssl CLI: a CA, a server certificate for 127.0.0.1/localhost and a client
// certificate (clientAuth) signed by it, valid for two days. Shared by the test servers that speak TLS.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** TestPki is PEM text of a CA and the server and client certificates it signed. */
export interface TestPki {
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

/** EC_KEY is the openssl argument list for a P-256 key without a passphrase. */
export const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** openssl runs the openssl CLI in `dir` (argv, never a shell). */
export function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
}

/**
 * makeTestPki writes `ca.crt`/`ca.key`, `server.crt`/`server.key` and `client.crt`/`client.key` into `dir` (subject
 * names start with `prefix`) and returns their text. The server certificate also names `extraDnsNames` (a hosted
 * service's name that a test serves on loopback).
 */
export function makeTestPki(dir: string, prefix: string, extraDnsNames: string[] = []): TestPki {
  openssl(dir, [
    'req',
    '-x509',
    ...EC_KEY,
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-subj',
    `/CN=${prefix}-ca`,
    '-days',
    '2',
  ]);
  const names = ['IP:127.0.0.1', 'DNS:localhost', ...extraDnsNames.map((n) => `DNS:${n}`)];
  writeFileSync(join(dir, 'server.ext'), `subjectAltName=${names.join(',')}\n`);
  writeFileSync(join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
  for (const name of ['server', 'client']) {
    openssl(dir, ['req', ...EC_KEY, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${prefix}-${name}`]);
    openssl(dir, [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.crt`,
      '-days',
      '2',
      '-extfile',
      `${name}.ext`,
    ]);
  }
  const read = (f: string): string => readFileSync(join(dir, f), 'utf8');
  return {
    ca: read('ca.crt'),
    serverCert: read('server.crt'),
    serverKey: read('server.key'),
    clientCert: read('client.crt'),
    clientKey: read('client.key'),
  };
}
