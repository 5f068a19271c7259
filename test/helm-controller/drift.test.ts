// HelmRelease drift detection and correction end to end on the real control plane, with podinfo from a real Helm
// HTTP repository: out-of-band changes (replicas scaled by another field manager, the Service deleted) are found by
// the server-side dry-run comparison of the deployed manifest; in `enabled` mode a Warning `DriftDetected` lists
// them and `DriftCorrected` reports the objects restored; in `warn` mode only `DriftDetected` is emitted (nothing is
// restored), and `ignore` rules leave their paths out of the comparison.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { isNotFound, type KubeObject } from '../../src/kube/index.ts';
import { useNamespace } from '../support/cluster.ts';
import { eventually } from '../support/eventually.ts';
import { SHARED_FIXTURES } from '../support/fixtures.ts';
import { startHelmRepository, type TestHelmRepository } from '../support/helm-repository.ts';
import {
  createPodinfoRelease,
  events,
  requestReconcile,
  startHelmHarness,
  waitRelease,
  type HelmHarness,
} from './harness.ts';

const PODINFO = join(SHARED_FIXTURES, 'podinfo', 'charts', 'podinfo');
const DEPLOYMENT = { apiVersion: 'apps/v1', kind: 'Deployment' };
const SERVICE = { apiVersion: 'v1', kind: 'Service' };

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

/** driftOutOfBand scales the Deployment as `kubectl scale` would and deletes the Service. */
async function driftOutOfBand(ns: string): Promise<void> {
  await h.client.patch(
    DEPLOYMENT,
    { namespace: ns, name: 'podinfo' },
    'merge',
    { spec: { replicas: 3 } },
    {
      fieldManager: 'kubectl-scale',
    },
  );
  await h.client.delete(SERVICE, { namespace: ns, name: 'podinfo' });
  await eventually('Service deleted', async () => {
    try {
      await h.client.get(SERVICE, { namespace: ns, name: 'podinfo' });
      return undefined;
    } catch (err) {
      return isNotFound(err) ? true : undefined;
    }
  });
}

const eventWith = (ns: string, reason: string) =>
  eventually(`event ${reason}`, async () =>
    (await events(h.client, ns, 'HelmRelease', 'podinfo')).find((e) => e.reason === reason),
  );

describe('HelmRelease drift detection', () => {
  test('enabled: a scaled Deployment and a deleted Service are reported and restored', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    await createPodinfoRelease(h.client, ns, repo.url, { driftDetection: { mode: 'enabled' } });
    await waitRelease(h.client, ns, 'podinfo', { status: 'True', reason: 'InstallSucceeded' });
    // Installed and in sync: no drift was reported.
    assert.equal(
      (await events(h.client, ns, 'HelmRelease', 'podinfo')).filter((e) => e.reason === 'DriftDetected').length,
      0,
    );

    await driftOutOfBand(ns);
    await requestReconcile(h.client, ns, 'podinfo', 'drift-1');

    const detected = await eventWith(ns, 'DriftDetected');
    assert.equal(detected.type, 'Warning');
    assert.equal(
      detected.message,
      `Cluster state of release ${ns}/podinfo.v1 has drifted from the desired state:\n` +
        `Service/${ns}/podinfo removed\n` +
        `Deployment/${ns}/podinfo changed (0 additions, 1 changes, 0 removals)`,
    );
    const corrected = await eventWith(ns, 'DriftCorrected');
    assert.equal(corrected.type, 'Normal');
    assert.equal(
      corrected.message,
      `Cluster state of release ${ns}/podinfo.v1 has been corrected:\n` +
        `Service/${ns}/podinfo created\nDeployment/${ns}/podinfo configured`,
    );
    const deployment = await h.client.get<KubeObject & { spec: { replicas: number } }>(DEPLOYMENT, {
      namespace: ns,
      name: 'podinfo',
    });
    assert.equal(deployment.spec.replicas, 1);
    const service = await h.client.get(SERVICE, { namespace: ns, name: 'podinfo' });
    assert.equal(service.metadata.labels?.['helm.toolkit.fluxcd.io/name'], 'podinfo');
    assert.equal(service.metadata.annotations?.['meta.helm.sh/release-name'], 'podinfo');

    // Corrected in place: no new release revision, still Ready.
    const hr = await waitRelease(h.client, ns, 'podinfo', { status: 'True', reason: 'InstallSucceeded' });
    assert.deepEqual(
      hr.status?.history?.map((s) => s.version),
      [1],
    );
  });

  test('warn: drift is only reported, and ignored paths are not drift', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    await createPodinfoRelease(h.client, ns, repo.url, {
      driftDetection: { mode: 'warn', ignore: [{ paths: ['/spec/replicas'], target: { kind: 'Deployment' } }] },
    });
    await waitRelease(h.client, ns, 'podinfo', { status: 'True', reason: 'InstallSucceeded' });

    await driftOutOfBand(ns);
    await requestReconcile(h.client, ns, 'podinfo', 'drift-1');

    const detected = await eventWith(ns, 'DriftDetected');
    assert.equal(
      detected.message,
      `Cluster state of release ${ns}/podinfo.v1 has drifted from the desired state:\nService/${ns}/podinfo removed`,
    );
    await waitRelease(h.client, ns, 'podinfo', { status: 'True', reason: 'InstallSucceeded' }, (o) =>
      Boolean(o.status?.lastHandledReconcileAt === 'drift-1'),
    );
    const deployment = await h.client.get<KubeObject & { spec: { replicas: number } }>(DEPLOYMENT, {
      namespace: ns,
      name: 'podinfo',
    });
    assert.equal(deployment.spec.replicas, 3);
    await assert.rejects(h.client.get(SERVICE, { namespace: ns, name: 'podinfo' }), (err) => isNotFound(err));
    const reasons = (await events(h.client, ns, 'HelmRelease', 'podinfo')).map((e) => e.reason);
    assert.ok(!reasons.includes('DriftCorrected'), reasons.join(','));
  });
});
