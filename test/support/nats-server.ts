// A real NATS server on loopback for the `nats` Provider: nats-server built once into the cache with goInstall,
// run with a config file (user/password or nkey users) and a subscriber speaking the NATS client protocol over TCP.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { goInstall } from '../../src/devcluster/go-build.ts';
import { freePort } from '../../src/devcluster/ports.ts';
import { startServerProcess } from './server-process.ts';

export const NATS_SERVER_VERSION = 'v2.15.3';

/** buildNatsServer returns the cached `nats-server` binary, building it on first use. */
export function buildNatsServer(): Promise<string> {
  return goInstall({ pkg: 'github.com/nats-io/nats-server/v2', version: NATS_SERVER_VERSION, binary: 'nats-server' });
}

export interface NatsMessage {
  subject: string;
  data: string;
}

export interface TestNatsServer {
  /** url is `nats://127.0.0.1:<port>`. */
  url: string;
  /** subscribe connects as `user` and resolves once the server confirmed the subscription (PONG after SUB). */
  subscribe(
    subject: string,
    user: { user: string; pass: string },
  ): Promise<{ next(): Promise<NatsMessage>; close(): void }>;
  stop(): Promise<void>;
}

/** startNatsServer runs nats-server with the given `authorization { … }` block (NATS config syntax). */
export async function startNatsServer(authorization: string): Promise<TestNatsServer> {
  const binary = await buildNatsServer();
  const dir = await mkdtemp(join(tmpdir(), 'fluxts-nats-'));
  const port = await freePort();
  const config = join(dir, 'nats.conf');
  await writeFile(config, `listen: 127.0.0.1:${port}\nauthorization {\n${authorization}\n}\n`);
  const { stop } = await startServerProcess(binary, ['-c', config], {
    name: 'nats-server',
    port,
    cleanup: () => rm(dir, { recursive: true, force: true }),
  });
  return {
    url: `nats://127.0.0.1:${port}`,
    subscribe: (subject, user) => subscriber(port, subject, user),
    stop,
  };
}

/** subscriber is a minimal NATS client: CONNECT with user/pass, SUB, then MSG frames parsed from the stream. */
async function subscriber(
  port: number,
  subject: string,
  user: { user: string; pass: string },
): Promise<{ next(): Promise<NatsMessage>; close(): void }> {
  const socket: Socket = connect(port, '127.0.0.1');
  let buffer = Buffer.alloc(0);
  const messages: NatsMessage[] = [];
  const waiters: ((m: NatsMessage) => void)[] = [];
  let confirmed: (() => void) | undefined;
  let failed: ((err: Error) => void) | undefined;
  const ready = new Promise<void>((resolve, reject) => {
    confirmed = resolve;
    failed = reject;
  });
  socket.on('error', (err) => failed?.(err));
  socket.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const eol = buffer.indexOf('\r\n');
      if (eol < 0) return;
      const line = buffer.subarray(0, eol).toString();
      if (line.startsWith('MSG ')) {
        const parts = line.split(' ');
        const size = Number(parts.at(-1));
        if (buffer.length < eol + 2 + size + 2) return;
        const data = buffer.subarray(eol + 2, eol + 2 + size).toString();
        buffer = buffer.subarray(eol + 2 + size + 2);
        const msg = { subject: parts[1] ?? '', data };
        const w = waiters.shift();
        if (w) w(msg);
        else messages.push(msg);
        continue;
      }
      buffer = buffer.subarray(eol + 2);
      if (line.startsWith('INFO ')) {
        const connectOpts = { verbose: false, pedantic: false, user: user.user, pass: user.pass, protocol: 1 };
        socket.write(`CONNECT ${JSON.stringify(connectOpts)}\r\nSUB ${subject} 1\r\nPING\r\n`);
      } else if (line === 'PING') socket.write('PONG\r\n');
      else if (line === 'PONG') confirmed?.();
      else if (line.startsWith('-ERR')) failed?.(new Error(`nats: ${line}`));
    }
  });
  await ready;
  return {
    next: () => {
      const m = messages.shift();
      if (m) return Promise.resolve(m);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no message on ${subject} in time`)), 10_000);
        waiters.push((msg) => {
          clearTimeout(timer);
          resolve(msg);
        });
      });
    },
    close: () => socket.destroy(),
  };
}

if (import.meta.main) {
  process.stdout.write(`${await buildNatsServer()}\n`);
}
