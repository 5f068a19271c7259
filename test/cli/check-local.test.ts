// `fluxts check` and controllers that run as local processes: `fluxts dev`'s Lease, a controller's leader-election
// Lease, and the same Leases gone stale (a killed process) against the local apiserver.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';

import { announceLocalControllers } from '../../src/cli/shared/local-controllers.ts';
import { KubeClient } from '../../src/kube/index.ts';
import { microTime } from '../../src/runtime/index.ts';
import { type TestCluster, useCluster, useNamespace } from '../support/cluster.ts';
import { runCli } from './support.ts';

let cluster: TestCluster;
let client: KubeClient;
let kc: string;

before(async () => {
  cluster = await useCluster();
  client = new KubeClient(cluster.kubeConfig);
  kc = `--kubeconfig=${cluster.kubeconfigPath}`;
});

const leaseType = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease' };

test('controllers of fluxts dev and leader-holding local controllers count as running; stale leases do not', async (t) => {
  const ns = await useNamespace(t, cluster);
  const components = '--components=source-controller,kustomize-controller,helm-controller,notification-controller';

  const before = await runCli(['check', '-n', ns, components, kc]);
  assert.equal(before.code, 1);
  assert.match(before.stderr, /✗ source-controller: deployment not found in .* namespace\n/);

  const dev = await announceLocalControllers(client, ns, ['source-controller', 'kustomize-controller']);
  t.after(() => dev.stop());
  await client.create({
    ...leaseType,
    metadata: { name: 'helm-controller-leader-election', namespace: ns },
    spec: { holderIdentity: 'laptop_1234', leaseDurationSeconds: 35, renewTime: microTime() },
  });
  await client.create({
    ...leaseType,
    metadata: { name: 'notification-controller-leader-election', namespace: ns },
    spec: { holderIdentity: 'gone_99', leaseDurationSeconds: 35, renewTime: microTime(new Date(Date.now() - 120_000)) },
  });

  const r = await runCli(['check', '-n', ns, components, kc]);
  assert.match(r.stderr, /✔ source-controller: running as a local process \(fluxts dev on .*, pid \d+\)\n/);
  assert.match(r.stderr, /✔ kustomize-controller: running as a local process \(fluxts dev on .*, pid \d+\)\n/);
  assert.match(r.stderr, /✔ helm-controller: running as a local process \(leader lease held by laptop_1234\)\n/);
  assert.match(r.stderr, /✗ notification-controller: deployment not found in .* namespace\n/);
  assert.equal(r.code, 1, 'the stale controller still fails the check');

  const ok = await runCli(['check', '-n', ns, '--components=source-controller,kustomize-controller', kc]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stderr, /✔ all checks passed\n$/);

  await dev.stop();
  const after = await runCli(['check', '-n', ns, '--components=source-controller', kc]);
  assert.equal(after.code, 1, 'a stopped fluxts dev no longer counts');
});
