// NATS: the event JSON published to a subject over the NATS client protocol (INFO, CONNECT, PUB, PING/PONG), with
// user/password, an nkey seed (ed25519 over the server nonce) or a creds file (user JWT + nkey seed).
import { createPrivateKey, createPublicKey, sign } from 'node:crypto';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

import { marshalEvent } from '../event.ts';
import { ProviderHttpError } from './http.ts';
import { type NotifierFactory, ProviderConfigError } from './types.ts';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32Decode(text: string): Buffer {
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const ch of text.replace(/=+$/, '')) {
    const idx = BASE32.indexOf(ch);
    if (idx < 0) throw new ProviderConfigError('error parsing nkey seed: invalid encoding');
    value = (value << 5) | idx;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

function base32Encode(data: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of data) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/** crc16 is the XMODEM CRC nkeys append to every encoded key. */
function crc16(data: Buffer): number {
  let crc = 0;
  for (const byte of data) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

/** NkeyPair is a decoded nkey seed: its encoded public key and a signer. */
export interface NkeyPair {
  publicKey: string;
  sign(nonce: Buffer): string;
}

/** nkeyFromSeed decodes an `S…` seed (checksum verified) into a key pair. */
export function nkeyFromSeed(seed: string): NkeyPair {
  const raw = base32Decode(seed.trim());
  if (raw.length !== 36 || crc16(raw.subarray(0, 34)) !== raw.readUInt16LE(34) || (raw[0] ?? 0) >> 3 !== 18) {
    throw new ProviderConfigError('error parsing nkey seed: invalid seed');
  }
  const prefix = (((raw[0] ?? 0) & 7) << 5) | (((raw[1] ?? 0) & 0xf8) >> 3);
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), raw.subarray(2, 34)]);
  const key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  const pub = createPublicKey(key).export({ format: 'der', type: 'spki' }).subarray(-32);
  const body = Buffer.concat([Buffer.from([prefix]), pub]);
  const crc = Buffer.alloc(2);
  crc.writeUInt16LE(crc16(body));
  return {
    publicKey: base32Encode(Buffer.concat([body, crc])),
    sign: (nonce) => sign(null, nonce, key).toString('base64url'),
  };
}

/** parseCreds reads a NATS creds file: the user JWT and the nkey seed. */
export function parseCreds(creds: string): { jwt: string; seed: string } {
  const blocks = [...creds.matchAll(/-{3,}[^\n]*-{3,}\s*\n([\s\S]*?)\n\s*-{3,}[^\n]*-{3,}/g)].map((m) =>
    (m[1] ?? '').trim(),
  );
  const jwt = blocks.find((b) => b.startsWith('ey'));
  const seed = blocks.find((b) => b.startsWith('S'));
  if (!jwt || !seed) throw new ProviderConfigError('invalid NATS credentials: expected a user JWT and an nkey seed');
  return { jwt, seed };
}

interface Auth {
  user?: string;
  pass?: string;
  jwt?: string;
  seed?: string;
}

/** publish connects, authenticates, publishes one message and waits for the server's PONG. */
export function publish(server: string, subject: string, payload: string, auth: Auth, signal: AbortSignal) {
  const url = new URL(server.includes('://') ? server : `nats://${server}`);
  const port = Number(url.port || 4222);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return new Promise<void>((resolve, reject) => {
    const socket: Socket =
      url.protocol === 'tls:' ? tlsConnect({ host, port, servername: host }) : netConnect({ host, port });
    let buffer = '';
    let connected = false;
    const fail = (err: Error) => {
      socket.destroy();
      reject(err);
    };
    const onAbort = () => fail(new ProviderHttpError('error connecting to server: context deadline exceeded'));
    signal.addEventListener('abort', onAbort, { once: true });
    socket.on('error', (err) => fail(new ProviderHttpError(`error connecting to server: ${err.message}`)));
    socket.on('close', () => signal.removeEventListener('abort', onAbort));
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      let nl: number;
      while ((nl = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 2);
        if (line.startsWith('INFO ') && !connected) {
          connected = true;
          const info = JSON.parse(line.slice(5)) as { nonce?: string };
          const connect: Record<string, unknown> = {
            verbose: false,
            pedantic: false,
            tls_required: url.protocol === 'tls:',
            name: 'NATS Provider Publisher',
            lang: 'go',
            version: '1.52.0',
            protocol: 1,
            echo: true,
            headers: true,
            no_responders: true,
          };
          if (auth.user !== undefined) Object.assign(connect, { user: auth.user, pass: auth.pass });
          if (auth.seed) {
            const pair = nkeyFromSeed(auth.seed);
            if (auth.jwt) connect['jwt'] = auth.jwt;
            else connect['nkey'] = pair.publicKey;
            connect['sig'] = pair.sign(Buffer.from(info.nonce ?? ''));
          }
          const bytes = Buffer.byteLength(payload);
          socket.write(`CONNECT ${JSON.stringify(connect)}\r\nPUB ${subject} ${bytes}\r\n${payload}\r\nPING\r\n`);
        } else if (line === 'PING') {
          socket.write('PONG\r\n');
        } else if (line === 'PONG') {
          socket.end();
          resolve();
        } else if (line.startsWith('-ERR')) {
          fail(new ProviderHttpError(`error publishing message to server: ${line.slice(5).replace(/'/g, '')}`));
        }
      }
    });
  });
}

export const nats: NotifierFactory = (s) => {
  if (!s.address) throw new ProviderConfigError('NATS server (address) cannot be empty');
  if (!s.channel) throw new ProviderConfigError('NATS subject (channel) cannot be empty');
  const creds = s.secretData['creds'];
  const nkey = s.secretData['nkey'];
  let auth: Auth = {};
  if (creds && creds.length > 0) auth = parseCreds(creds.toString('utf8'));
  else if (nkey && nkey.length > 0) auth = { seed: nkey.toString('utf8') };
  else if (s.username && s.password) auth = { user: s.username, pass: s.password };
  if (auth.seed) nkeyFromSeed(auth.seed);
  return {
    async post(event, ctx) {
      try {
        await publish(s.address, s.channel, marshalEvent(event), auth, ctx.signal);
      } catch (err) {
        throw new ProviderHttpError(`error publishing event to subject ${s.channel}: ${(err as Error).message}`, {
          cause: err,
        });
      }
    },
  };
};
