// `fluxts version` without a reachable cluster, and the command deadline (`--timeout`) aborting a request the API
// server never answers. The "API server" here is an in-process socket that accepts requests and never replies.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { Command } from 'commander';

import { VERSION } from '../shared/version.ts';
import { registerVersionCommand } from './version.ts';

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fluxts-version-test-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function kubeconfig(server: string): Promise<string> {
  const file = join(dir, `kubeconfig-${Math.random().toString(36).slice(2)}`);
  await writeFile(
    file,
    `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "${server}"}}]
contexts: [{name: c, context: {cluster: c, user: u}}]
current-context: c
users: [{name: u, user: {token: t}}]
`,
  );
  return file;
}

async function runVersion(args: string[]): Promise<{ out: string; err: unknown; ms: number }> {
  let out = '';
  const program = new Command().exitOverride();
  registerVersionCommand(program, { out: (t) => (out += t), err: () => undefined, tty: false });
  const started = Date.now();
  try {
    await program.parseAsync(['version', ...args], { from: 'user' });
    return { out, err: undefined, ms: Date.now() - started };
  } catch (err) {
    return { out, err, ms: Date.now() - started };
  }
}

test('version prints the client version first, then explains that the cluster cannot be reached', async () => {
  const { out, err } = await runVersion(['--kubeconfig', await kubeconfig('https://127.0.0.1:1')]);
  assert.equal(out, `fluxts: v${VERSION}\n`);
  assert.match(String(err), /cannot reach the Kubernetes API server/);
  const yaml = await runVersion(['-o', 'yaml', '--kubeconfig', await kubeconfig('https://127.0.0.1:1')]);
  assert.equal(yaml.out, `fluxts: v${VERSION}\n`);
  // JSON is one document: nothing half-written.
  const json = await runVersion(['-o', 'json', '--kubeconfig', await kubeconfig('https://127.0.0.1:1')]);
  assert.equal(json.out, '');
  assert.ok(json.err);
  const client = await runVersion(['--client', '-o', 'json', '--kubeconfig', await kubeconfig('https://127.0.0.1:1')]);
  assert.equal(client.err, undefined);
  assert.deepEqual(JSON.parse(client.out), { fluxts: `v${VERSION}` });
});

test('--timeout aborts the request in flight when the API server never answers', { timeout: 30_000 }, async () => {
  const pending: IncomingMessage[] = [];
  const closed: Promise<void>[] = [];
  const server = createServer((req) => {
    pending.push(req);
    closed.push(new Promise((resolve) => req.socket.once('close', () => resolve())));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const { out, err, ms } = await runVersion([
      '--timeout',
      '1s',
      '--kubeconfig',
      await kubeconfig(`http://127.0.0.1:${port}`),
    ]);
    assert.equal(out, `fluxts: v${VERSION}\n`);
    assert.match(String(err), /context deadline exceeded/);
    assert.ok(ms >= 900 && ms < 10_000, `took ${ms} ms`);
    assert.equal(pending.length, 1, 'one request reached the server');
    await Promise.all(closed); // the client hung up: the request was aborted, not left open
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});
