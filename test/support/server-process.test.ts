// startServerProcess with real child processes: ready once the port accepts connections, stopped (and cleaned up)
// once on every path, and errors that carry the server's stderr.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { freePort } from '../../src/devcluster/ports.ts';
import { portOpen, startServerProcess } from './server-process.ts';

const node = process.execPath;

test('resolves once the port accepts connections; stop ends the process and cleans up exactly once', async () => {
  const port = await freePort();
  let cleanups = 0;
  const server = await startServerProcess(
    node,
    ['-e', `require('node:net').createServer().listen(${port}, '127.0.0.1')`],
    { name: 'listener', port, cleanup: () => void cleanups++ },
  );
  assert.equal(await portOpen(port), true);
  await Promise.all([server.stop(), server.stop()]);
  assert.notEqual(server.child.exitCode ?? server.child.signalCode, null, 'the process has exited');
  assert.equal(cleanups, 1);
  assert.equal(await portOpen(port), false);
});

test('a server that exits before listening fails with its exit code and stderr, and is cleaned up', async () => {
  const port = await freePort();
  let cleaned = false;
  await assert.rejects(
    startServerProcess(node, ['-e', `process.stderr.write('bad flag --frobnicate'); process.exit(3)`], {
      name: 'broken',
      port,
      cleanup: () => void (cleaned = true),
    }),
    /^Error: broken exited \(3\): bad flag --frobnicate$/,
  );
  assert.equal(cleaned, true);
});

test('a server that never listens is killed after the ready timeout, and the error says so', async () => {
  const port = await freePort();
  let cleaned = false;
  const started = Date.now();
  await assert.rejects(
    startServerProcess(node, ['-e', `process.stderr.write('still starting'); setInterval(() => {}, 1000)`], {
      name: 'slow',
      port,
      readyTimeoutMs: 500,
      cleanup: () => void (cleaned = true),
    }),
    new RegExp(`^Error: slow did not listen on 127\\.0\\.0\\.1:${port}: still starting$`),
  );
  assert.equal(cleaned, true);
  assert.ok(Date.now() - started < 10_000, 'SIGTERM ended it; no SIGKILL grace was needed');
});
