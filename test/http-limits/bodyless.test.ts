// The limits of the body-less servers (src/util/http-bodyless.ts), on the two that use them (artifact file server, metrics/health routes), over a
// raw socket so that the client can lie about and stream bodies as an attacker would.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { serveStorage, type StorageServer } from '../../src/artifacts/server.ts';
import { serveRoutes, type RunningServer } from '../../src/runtime/http-server.ts';

/** raw sends `head` (and then endless body bytes if `stream`), and returns what came back once the server closed. */
function raw(port: number, head: string, stream = false): Promise<{ response: string; sent: number }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let response = '';
    let sent = 0;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`server did not close the connection; got ${JSON.stringify(response.slice(0, 200))}`));
    }, 15_000);
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    socket.on('connect', () => {
      socket.write(head);
      if (!stream) return;
      const pump = (): void => {
        while (socket.writable && sent < 256 << 20 && socket.write(chunk)) sent += chunk.length;
      };
      socket.on('drain', pump);
      pump();
    });
    socket.on('data', (d: Buffer) => (response += d.toString('latin1')));
    socket.on('error', () => undefined); // a reset after the answer is what a closed connection looks like
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ response, sent });
    });
  });
}

const status = (response: string): string => response.split('\r\n')[0] ?? '';

for (const kind of ['artifact server', 'metrics and health routes'] as const) {
  describe(`${kind}: no request body, bounded headers`, () => {
    let port = 0;
    let close: () => Promise<void> = () => Promise.resolve();
    let dir = '';
    const path = kind === 'artifact server' ? '/a/b.tar.gz' : '/healthz';
    before(async () => {
      if (kind === 'artifact server') {
        dir = await mkdtemp(join(tmpdir(), 'fluxts-bodyless-'));
        await mkdir(join(dir, 'a'));
        await writeFile(join(dir, 'a', 'b.tar.gz'), 'x');
        const s: StorageServer = await serveStorage(dir, { host: '127.0.0.1', port: 0 });
        port = Number(s.address.split(':').pop());
        close = () => s.close();
      } else {
        const s: RunningServer = await serveRoutes('127.0.0.1:0', { '/healthz': (_req, res) => void res.end('ok') });
        port = s.port;
        close = () => s.close();
      }
    });
    after(async () => {
      await close();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    test('a plain GET is served', async () => {
      const r = await raw(port, `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      assert.equal(status(r.response), 'HTTP/1.1 200 OK');
    });

    test('a declared body is refused with 413 and the connection closed, unread', async () => {
      const r = await raw(port, `GET ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000\r\n\r\nabc`);
      assert.equal(status(r.response), 'HTTP/1.1 413 Payload Too Large');
      assert.match(r.response, /\r\nconnection: close\r\n/i);
    });

    test('a chunked body streamed without end is refused and cut off', async () => {
      const r = await raw(port, `POST ${path} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n`, true);
      assert.equal(status(r.response), 'HTTP/1.1 413 Payload Too Large');
      assert.ok(r.sent < 256 << 20, `the server read ${r.sent} bytes before closing`);
    });

    test('headers over 16 KiB are refused with 431', async () => {
      const r = await raw(port, `GET ${path} HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
      assert.equal(status(r.response), 'HTTP/1.1 431 Request Header Fields Too Large');
    });
  });
}
