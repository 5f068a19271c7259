// SSH material for `create secret git` with an ssh:// URL, as flux's sourcesecret package makes it: a key pair
// (generated, PKCS#8 PEM + authorized_keys line, or loaded from --private-key-file) and the server's host key in
// known_hosts form. The `ssh-keygen` and `ssh-keyscan` CLIs (OpenSSH) read key files and scan the host.
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';

import { CreateInputError } from './common.ts';

/** KeyPair is a private key (the file's bytes, or PKCS#8 PEM) and its authorized_keys line ending in "\n". */
export interface KeyPair {
  privateKey: string;
  publicKey: string;
}

function run(cmd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

const sshString = (b: Buffer): Buffer => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  return Buffer.concat([len, b]);
};
const mpint = (b: Buffer): Buffer => {
  let v = b;
  while (v.length > 1 && v[0] === 0) v = v.subarray(1);
  return sshString((v[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), v]) : v);
};
const b64u = (s: string | undefined): Buffer => Buffer.from(s ?? '', 'base64url');

/** generateKeyPair makes a new key pair: rsa (bits), ecdsa (p256|p384|p521) or ed25519. */
export function generateKeyPair(algorithm: string, rsaBits: number, curve: string): KeyPair {
  const pem = (pair: { privateKey: KeyObject }): string =>
    pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  let wire: Buffer;
  let privateKey: string;
  if (algorithm === 'rsa') {
    const pair = generateKeyPairSync('rsa', { modulusLength: rsaBits });
    const jwk = pair.publicKey.export({ format: 'jwk' });
    wire = Buffer.concat([sshString(Buffer.from('ssh-rsa')), mpint(b64u(jwk.e)), mpint(b64u(jwk.n))]);
    privateKey = pem(pair);
  } else if (algorithm === 'ed25519') {
    const pair = generateKeyPairSync('ed25519');
    const jwk = pair.publicKey.export({ format: 'jwk' });
    wire = Buffer.concat([sshString(Buffer.from('ssh-ed25519')), sshString(b64u(jwk.x))]);
    privateKey = pem(pair);
  } else {
    const bits = { p256: 256, p384: 384, p521: 521 }[curve] ?? 384;
    const size = Math.ceil(bits / 8);
    const pair = generateKeyPairSync('ec', { namedCurve: `P-${bits}` });
    const jwk = pair.publicKey.export({ format: 'jwk' });
    const point = Buffer.concat([Buffer.from([4]), pad(b64u(jwk.x), size), pad(b64u(jwk.y), size)]);
    const name = `nistp${bits}`;
    wire = Buffer.concat([
      sshString(Buffer.from(`ecdsa-sha2-${name}`)),
      sshString(Buffer.from(name)),
      sshString(point),
    ]);
    privateKey = pem(pair);
  }
  const type = wire.subarray(4, 4 + wire.readUInt32BE(0)).toString();
  return { privateKey, publicKey: `${type} ${wire.toString('base64')}\n` };
}

const pad = (b: Buffer, size: number): Buffer =>
  b.length >= size ? b : Buffer.concat([Buffer.alloc(size - b.length), b]);

/** loadKeyPair reads a private key file (any format OpenSSH reads) and derives its public key with ssh-keygen. */
export async function loadKeyPair(path: string, password: string): Promise<KeyPair> {
  let privateKey: string;
  try {
    privateKey = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new CreateInputError(`failed to open private key file ${path} (${code}): check --private-key-file`, {
      cause: err,
    });
  }
  const res = await run('ssh-keygen', ['-y', '-P', password, '-f', path]).catch((err: unknown) => {
    throw new CreateInputError('ssh-keygen (OpenSSH) is needed to read --private-key-file: install openssh-client', {
      cause: err,
    });
  });
  const fields = res.stdout.trim().split(/\s+/);
  if (res.code !== 0 || fields.length < 2) {
    throw new CreateInputError(
      `cannot read the private key in ${path}: it is not an SSH private key, or it needs a different --password`,
    );
  }
  return { privateKey, publicKey: `${fields[0]} ${fields[1]}\n` };
}

/** HOST_KEY_ORDER is Go's x/crypto/ssh client preference among plain host key types. */
const HOST_KEY_ORDER = ['ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'ssh-rsa', 'ssh-ed25519'];

/** scanHostKey returns the known_hosts line of the key the host would present to Go's SSH client. */
export async function scanHostKey(hostPort: string): Promise<string> {
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(hostPort);
  const host = (m?.[1] ?? hostPort).replace(/^\[|\]$/g, '');
  const port = m?.[2] ?? '22';
  const label = port === '22' ? host : `[${host}]:${port}`;
  const res = await run('ssh-keyscan', ['-T', '30', '-p', port, '-t', 'ecdsa,rsa,ed25519', host]).catch(
    (err: unknown) => {
      throw new CreateInputError(
        'ssh-keyscan (OpenSSH) is needed to collect the SSH host key: install openssh-client',
        {
          cause: err,
        },
      );
    },
  );
  const keys = new Map<string, string>();
  for (const line of res.stdout.split('\n')) {
    const [, type, key] = line.trim().split(/\s+/);
    if (type && key && !line.startsWith('#')) keys.set(type, key);
  }
  const type = HOST_KEY_ORDER.find((t) => keys.has(t));
  if (!type) {
    throw new CreateInputError(
      `SSH key scan for host ${host}:${port} failed: no host key collected; check the URL and that the host is reachable`,
    );
  }
  return `${label} ${type} ${keys.get(type) ?? ''}`;
}
