// HelmRelease failure paths end to end on the real control plane, with podinfo from a real Helm HTTP repository:
// a Deployment the pod simulator keeps not ready (`devcluster.fluxts.dev/simulate: not-ready`) makes the kstatus
// wait time out, so that
// - a failed install is remediated by uninstalling it and installed again until `install.remediation.retries` is
//   used up, then Stalled (RetriesExceeded, "Failed to install after 2 attempt(s)") with the last failure kept;
// - a failed upgrade without retries stalls at once ("Failed to upgrade after 1 attempt(s)"), the previous revision
//   stays the deployed one in Helm's history, what the upgrade created is deleted (cleanupOnFail), and no value of
//   the Secret the values come from shows in status or events;
// - a release left `pending-upgrade` (a controller that died mid-upgrade, unobserved in status.history) is unlocked
//   as Flux does and, being unmanaged, upgraded to a new revision.
// The real helm binary reads the history each time.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import type { HelmRelease } from '../../src/api/index.ts';
import { helmReleaseType } from '../../src/controllers/helm/index.ts';
import { ReleaseStorage } from '../../src/controllers/helm/storage.ts';
import { isNotFound, type KubeObject } from '../../src/kube/index.ts';
import { useNamespace } from '../support/cluster.ts';
import { eventually } from '../support/eventually.ts';
import { SHARED_FIXTURES } from '../support/fixtures.ts';
import { startHelmRepository, type TestHelmRepository } from '../support/helm-repository.ts';
import {
  condition,
  createPodinfoRelease,
  events,
  requestReconcile,
  startHelmHarness,
  waitRelease,
  type HelmHarness,
} from './harness.ts';

const PODINFO = join(SHARED_FIXTURES, 'podinfo', 'charts', 'podinfo');
/** NOT_READY makes every pod of the Deployment run without ever becoming ready. */
const NOT_READY = { 'devcluster.fluxts.dev/simulate': 'not-ready' };

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

interface HistoryEntry {
  revision: number;
  status: string;
  description: string;
}

function helmHistory(ns: string): [number, string, string][] {
  const rows = JSON.parse(h.helm(['history', 'podinfo', '--namespace', ns, '--output', 'json'])) as HistoryEntry[];
  return rows.map((r) => [r.revision, r.status, r.description]);
}

async function updateSpec(ns: string, change: (spec: HelmRelease['spec']) => void): Promise<void> {
  const live = await h.client.get<HelmRelease>(helmReleaseType, { namespace: ns, name: 'podinfo' });
  change(live.spec);
  await h.client.update(live);
}

const stalled = (o: HelmRelease) => condition(o, 'Stalled')?.status === 'True';

describe('HelmRelease failures', () => {
  test('a failed install is uninstalled and retried, then stalls with the last failure kept', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    await createPodinfoRelease(h.client, ns, repo.url, {
      install: { timeout: '4s', remediation: { retries: 1 } },
      values: { podAnnotations: NOT_READY },
    });

    const hr = await waitRelease(h.client, ns, 'podinfo', { status: 'False', reason: 'InstallFailed' }, stalled);
    const stall = condition(hr, 'Stalled')!;
    assert.equal(stall.reason, 'RetriesExceeded');
    assert.equal(stall.message, 'Failed to install after 2 attempt(s)');
    const prefix = `Helm install failed for release ${ns}/podinfo with chart podinfo@6.14.1: `;
    const ready = condition(hr, 'Ready')!;
    assert.ok(ready.message.startsWith(prefix), ready.message);
    assert.equal(condition(hr as never, 'Released')?.reason, 'InstallFailed');
    // The uninstall remediation was undone by the reinstall that followed it.
    assert.equal(condition(hr as never, 'Remediated'), undefined);
    assert.equal(hr.status?.installFailures, 2);
    assert.equal(hr.status?.failures, 2);
    assert.equal(hr.status?.lastAttemptedReleaseAction, 'install');
    assert.deepEqual(
      hr.status?.history?.map((s) => [s.version, s.status]),
      [[1, 'failed']],
    );

    // The first failed install was uninstalled (history and all), so Helm's history holds only the last attempt.
    const history = helmHistory(ns);
    assert.equal(history.length, 1, JSON.stringify(history));
    assert.deepEqual(history[0]!.slice(0, 2), [1, 'failed']);
    assert.ok(history[0]![2].startsWith('Release "podinfo" failed: '), history[0]![2]);

    const evs = await events(h.client, ns, 'HelmRelease', 'podinfo');
    const remediated = evs.find((e) => e.reason === 'UninstallSucceeded');
    assert.equal(
      remediated?.message,
      `Helm uninstall remediation for release ${ns}/podinfo.v1 with chart podinfo@6.14.1 succeeded`,
    );
    const failed = evs.filter((e) => e.reason === 'InstallFailed');
    assert.ok(failed.length >= 1, evs.map((e) => e.reason).join(','));
    assert.ok(failed.every((e) => e.type === 'Warning' && e.message?.startsWith(prefix)));
  });

  test('a failed upgrade stalls without retries, the previous revision stays deployed, no Secret leaks', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    const secretValue = 'hunter2-do-not-leak-7f3a';
    await h.client.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'podinfo-values', namespace: ns },
      stringData: { 'values.yaml': `ui:\n  message: ${secretValue}\n` },
    });
    await createPodinfoRelease(h.client, ns, repo.url, {
      upgrade: { timeout: '4s', cleanupOnFail: true },
      valuesFrom: [{ kind: 'Secret', name: 'podinfo-values' }],
      values: { replicaCount: 1 },
    });
    await waitRelease(h.client, ns, 'podinfo', { status: 'True', reason: 'InstallSucceeded' });

    // The upgrade also creates a ServiceAccount, which cleanupOnFail deletes once the upgrade failed.
    await updateSpec(ns, (spec) => {
      spec.values = { replicaCount: 1, podAnnotations: NOT_READY, serviceAccount: { enabled: true } };
    });
    const hr = await waitRelease(h.client, ns, 'podinfo', { status: 'False', reason: 'UpgradeFailed' }, stalled);
    const stall = condition(hr, 'Stalled')!;
    assert.equal(stall.reason, 'RetriesExceeded');
    assert.equal(stall.message, 'Failed to upgrade after 1 attempt(s)');
    const prefix = `Helm upgrade failed for release ${ns}/podinfo with chart podinfo@6.14.1: `;
    assert.ok(condition(hr, 'Ready')!.message.startsWith(prefix), condition(hr, 'Ready')!.message);
    assert.equal(condition(hr as never, 'Released')?.reason, 'UpgradeFailed');
    assert.equal(hr.status?.upgradeFailures, 1);
    assert.equal(hr.status?.lastAttemptedReleaseAction, 'upgrade');
    assert.deepEqual(
      hr.status?.history?.map((s) => [s.version, s.status]),
      [
        [2, 'failed'],
        [1, 'deployed'],
      ],
    );

    // Helm's history: revision 1 is still the deployed one, the failed upgrade is recorded with Helm's description.
    const history = helmHistory(ns);
    assert.deepEqual(history[0], [1, 'deployed', 'Install complete']);
    assert.deepEqual(history[1]!.slice(0, 2), [2, 'failed']);
    assert.ok(history[1]![2].startsWith('Upgrade "podinfo" failed: '), history[1]![2]);
    assert.equal(history.length, 2);
    const deployment = await h.client.get<KubeObject>(
      { apiVersion: 'apps/v1', kind: 'Deployment' },
      { namespace: ns, name: 'podinfo' },
    );
    assert.equal(deployment.metadata.annotations?.['meta.helm.sh/release-name'], 'podinfo');
    await assert.rejects(
      h.client.get({ apiVersion: 'v1', kind: 'ServiceAccount' }, { namespace: ns, name: 'podinfo' }),
      (err: unknown) => isNotFound(err),
    );

    // Stalled means no further attempt: the failure count stays where it is.
    const again = await h.client.get<HelmRelease>(helmReleaseType, { namespace: ns, name: 'podinfo' });
    assert.equal(again.status?.upgradeFailures, 1);

    const evs = await events(h.client, ns, 'HelmRelease', 'podinfo');
    assert.ok(
      evs.some((e) => e.reason === 'UpgradeFailed' && e.type === 'Warning' && e.message?.startsWith(prefix)),
      evs.map((e) => `${e.reason}: ${e.message}`).join('\n'),
    );
    for (const e of evs) assert.ok(!(e.message ?? '').includes(secretValue), `event leaks the secret: ${e.message}`);
    assert.ok(!JSON.stringify(again.status).includes(secretValue), 'status leaks the secret');
  });

  test('a release left pending-upgrade by a crashed controller is unlocked and upgraded', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    await createPodinfoRelease(h.client, ns, repo.url, { values: { replicaCount: 1 } });
    await waitRelease(h.client, ns, 'podinfo', { status: 'True', reason: 'InstallSucceeded' });

    // A controller that died mid-upgrade leaves revision 2 in `pending-upgrade`, unobserved in status.history.
    const storage = new ReleaseStorage(h.client, ns);
    const first = (await storage.last('podinfo'))!;
    const pending = structuredClone(first);
    pending.version = 2;
    pending.info.status = 'pending-upgrade';
    pending.info.description = 'Preparing upgrade';
    await storage.create(pending);
    assert.deepEqual(helmHistory(ns)[1], [2, 'pending-upgrade', 'Preparing upgrade']);

    // Unchanged values: whichever reconcile finds the lock first (the one the install's status patch queued, or
    // the one this annotation asks for) unlocks and upgrades to revision 3, and the other finds it in sync.
    await requestReconcile(h.client, ns, 'podinfo', 'unlock-1');
    const hr = await waitRelease(
      h.client,
      ns,
      'podinfo',
      { status: 'True', reason: 'UpgradeSucceeded' },
      (o) => o.status?.history?.[0]?.version === 3,
    );
    assert.equal(
      condition(hr as never, 'Ready')?.message,
      `Helm upgrade succeeded for release ${ns}/podinfo.v3 with chart podinfo@6.14.1`,
    );
    assert.equal(condition(hr as never, 'Stalled'), undefined);
    assert.deepEqual(helmHistory(ns), [
      [1, 'superseded', 'Install complete'],
      [2, 'failed', "Release unlocked from stale 'pending-upgrade' state"],
      [3, 'deployed', 'Upgrade complete'],
    ]);
    const unlocked = await eventually('PendingRelease event', async () =>
      (await events(h.client, ns, 'HelmRelease', 'podinfo')).find((e) => e.reason === 'PendingRelease'),
    );
    assert.equal(
      unlocked.message,
      `Unlocked Helm release ${ns}/podinfo.v2 with chart podinfo@6.14.1 in pending-upgrade state`,
    );
    assert.equal(unlocked.type, 'Normal');
  });
});
