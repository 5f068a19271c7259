// The HelmRelease commands beyond `get` on the control plane: `debug helmrelease --show-values|--show-status`
// compared byte for byte with the real flux CLI v2.9.5 on the same objects (values composed from a ConfigMap, a
// Secret and spec.values in Flux's order), and `tree helmrelease` from the HelmRelease's status.inventory.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { KubeClient } from '../../src/kube/index.ts';
import { buildFluxCli } from '../cli-create/flux-cli.ts';
import { run } from '../cli-build-diff/support.ts';
import { type TestCluster, useCluster, useNamespace } from '../support/cluster.ts';
import { runCli, setStatus } from './support.ts';

const HR = { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease' };

let cluster: TestCluster;
let client: KubeClient;
let kc: string;
let flux: string;

before(
  async () => {
    cluster = await useCluster();
    client = new KubeClient(cluster.kubeConfig);
    kc = `--kubeconfig=${cluster.kubeconfigPath}`;
    flux = await buildFluxCli(() => undefined);
  },
  { timeout: 25 * 60_000 },
);

describe('HelmRelease commands', () => {
  let ns: string;
  const cleanups: (() => Promise<void> | void)[] = [];
  before(async () => {
    ns = await useNamespace({ name: 'helm-commands', after: (fn) => void cleanups.push(fn) }, cluster);
    await client.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'defaults', namespace: ns },
      data: { 'values.yaml': 'replicaCount: 2\nimage:\n  tag: 6.5.0\n  pullPolicy: IfNotPresent\n', extra: 'a: 1\n' },
    });
    await client.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'creds', namespace: ns },
      stringData: { 'values.yaml': 'redis:\n  password: s3cret\nimage:\n  tag: 6.6.0\n' },
    });
    await client.create({
      ...HR,
      metadata: { name: 'podinfo', namespace: ns },
      spec: {
        interval: '10m',
        chart: { spec: { chart: 'podinfo', sourceRef: { kind: 'HelmRepository', name: 'podinfo' } } },
        valuesFrom: [
          { kind: 'ConfigMap', name: 'defaults' },
          { kind: 'Secret', name: 'creds' },
          { kind: 'ConfigMap', name: 'absent', optional: true },
          { kind: 'ConfigMap', name: 'defaults', valuesKey: 'extra' },
        ],
        values: { replicaCount: 3, ingress: { enabled: true, hosts: ['a.example.com'] }, empty: null },
      },
    });
    await setStatus(client, HR, ns, 'podinfo', {
      observedGeneration: 1,
      lastAttemptedRevision: '6.5.0',
      lastAttemptedValuesChecksum: 'sha1:0123',
      history: [
        {
          name: 'podinfo',
          namespace: ns,
          version: 1,
          chartName: 'podinfo',
          chartVersion: '6.5.0',
          appVersion: '6.5.0',
          configDigest: 'sha256:' + 'ab'.repeat(32),
          digest: 'sha256:' + 'cd'.repeat(32),
          firstDeployed: '2026-01-01T00:00:00Z',
          lastDeployed: '2026-01-01T00:00:00Z',
          status: 'deployed',
        },
      ],
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'InstallSucceeded',
          message: 'Helm install succeeded',
          lastTransitionTime: '2026-01-01T00:00:00Z',
          observedGeneration: 1,
        },
      ],
      inventory: {
        entries: [
          { id: `${ns}_podinfo__Service`, v: 'v1' },
          { id: `${ns}_podinfo_apps_Deployment`, v: 'v1' },
          { id: `_podinfo-view_rbac.authorization.k8s.io_ClusterRole`, v: 'v1' },
        ],
      },
    });
  });
  after(async () => {
    for (const fn of cleanups) await fn();
  });

  for (const flags of [
    ['--show-values'],
    ['--show-status'],
    ['--show-history'],
    ['--show-status', '--show-values'],
    [],
  ]) {
    test(`debug helmrelease ${flags.join(' ') || '(no flag)'} prints what flux prints`, async () => {
      const args = ['debug', 'helmrelease', 'podinfo', ...flags, '-n', ns, kc];
      const ours = await runCli(args);
      const ref = await run(flux, args);
      assert.equal(ours.code, ref.code, ours.stderr);
      assert.equal(ours.stdout, ref.stdout);
      if (flags.length !== 1) assert.equal(ours.stderr, ref.stderr);
    });
  }

  test('debug hr --show-values composes valuesFrom in order, then spec.values', async () => {
    const r = await runCli(['debug', 'hr', 'podinfo', '--show-values', '-n', ns, kc]);
    assert.equal(
      r.stdout,
      'a: 1\nempty: null\nimage:\n  pullPolicy: IfNotPresent\n  tag: 6.6.0\ningress:\n  enabled: true\n  hosts:\n  - a.example.com\nredis:\n  password: s3cret\nreplicaCount: 3\n',
    );
  });

  test('tree helmrelease draws status.inventory', async () => {
    const r = await runCli(['tree', 'hr', 'podinfo', '-n', ns, kc]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      `HelmRelease/${ns}/podinfo\n├── Service/${ns}/podinfo\n├── Deployment/${ns}/podinfo\n└── ClusterRole/podinfo-view\n`,
    );
    const missing = await runCli(['tree', 'hr', 'absent', '-n', ns, kc]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /HelmRelease '.*\/absent' not found/u);
  });
});
