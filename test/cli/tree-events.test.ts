// tree and events against the local apiserver: inventories and Events written by the test, expected output
// written out by hand in flux's format.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';

import { KubeClient } from '../../src/kube/index.ts';
import { type TestCluster, useCluster, useNamespace } from '../support/cluster.ts';
import { runCli, setStatus } from './support.ts';

const KS = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' };

let cluster: TestCluster;
let client: KubeClient;
let kc: string;

before(async () => {
  cluster = await useCluster();
  client = new KubeClient(cluster.kubeConfig);
  kc = `--kubeconfig=${cluster.kubeconfigPath}`;
});

async function kustomization(ns: string, name: string, entries: { id: string; v: string }[]): Promise<void> {
  await client.create({
    ...KS,
    metadata: { name, namespace: ns },
    spec: { interval: '10m', path: './', prune: true, sourceRef: { kind: 'GitRepository', name: 'repo' } },
  });
  await setStatus(client, KS, ns, name, { inventory: { entries } });
}

describe('tree', () => {
  test('prints the inventory and descends into nested Kustomizations', async (t) => {
    const ns = await useNamespace(t, cluster);
    await kustomization(ns, 'infra', [
      { id: `${ns}_web_apps_Deployment`, v: 'v1' },
      { id: `${ns}_web__Service`, v: 'v1' },
    ]);
    await kustomization(ns, 'root', [
      { id: '_system__controller__manager_rbac.authorization.k8s.io_ClusterRole', v: 'v1' },
      { id: `_${ns}__Namespace`, v: 'v1' },
      { id: `${ns}_infra_kustomize.toolkit.fluxcd.io_Kustomization`, v: 'v1' },
      { id: `${ns}_settings__ConfigMap`, v: 'v1' },
    ]);
    const r = await runCli(['tree', 'kustomization', 'root', '-n', ns, kc]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      `Kustomization/${ns}/root
├── ClusterRole/system:controller:manager
├── Namespace/${ns}
├── Kustomization/${ns}/infra
│   ├── Deployment/${ns}/web
│   └── Service/${ns}/web
└── ConfigMap/${ns}/settings
`,
    );
  });

  test('descends into a HelmRelease through its Helm storage Secret', async (t) => {
    const ns = await useNamespace(t, cluster);
    const HR = { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease' };
    await client.create({
      ...HR,
      metadata: { name: 'web', namespace: ns },
      spec: { interval: '10m', chartRef: { kind: 'OCIRepository', name: 'podinfo' } },
    });
    const at = '2026-01-01T00:00:00Z';
    await setStatus(client, HR, ns, 'web', {
      history: [
        {
          digest: 'sha256:1',
          name: 'web',
          namespace: ns,
          version: 2,
          status: 'deployed',
          chartName: 'podinfo',
          chartVersion: '6.5.0',
          configDigest: 'sha256:2',
          firstDeployed: at,
          lastDeployed: at,
        },
      ],
    });
    // Helm's storage format: the Secret's `release` key holds base64(gzip(JSON release)).
    const manifest =
      '---\n# Source: podinfo/templates/deployment.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web-podinfo\n' +
      '---\n# Source: podinfo/templates/hpa.yaml\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web-podinfo\n  namespace: other\n';
    const release = gzipSync(JSON.stringify({ name: 'web', version: 2, manifest })).toString('base64');
    await client.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'sh.helm.release.v1.web.v2', namespace: ns, labels: { owner: 'helm', name: 'web' } },
      type: 'helm.sh/release.v1',
      data: { release: Buffer.from(release).toString('base64') },
    });
    await kustomization(ns, 'apps', [{ id: `${ns}_web_helm.toolkit.fluxcd.io_HelmRelease`, v: 'v2' }]);
    const r = await runCli(['tree', 'ks', 'apps', '-n', ns, kc]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      `Kustomization/${ns}/apps
└── HelmRelease/${ns}/web
    ├── Deployment/${ns}/web-podinfo
    └── HorizontalPodAutoscaler/other/web-podinfo
`,
    );
    const hr = await runCli(['get', 'hr', '-n', ns, '--no-header', kc]);
    assert.equal(hr.stdout, 'web\t6.5.0\tFalse\tFalse\twaiting to be reconciled\t\n');
  });

  test('a missing Kustomization is one line and exit 1', async (t) => {
    const ns = await useNamespace(t, cluster);
    const r = await runCli(['tree', 'ks', 'nope', '-n', ns, kc]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^✗ Kustomization '.*\/nope' not found\n/);
  });
});

describe('events', () => {
  test('lists the events of Flux objects with LAST SEEN, TYPE, REASON, OBJECT, MESSAGE', async (t) => {
    const ns = await useNamespace(t, cluster);
    const at = new Date(Date.now() - 90_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const event = (name: string, kind: string, apiVersion: string, type: string, reason: string, message: string) =>
      client.create({
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name, namespace: ns },
        involvedObject: { apiVersion, kind, name: 'podinfo', namespace: ns },
        type,
        reason,
        message,
        firstTimestamp: at,
        lastTimestamp: at,
        count: 1,
        source: { component: 'source-controller' },
      });
    await event('e1', 'GitRepository', 'source.toolkit.fluxcd.io/v1', 'Normal', 'NewArtifact', 'stored artifact');
    await event(
      'e2',
      'Kustomization',
      'kustomize.toolkit.fluxcd.io/v1',
      'Warning',
      'BuildFailed',
      'kustomize build failed',
    );
    await event('e3', 'Pod', 'v1', 'Normal', 'Scheduled', 'not a Flux object');

    const r = await runCli(['events', '-n', ns, kc]);
    assert.equal(r.code, 0, r.stderr);
    const rows = r.stdout
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => l.split('\t').map((c) => c.trimEnd()));
    // tablewriter ends the header's last cell with a space, not the tab padding.
    assert.deepEqual(rows[0], ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE']);
    assert.equal(rows.length, 3, r.stdout);
    const seen = rows.slice(1).map((row) => row[0] ?? '');
    for (const s of seen) assert.match(s, /^9\ds$/);
    assert.deepEqual(
      rows.slice(1).map((row) => row.slice(1, 5)),
      [
        ['Normal', 'NewArtifact', 'GitRepository/podinfo', 'stored artifact'],
        ['Warning', 'BuildFailed', 'Kustomization/podinfo', 'kustomize build failed'],
      ],
    );

    const only = await runCli(['events', '--for', 'Kustomization/podinfo', '-n', ns, kc]);
    assert.equal(only.code, 0, only.stderr);
    assert.match(only.stdout, /BuildFailed/);
    assert.doesNotMatch(only.stdout, /NewArtifact/);

    const bad = await runCli(['events', '--for', 'podinfo', '-n', ns, kc]);
    assert.equal(bad.code, 1);
    assert.equal(bad.stderr.split('\n')[0], "✗ 'podinfo' is not a recognized Flux kind");

    // An Alert's events come with its Provider's: what failed to be sent and why.
    await client.create({
      apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
      kind: 'Alert',
      metadata: { name: 'podinfo', namespace: ns },
      spec: { providerRef: { name: 'slack' }, eventSources: [{ kind: 'Kustomization', name: '*' }] },
    });
    await event(
      'e4',
      'Alert',
      'notification.toolkit.fluxcd.io/v1beta3',
      'Warning',
      'NotificationDispatchFailed',
      'failed to send',
    );
    await client.create({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'e5', namespace: ns },
      involvedObject: {
        apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
        kind: 'Provider',
        name: 'slack',
        namespace: ns,
      },
      type: 'Normal',
      reason: 'ProviderReady',
      message: 'provider of the alert',
      firstTimestamp: at,
      lastTimestamp: at,
      count: 1,
    });
    const alert = await runCli(['events', '--for', 'alert/podinfo', '-n', ns, kc]);
    assert.equal(alert.code, 0, alert.stderr);
    assert.match(alert.stdout, /Alert\/podinfo\s+failed to send/);
    assert.match(alert.stdout, /Provider\/slack\s+provider of the alert/);
    assert.doesNotMatch(alert.stdout, /BuildFailed|NewArtifact/);
    const kinds = await runCli(['events', '--for', 'GitRepository', '--types', 'normal', '-n', ns, kc]);
    assert.match(kinds.stdout, /NewArtifact/);
    assert.doesNotMatch(kinds.stdout, /BuildFailed|failed to send/);
    const badType = await runCli(['events', '--types', 'Error', '-n', ns, kc]);
    assert.equal(badType.stderr.split('\n')[0], "✗ type 'Error' not supported. Supported types are Normal, Warning");
  });
});
