import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { type AddressInfo, createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

import { KubeClient } from '../../src/kube/client/index.ts';
import type { Lease } from '../../src/runtime/leader-election.ts';
import { useCluster, useNamespace } from '../support/cluster.ts';
import { eventually } from '../support/eventually.ts';
import { ensureWidgetCrd } from './widget.ts';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

void test('runManager serves probes and metrics, holds its lease, and on SIGTERM releases it and exits 0', async (t) => {
  const cluster = await useCluster();
  const client = new KubeClient(cluster.kubeConfig);
  await ensureWidgetCrd(client);
  const ns = await useNamespace(t, cluster);
  const [metricsPort, healthPort] = [await freePort(), await freePort()];
  const main = fileURLToPath(new URL('./fixtures/run-manager-main.ts', import.meta.url));
  const child = spawn(
    process.execPath,
    [
      main,
      `--kubeconfig=${cluster.kubeconfigPath}`,
      `--metrics-addr=127.0.0.1:${metricsPort}`,
      `--health-addr=127.0.0.1:${healthPort}`,
      '--enable-leader-election',
      '--watch-all-namespaces=false',
      '--log-level=info',
    ],
    { env: { ...process.env, RUNTIME_NAMESPACE: ns }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  t.after(() => void child.kill('SIGKILL'));

  await eventually(
    'readyz ok',
    async () => {
      const res = await fetch(`http://127.0.0.1:${healthPort}/readyz`);
      return res.status === 200 ? true : undefined;
    },
    { timeoutMs: 20_000 },
  );
  const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  assert.match(metrics, /process_cpu_seconds_total/);
  const leaseKey = { namespace: ns, name: 'fixture-controller-leader-election' };
  const leaseType = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease' };
  // Readiness does not wait for leadership (as in controller-runtime); the lease follows shortly.
  const held = await eventually('lease held', async () => {
    const lease = await client.get<Lease>(leaseType, leaseKey);
    return lease.spec?.holderIdentity ? lease : undefined;
  });
  assert.equal(held.spec?.leaseDurationSeconds, 35);

  child.kill('SIGTERM');
  assert.equal(await exited, 0, stderr);
  assert.match(stdout, /exited cleanly/);
  const released = await client.get<Lease>(leaseType, leaseKey);
  assert.equal(released.spec?.holderIdentity, undefined, 'released on shutdown');

  const logs = stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.ok(logs.length > 0);
  assert.ok(
    logs.every((l) => typeof l['level'] === 'string' && typeof l['ts'] === 'string' && typeof l['msg'] === 'string'),
  );
  assert.ok(logs.some((l) => l['msg'] === 'Stopped'));
});
