import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, createServer as createNetServer, type Socket } from 'node:net';
import { test } from 'node:test';

import { KubeConnectionError } from './errors.ts';
import { KubeConfig } from './kubeconfig.ts';
import { Transport } from './transport.ts';

/**
 * A server that drops a connection, unanswered, when it carries a request number listed in `dropOn` (counted per
 * connection from 1): what a client sees when the server closed its kept-alive connection while it sat idle.
 */
async function dropping(dropOn: number[]): Promise<{ server: Server; url: string; connections: () => number }> {
  let connections = 0;
  const perSocket = new WeakMap<object, number>();
  const server = createServer((req, res) => {
    const n = (perSocket.get(req.socket) ?? 0) + 1;
    perSocket.set(req.socket, n);
    if (dropOn.includes(n)) {
      req.socket.destroy();
      return;
    }
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ kind: 'Status', request: n }));
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, connections: () => connections };
}

function transportFor(url: string, callTimeoutMs?: number): Transport {
  const kc = new KubeConfig();
  kc.loadFromString(
    [
      'apiVersion: v1',
      'kind: Config',
      'current-context: t',
      'contexts: [{name: t, context: {cluster: t, user: t}}]',
      `clusters: [{name: t, cluster: {server: "${url}"}}]`,
      'users: [{name: t, user: {token: abc}}]',
    ].join('\n'),
  );
  return new Transport(kc, undefined, undefined, callTimeoutMs);
}

test('a GET on a kept-alive connection the server has closed goes once more on a fresh one', async (t) => {
  const { server, url, connections } = await dropping([2]);
  t.after(() => server.close());
  const transport = transportFor(url);
  assert.deepEqual(await transport.request({ method: 'GET', path: '/api' }), { kind: 'Status', request: 1 });
  // The second request reuses the connection, which the server drops: the retry gets a new connection.
  assert.deepEqual(await transport.request({ method: 'GET', path: '/api' }), { kind: 'Status', request: 1 });
  assert.equal(connections(), 2);
});

test('a failure on a fresh connection, or a reset POST, is not retried', async (t) => {
  const { server, url, connections } = await dropping([1, 2]);
  t.after(() => server.close());
  const transport = transportFor(url);
  await assert.rejects(transport.request({ method: 'GET', path: '/api' }), KubeConnectionError);
  assert.equal(connections(), 1, 'a first request on a new connection is never retried');

  const second = await dropping([2]);
  t.after(() => second.server.close());
  const other = transportFor(second.url);
  await other.request({ method: 'GET', path: '/api' });
  // The server may have read a reset POST: creating twice is worse than failing once.
  await assert.rejects(other.request({ method: 'POST', path: '/api', body: {} }), KubeConnectionError);
  assert.equal(second.connections(), 1);
});

test("a connection reset after the response is the body reader's failure: nothing is sent again, nothing escapes", async (t) => {
  // The second request on the connection gets its headers and half a body, then the connection is reset.
  const seen: string[] = [];
  const perSocket = new WeakMap<object, number>();
  const server = createServer((req, res) => {
    const n = (perSocket.get(req.socket) ?? 0) + 1;
    perSocket.set(req.socket, n);
    seen.push(`${req.method ?? ''} #${n}`);
    if (n === 1) {
      res.setHeader('Content-Type', 'application/json');
      res.end('{"kind":"Status"}');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '1000' });
    res.write('{"kind":');
    setTimeout(() => req.socket.resetAndDestroy(), 50);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  t.after(() => process.off('unhandledRejection', onUnhandled));
  const transport = transportFor(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  for (const method of ['GET', 'DELETE'] as const) {
    seen.length = 0;
    await transport.request({ method, path: '/api' });
    await assert.rejects(transport.request({ method, path: '/api' }), /response cut/);
    // Before the fix the request went once more (a DELETE the server had carried out) and its failure escaped.
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(seen, [`${method} #1`, `${method} #2`]);
  }
  assert.deepEqual(unhandled, []);
});

test('the call timeout bounds a server that accepts and never answers; a watch that answers is not cut', async (t) => {
  const held: Socket[] = [];
  const blackHole = createNetServer((socket) => void held.push(socket));
  await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    for (const s of held) s.destroy();
    blackHole.close();
  });
  const silent = transportFor(`http://127.0.0.1:${(blackHole.address() as AddressInfo).port}`, 300);
  for (const call of [
    () => silent.request({ method: 'GET', path: '/api' }),
    () => silent.stream({ method: 'GET', path: '/api/v1/configmaps', query: { watch: true } }),
  ]) {
    const started = Date.now();
    await assert.rejects(
      call(),
      (err: Error) => err instanceof KubeConnectionError && /no answer within 300 ms/.test(err.message),
    );
    assert.ok(Date.now() - started < 5_000, `failed after ${Date.now() - started} ms`);
  }

  // A watch answers at once and then streams for longer than the call timeout: only its start is bounded.
  const streaming = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    let n = 0;
    const tick = setInterval(() => {
      res.write(`{"type":"BOOKMARK","object":{"n":${n}}}\n`);
      if (++n === 8) {
        clearInterval(tick);
        res.end();
      }
    }, 100);
  });
  await new Promise<void>((resolve) => streaming.listen(0, '127.0.0.1', resolve));
  t.after(() => streaming.close());
  const watching = transportFor(`http://127.0.0.1:${(streaming.address() as AddressInfo).port}`, 300);
  const body = await watching.stream({ method: 'GET', path: '/api/v1/configmaps', query: { watch: true } });
  let text = '';
  for await (const chunk of body) text += Buffer.from(chunk).toString('utf8');
  assert.equal(text.trim().split('\n').length, 8, 'the whole 800 ms stream arrived');
});
