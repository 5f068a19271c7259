// HelmRelease end to end on the real control plane, beyond the HTTP repository path:
// 1. the chart comes from a GitRepository (podinfo's chart directory on a real smart-HTTP git server) through the
//    HelmChart the controller creates with reconcileStrategy Revision; a commit that changes the chart's
//    values.yaml makes a new chart version (`+<commit>.<generation>`) and the release is upgraded to it;
// 2. a release the real `helm install` made is taken over as Flux's helm-controller does (a release in storage that
//    status.history never observed is upgraded, not reinstalled), and the real `helm rollback` rolls back across
//    the revision fluxts made; the next reconcile takes the release back to the HelmRelease's spec.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { helmReleaseType } from '../../src/controllers/helm/index.ts';
import type { KubeObject } from '../../src/kube/index.ts';
import { chartFiles } from '../support/chart-files.ts';
import { useNamespace } from '../support/cluster.ts';
import { SHARED_FIXTURES } from '../support/fixtures.ts';
import { startGitServer, type GitServer } from '../support/git-server.ts';
import { condition, requestReconcile, startHelmHarness, waitRelease, type HelmHarness } from './harness.ts';

const PODINFO = join(SHARED_FIXTURES, 'podinfo', 'charts', 'podinfo');
const SOURCE = 'source.toolkit.fluxcd.io/v1';

let h: HelmHarness;
let git: GitServer;

before(async () => {
  [h, git] = await Promise.all([startHelmHarness(), startGitServer()]);
});
after(async () => {
  await git?.close();
  await h?.stop();
});

const json = <T>(text: string): T => JSON.parse(text) as T;

/**
 * serveChart commits podinfo's chart directory to a new repository on the git server and creates the GitRepository
 * `charts` and the HelmRelease `podinfo` whose spec.chart points at it; returns the repository and its first commit.
 */
async function serveChart(ns: string, gitInterval: string, release: { chart: object; values: object }) {
  const repo = git.createRepo(`${ns}-charts`);
  const files = chartFiles(PODINFO, 'charts/podinfo');
  const first = await repo.commit({ files });
  await h.client.create({
    apiVersion: SOURCE,
    kind: 'GitRepository',
    metadata: { name: 'charts', namespace: ns },
    spec: { interval: gitInterval, url: git.repoUrl(`${ns}-charts`), ref: { branch: 'main' } },
  });
  await h.client.create({
    apiVersion: helmReleaseType.apiVersion,
    kind: 'HelmRelease',
    metadata: { name: 'podinfo', namespace: ns },
    spec: {
      interval: '5m',
      chart: { spec: { sourceRef: { kind: 'GitRepository', name: 'charts' }, ...release.chart } },
      values: release.values,
    },
  });
  return { repo, files, first };
}

type Deployment = KubeObject & { spec: { replicas: number } };

const deployment = (ns: string): Promise<Deployment> =>
  h.client.get<Deployment>({ apiVersion: 'apps/v1', kind: 'Deployment' }, { namespace: ns, name: 'podinfo' });

type HistoryEntry = { revision: number; status: string; description: string; chart: string };

const helmHistory = (ns: string): [number, string, string][] =>
  json<HistoryEntry[]>(h.helm(['history', 'podinfo', '--namespace', ns, '--output', 'json'])).map((r) => [
    r.revision,
    r.status,
    r.description,
  ]);

describe('HelmRelease from a GitRepository chart directory', () => {
  test('installs, and a commit changing values.yaml upgrades the release (reconcileStrategy Revision)', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    const { repo, files, first } = await serveChart(ns, '2s', {
      chart: { chart: './charts/podinfo', reconcileStrategy: 'Revision' },
      values: { ui: { message: 'from git' } },
    });

    const v1 = `6.14.1+${first.slice(0, 12)}`;
    const installed = await waitRelease(h.client, ns, 'podinfo', { status: 'True', reason: 'InstallSucceeded' });
    assert.equal(
      condition(installed as never, 'Ready')?.message,
      `Helm install succeeded for release ${ns}/podinfo.v1 with chart podinfo@${v1}`,
    );
    assert.equal(installed.status?.lastAttemptedRevision, v1);
    assert.equal(installed.status?.history?.[0]?.chartVersion, v1);
    assert.equal((await deployment(ns)).spec.replicas, 1);
    const chart = await h.client.get<KubeObject & { spec: { reconcileStrategy?: string } }>(
      { apiVersion: SOURCE, kind: 'HelmChart' },
      { namespace: ns, name: `${ns}-podinfo` },
    );
    assert.equal(chart.spec.reconcileStrategy, 'Revision');

    // A commit that only changes the chart's default values: a new chart version, an upgrade to revision 2.
    const valuesPath = 'charts/podinfo/values.yaml';
    const values = files[valuesPath]!;
    assert.match(values, /^replicaCount: 1$/mu);
    const second = await repo.commit({
      files: { [valuesPath]: values.replace(/^replicaCount: 1$/mu, 'replicaCount: 2') },
    });
    const v2 = `6.14.1+${second.slice(0, 12)}`;
    const upgraded = await waitRelease(h.client, ns, 'podinfo', { status: 'True', reason: 'UpgradeSucceeded' });
    assert.equal(
      condition(upgraded as never, 'Ready')?.message,
      `Helm upgrade succeeded for release ${ns}/podinfo.v2 with chart podinfo@${v2}`,
    );
    assert.equal(condition(upgraded as never, 'Released')?.reason, 'UpgradeSucceeded');
    assert.equal(upgraded.status?.lastAttemptedRevision, v2);
    assert.deepEqual(
      upgraded.status?.history?.map((s) => [s.version, s.status, s.chartVersion]),
      [
        [2, 'deployed', v2],
        [1, 'superseded', v1],
      ],
    );
    assert.equal((await deployment(ns)).spec.replicas, 2);
    assert.deepEqual(
      json<HistoryEntry[]>(h.helm(['history', 'podinfo', '--namespace', ns, '--output', 'json'])).map((r) => [
        r.revision,
        r.status,
        r.chart,
      ]),
      [
        [1, 'superseded', `podinfo-${v1}`],
        [2, 'deployed', `podinfo-${v2}`],
      ],
    );
  });
});

describe('a release made by helm install', () => {
  test('is taken over by a HelmRelease (upgraded), and helm rollback works on the fluxts revision', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    h.helm(['install', 'podinfo', PODINFO, '--namespace', ns, '--set', 'ui.message=from helm']);
    assert.deepEqual(helmHistory(ns), [[1, 'deployed', 'Install complete']]);

    // Same release name and namespace as the one helm made; ChartVersion strategy, so the chart is 6.14.1.
    await serveChart(ns, '5m', {
      chart: { chart: 'charts/podinfo' },
      values: { replicaCount: 3, ui: { message: 'from flux' } },
    });

    const adopted = await waitRelease(h.client, ns, 'podinfo', { status: 'True', reason: 'UpgradeSucceeded' });
    assert.equal(
      condition(adopted as never, 'Ready')?.message,
      `Helm upgrade succeeded for release ${ns}/podinfo.v2 with chart podinfo@6.14.1`,
    );
    assert.equal(condition(adopted as never, 'Released')?.reason, 'UpgradeSucceeded');
    assert.equal(adopted.status?.lastAttemptedReleaseAction, 'upgrade');
    // status.history starts at the revision the HelmRelease made: helm's own revision 1 was never observed by it.
    assert.deepEqual(
      adopted.status?.history?.map((s) => [s.version, s.status]),
      [[2, 'deployed']],
    );
    assert.deepEqual(helmHistory(ns), [
      [1, 'superseded', 'Install complete'],
      [2, 'deployed', 'Upgrade complete'],
    ]);
    assert.deepEqual(json(h.helm(['get', 'values', 'podinfo', '--namespace', ns, '--output', 'json'])), {
      replicaCount: 3,
      ui: { message: 'from flux' },
    });
    const taken = await deployment(ns);
    assert.equal(taken.spec.replicas, 3);
    assert.equal(taken.metadata.labels?.['helm.toolkit.fluxcd.io/name'], 'podinfo');
    assert.equal(taken.metadata.labels?.['helm.toolkit.fluxcd.io/namespace'], ns);

    // The real helm rolls back across the revision fluxts made: revision 3 is revision 1 again. The fields fluxts
    // changed belong to the field manager `helm-controller` (as with Flux), so helm's server-side apply needs
    // --force-conflicts, exactly as it would against Flux's helm-controller.
    h.helm(['rollback', 'podinfo', '1', '--namespace', ns, '--force-conflicts']);
    assert.deepEqual(helmHistory(ns), [
      [1, 'superseded', 'Install complete'],
      [2, 'superseded', 'Upgrade complete'],
      [3, 'deployed', 'Rollback to 1'],
    ]);
    assert.deepEqual(json(h.helm(['get', 'values', 'podinfo', '--namespace', ns, '--output', 'json'])), {
      ui: { message: 'from helm' },
    });
    assert.equal((await deployment(ns)).spec.replicas, 1);

    // The HelmRelease did not observe revision 3: the next reconcile upgrades the release back to its spec.
    await requestReconcile(h.client, ns, 'podinfo', 'after-rollback');
    const restored = await waitRelease(
      h.client,
      ns,
      'podinfo',
      { status: 'True', reason: 'UpgradeSucceeded' },
      // The token is recorded when the reconcile ends, after the release's own status writes.
      (o) => o.status?.history?.[0]?.version === 4 && o.status.lastHandledReconcileAt === 'after-rollback',
    );
    assert.equal(
      condition(restored as never, 'Ready')?.message,
      `Helm upgrade succeeded for release ${ns}/podinfo.v4 with chart podinfo@6.14.1`,
    );
    // helm's revision 3 made the release unmanaged: as helm-controller does, the history that can no longer be
    // relied on is cleared before the upgrade, so status.history starts again at the controller's revision 4.
    assert.deepEqual(
      restored.status?.history?.map((s) => [s.version, s.status]),
      [[4, 'deployed']],
    );
    assert.deepEqual(helmHistory(ns).at(-1), [4, 'deployed', 'Upgrade complete']);
    assert.equal((await deployment(ns)).spec.replicas, 3);
  });
});
