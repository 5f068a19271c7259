// Release storage both ways with the real helm v4.2.4 on the control plane: a release `helm install` made is read
// by fluxts' driver (revision, status, values, chart, manifest), and a release fluxts stored is listed, shown and
// upgraded by helm (`helm list|history|get values|get manifest|status|upgrade`), after which fluxts reads the
// history helm extended. No mock in between: both sides read and write the same Secrets.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { ReleaseStorage } from '../../src/controllers/helm/storage.ts';
import { releaseName, shortenName } from '../../src/controllers/helm/release-name.ts';
import {
  loadChart,
  localTime,
  newRelease,
  nodeChartFileSystem,
  renderChart,
  type ValueMap,
} from '../../src/engines/helm/index.ts';
import { sprigFunctions } from '../../src/engines/sprig/index.ts';
import { KubeClient, type KubeObject } from '../../src/kube/index.ts';
import { type TestCluster, useCluster, useNamespace } from '../support/cluster.ts';
import { SHARED_FIXTURES } from '../support/fixtures.ts';
import { helmBinary } from '../helm/reference.ts';

const PODINFO = join(SHARED_FIXTURES, 'podinfo', 'charts', 'podinfo');

let cluster: TestCluster;
let client: KubeClient;
let helm: string;
const home = mkdtempSync(join(tmpdir(), 'fluxts-helm-storage-home-'));

before(async () => {
  [cluster, helm] = await Promise.all([useCluster(), helmBinary()]);
  client = new KubeClient(cluster.kubeConfig);
});
after(() => rmSync(home, { recursive: true, force: true }));

/** run runs the real helm against the test cluster (argv, isolated HOME) and returns stdout; fails loudly. */
function run(args: string[]): string {
  const r = spawnSync(helm, [...args, '--kubeconfig', cluster.kubeconfigPath], {
    encoding: 'utf8',
    env: {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOME: home,
      HELM_CONFIG_HOME: join(home, 'config'),
      HELM_CACHE_HOME: join(home, 'cache'),
      HELM_DATA_HOME: join(home, 'data'),
      TZ: 'UTC',
    },
  });
  if (r.status !== 0) throw new Error(`helm ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

const json = <T>(text: string): T => JSON.parse(text) as T;

/** renderRelease renders podinfo as the helm-controller will, and makes the record of revision 1. */
function podinfoRelease(name: string, namespace: string, config: ValueMap) {
  const chart = loadChart(nodeChartFileSystem, PODINFO);
  const rendered = renderChart(chart, config, {
    name,
    namespace,
    functions: sprigFunctions({ localZone: 'UTC' }),
  });
  const now = localTime(BigInt(Date.now()) * 1_000_000n);
  return newRelease(rendered, {
    version: 1,
    status: 'deployed',
    description: 'Install complete',
    firstDeployed: now,
    lastDeployed: now,
    applyMethod: 'ssa',
  });
}

describe('release storage', () => {
  test('a release helm installed is read by fluxts', async (t) => {
    const ns = await useNamespace(t, cluster);
    run(['install', 'podinfo', PODINFO, '--namespace', ns, '--set', 'replicaCount=2', '--set', 'ui.message=hello']);
    const storage = new ReleaseStorage(client, ns);
    const history = await storage.history('podinfo');
    assert.equal(history.length, 1);
    const rel = history[0]!;
    assert.equal(rel.version, 1);
    assert.equal(rel.info.status, 'deployed');
    assert.equal(rel.info.description, 'Install complete');
    assert.equal(rel.chart?.metadata.name, 'podinfo');
    assert.equal(rel.chart?.metadata.version, '6.14.1');
    assert.deepEqual(Object.fromEntries(rel.config), { replicaCount: 2, ui: new Map([['message', 'hello']]) });
    assert.equal(rel.manifest, run(['get', 'manifest', 'podinfo', '--namespace', ns]).replace(/\n$/u, ''));
    assert.ok(rel.hooks.some((h) => h.events.includes('test')));
    assert.equal((await storage.last('podinfo'))?.version, 1);
    assert.equal(await storage.get('podinfo', 2), undefined);
  });

  test('a release fluxts stored is listed, shown and upgraded by helm; fluxts reads what helm added', async (t) => {
    const ns = await useNamespace(t, cluster);
    const storage = new ReleaseStorage(client, ns);
    const rel = podinfoRelease(
      'mine',
      ns,
      new Map<string, ValueMap[keyof ValueMap]>([['replicaCount', 3]]) as ValueMap,
    );
    await storage.create(rel);

    const secret = await client.get<KubeObject & { type: string }>(
      { apiVersion: 'v1', kind: 'Secret' },
      { namespace: ns, name: 'sh.helm.release.v1.mine.v1' },
    );
    assert.equal(secret.type, 'helm.sh/release.v1');
    assert.deepEqual(Object.keys(secret.metadata.labels ?? {}).sort(), [
      'createdAt',
      'name',
      'owner',
      'status',
      'version',
    ]);

    const list = json<{ name: string; revision: string; status: string; chart: string; app_version: string }[]>(
      run(['list', '--namespace', ns, '--output', 'json']),
    );
    assert.deepEqual(
      list.map((r) => [r.name, r.revision, r.status, r.chart, r.app_version]),
      [['mine', '1', 'deployed', 'podinfo-6.14.1', '6.14.1']],
    );
    assert.deepEqual(json(run(['get', 'values', 'mine', '--namespace', ns, '--output', 'json'])), { replicaCount: 3 });
    assert.equal(run(['get', 'manifest', 'mine', '--namespace', ns]).replace(/\n$/u, ''), rel.manifest);
    const history = json<{ revision: number; status: string; description: string }[]>(
      run(['history', 'mine', '--namespace', ns, '--output', 'json']),
    );
    assert.deepEqual(
      history.map((h) => [h.revision, h.status, h.description]),
      [[1, 'deployed', 'Install complete']],
    );
    const status = json<{ name: string; version: number; info: { status: string } }>(
      run(['status', 'mine', '--namespace', ns, '--output', 'json']),
    );
    assert.deepEqual([status.name, status.version, status.info.status], ['mine', 1, 'deployed']);

    run(['upgrade', 'mine', PODINFO, '--namespace', ns, '--reuse-values', '--set', 'ui.color=#123456']);
    const after = await storage.history('mine');
    assert.deepEqual(
      after.map((r) => [r.version, r.info.status]),
      [
        [1, 'superseded'],
        [2, 'deployed'],
      ],
    );
    assert.equal(after[1]?.config.get('replicaCount'), 3);
    assert.deepEqual(await storage.truncate('mine', 1), [1]);
    assert.deepEqual(
      (await storage.history('mine')).map((r) => r.version),
      [2],
    );
  });

  test('release names as Flux derives them', () => {
    assert.equal(releaseName({ metadata: { name: 'podinfo' }, spec: {} }), 'podinfo');
    assert.equal(releaseName({ metadata: { name: 'podinfo' }, spec: { targetNamespace: 'apps' } }), 'apps-podinfo');
    assert.equal(releaseName({ metadata: { name: 'podinfo' }, spec: { releaseName: 'x' } }), 'x');
    const long = 'some-front-appended-namespace-release-with-a-very-long-name';
    // `printf %s <name> | sha256sum` starts with b9152014cc9c.
    assert.equal(shortenName(long), 'some-front-appended-namespace-release-wi-b9152014cc9c');
    assert.equal(shortenName('a'.repeat(53)), 'a'.repeat(53));
  });
});
