// HelmRelease end to end on the real control plane: podinfo from a real Helm HTTP repository (packaged by the real
// helm) installed through the HelmChart the controller creates, Ready with helm-controller's reasons and messages,
// read back by the real helm binary (`helm list`, `helm history`, `helm get values`); a values change upgrades it to
// revision 2 (revision 1 superseded); deleting the HelmRelease uninstalls the release and removes its HelmChart.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import type { HelmRelease } from '../../src/api/index.ts';
import { helmReleaseType } from '../../src/controllers/helm/index.ts';
import { isNotFound, type KubeObject } from '../../src/kube/index.ts';
import { useNamespace } from '../support/cluster.ts';
import { eventually } from '../support/eventually.ts';
import { SHARED_FIXTURES } from '../support/fixtures.ts';
import { startHelmRepository, type TestHelmRepository } from '../support/helm-repository.ts';
import { condition, createPodinfoRelease, events, startHelmHarness, waitRelease, type HelmHarness } from './harness.ts';

const PODINFO = join(SHARED_FIXTURES, 'podinfo', 'charts', 'podinfo');
const SOURCE = 'source.toolkit.fluxcd.io/v1';

let h: HelmHarness;
let repo: TestHelmRepository;

before(async () => {
  [h, repo] = await Promise.all([startHelmHarness(), startHelmRepository()]);
  repo.addChart(PODINFO, '6.14.1');
});
after(async () => {
  await repo?.stop();
  await h?.stop();
});

const json = <T>(text: string): T => JSON.parse(text) as T;

async function gone(type: { apiVersion: string; kind: string }, namespace: string, name: string): Promise<boolean> {
  try {
    await h.client.get(type, { namespace, name });
    return false;
  } catch (err) {
    if (isNotFound(err)) return true;
    throw err;
  }
}

describe('HelmRelease from an HTTP HelmRepository', () => {
  test('installs, upgrades on a values change, and uninstalls on deletion; helm reads the release', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    await createPodinfoRelease(h.client, ns, repo.url, { values: { replicaCount: 1, ui: { message: 'hello' } } });

    const installed = await waitRelease(h.client, ns, 'podinfo', { status: 'True', reason: 'InstallSucceeded' });
    const message = `Helm install succeeded for release ${ns}/podinfo.v1 with chart podinfo@6.14.1`;
    assert.equal(condition(installed as never, 'Ready')?.message, message);
    assert.equal(condition(installed as never, 'Released')?.reason, 'InstallSucceeded');
    assert.equal(condition(installed as never, 'Stalled'), undefined);
    const st = installed.status!;
    assert.equal(st.helmChart, `${ns}/${ns}-podinfo`);
    assert.equal(st.storageNamespace, ns);
    assert.equal(st.lastAttemptedRevision, '6.14.1');
    assert.equal(st.lastAttemptedReleaseAction, 'install');
    assert.equal(st.lastAttemptedGeneration, installed.metadata.generation);
    assert.equal(st.observedGeneration, installed.metadata.generation);
    assert.match(st.lastAttemptedConfigDigest ?? '', /^sha256:[0-9a-f]{64}$/u);
    assert.equal(st.history?.length, 1);
    const snap = st.history[0]!;
    assert.equal(snap.status, 'deployed');
    assert.equal(snap.version, 1);
    assert.equal(snap.chartName, 'podinfo');
    assert.equal(snap.configDigest, st.lastAttemptedConfigDigest);
    assert.match(snap.digest, /^sha256:[0-9a-f]{64}$/u);
    const ids = (st.inventory?.entries ?? []).map((e) => e.id);
    assert.ok(ids.includes(`${ns}_podinfo_apps_Deployment`), ids.join(','));
    assert.ok(ids.includes(`${ns}_podinfo__Service`), ids.join(','));

    // The HelmChart it owns, and the objects of the release, carry Flux's and Helm's ownership metadata.
    const chart = await h.client.get<KubeObject>(
      { apiVersion: SOURCE, kind: 'HelmChart' },
      { namespace: ns, name: `${ns}-podinfo` },
    );
    assert.equal(chart.metadata.labels?.['helm.toolkit.fluxcd.io/name'], 'podinfo');
    const deployment = await h.client.get<KubeObject>(
      { apiVersion: 'apps/v1', kind: 'Deployment' },
      { namespace: ns, name: 'podinfo' },
    );
    assert.equal(deployment.metadata.labels?.['app.kubernetes.io/managed-by'], 'Helm');
    assert.equal(deployment.metadata.labels?.['helm.toolkit.fluxcd.io/namespace'], ns);
    assert.equal(deployment.metadata.annotations?.['meta.helm.sh/release-name'], 'podinfo');

    // The real helm reads the release as its own.
    const listed = json<{ name: string; revision: string; status: string; chart: string }[]>(
      h.helm(['list', '--namespace', ns, '--output', 'json']),
    );
    assert.deepEqual(
      listed.map((r) => [r.name, r.revision, r.status, r.chart]),
      [['podinfo', '1', 'deployed', 'podinfo-6.14.1']],
    );
    assert.deepEqual(json(h.helm(['get', 'values', 'podinfo', '--namespace', ns, '--output', 'json'])), {
      replicaCount: 1,
      ui: { message: 'hello' },
    });
    const installedEvent = await eventually('InstallSucceeded event', async () =>
      (await events(h.client, ns, 'HelmRelease', 'podinfo')).find((e) => e.reason === 'InstallSucceeded'),
    );
    assert.equal(installedEvent.message, message);

    // A values change is an upgrade to revision 2.
    const live = await h.client.get<HelmRelease>(helmReleaseType, { namespace: ns, name: 'podinfo' });
    live.spec.values = { replicaCount: 2, ui: { message: 'hello' } };
    await h.client.update(live);
    const upgraded = await waitRelease(h.client, ns, 'podinfo', { status: 'True', reason: 'UpgradeSucceeded' });
    assert.equal(
      condition(upgraded as never, 'Ready')?.message,
      `Helm upgrade succeeded for release ${ns}/podinfo.v2 with chart podinfo@6.14.1`,
    );
    assert.deepEqual(
      upgraded.status?.history?.map((s) => [s.version, s.status]),
      [
        [2, 'deployed'],
        [1, 'superseded'],
      ],
    );
    assert.notEqual(upgraded.status?.lastAttemptedConfigDigest, st.lastAttemptedConfigDigest);
    const history = json<{ revision: number; status: string; description: string }[]>(
      h.helm(['history', 'podinfo', '--namespace', ns, '--output', 'json']),
    );
    assert.deepEqual(
      history.map((r) => [r.revision, r.status, r.description]),
      [
        [1, 'superseded', 'Install complete'],
        [2, 'deployed', 'Upgrade complete'],
      ],
    );
    const scaled = await h.client.get<KubeObject & { spec: { replicas: number } }>(
      { apiVersion: 'apps/v1', kind: 'Deployment' },
      { namespace: ns, name: 'podinfo' },
    );
    assert.equal(scaled.spec.replicas, 2);

    // Deleting the HelmRelease uninstalls the release and deletes its HelmChart.
    await h.client.delete(helmReleaseType, { namespace: ns, name: 'podinfo' });
    await eventually('HelmRelease gone', async () => ((await gone(helmReleaseType, ns, 'podinfo')) ? true : undefined));
    // The source-controller's finalizer lets the HelmChart go once its artifact is garbage collected.
    await eventually('HelmChart deleted', async () =>
      (await gone({ apiVersion: SOURCE, kind: 'HelmChart' }, ns, `${ns}-podinfo`)) ? true : undefined,
    );
    const secrets = await h.client.list<KubeObject>(
      { apiVersion: 'v1', kind: 'Secret' },
      { namespace: ns, labelSelector: 'owner=helm' },
    );
    assert.deepEqual(secrets.items, []);
    await eventually('Deployment deleted', async () =>
      (await gone({ apiVersion: 'apps/v1', kind: 'Deployment' }, ns, 'podinfo')) ? true : undefined,
    );
  });
});
