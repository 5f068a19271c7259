// HelmRelease remediation, tests and one-off requests end to end on the real control plane, with charts from a
// real Helm HTTP repository and the real helm binary reading the history:
// - podinfo installed, upgraded, then upgraded to a Deployment the pod simulator keeps not ready: the failed
//   upgrade is rolled back (`Rollback to 2` in Helm's history), retried once, rolled back again as the last
//   failure (remediateLastFailure defaults to true with retries), and the release stalls with RetriesExceeded;
// - a chart whose test hook fails (`devcluster.fluxts.dev/simulate: fail` on the test Pod): the failed test is
//   remediated by uninstalling the release, and a `reconcile.fluxcd.io/resetAt` request installs it again;
// - the same chart upgraded to a failing test with `upgrade.remediation.strategy: uninstall`: uninstalled;
// - the same chart with `test.ignoreFailures`: Ready stays True with TestSuccess=False, and a
//   `reconcile.fluxcd.io/forceAt` request upgrades the in-sync release once.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import type { HelmRelease } from '../../src/api/index.ts';
import { helmReleaseType } from '../../src/controllers/helm/index.ts';
import { isConflict, type KubeObject } from '../../src/kube/index.ts';
import { useNamespace } from '../support/cluster.ts';
import { eventually } from '../support/eventually.ts';
import { SHARED_FIXTURES } from '../support/fixtures.ts';
import { startHelmRepository, type TestHelmRepository } from '../support/helm-repository.ts';
import {
  condition,
  createPodinfoRelease,
  createRepositoryRelease,
  events,
  requestReconcile,
  startHelmHarness,
  waitRelease,
  type HelmHarness,
} from './harness.ts';

const PODINFO = join(SHARED_FIXTURES, 'podinfo', 'charts', 'podinfo');
/** NOT_READY makes every pod of the Deployment run without ever becoming ready. */
const NOT_READY = { 'devcluster.fluxts.dev/simulate': 'not-ready' };

/**
 * TESTED is a small chart with two test hooks: `<release>-ok-test` (a Pod that completes) and
 * `<release>-outcome-test` (legacy `test-success`, weight 1), whose simulated outcome comes from the values.
 */
const TESTED: Record<string, string> = {
  'Chart.yaml': 'apiVersion: v2\nname: tested\nversion: 1.0.0\n',
  'values.yaml': 'testOutcome: complete\nmessage: hello\n',
  'templates/configmap.yaml':
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-config\ndata:\n  message: {{ .Values.message | quote }}\n',
  'templates/tests/ok.yaml': testPod('ok-test', 'test', 'complete', 0),
  'templates/tests/outcome.yaml': testPod('outcome-test', 'test-success', '{{ .Values.testOutcome }}', 1),
};

function testPod(suffix: string, hook: string, outcome: string, weight: number): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: {{ .Release.Name }}-${suffix}
  annotations:
    helm.sh/hook: ${hook}
    helm.sh/hook-weight: "${weight}"
    devcluster.fluxts.dev/simulate: ${outcome}
spec:
  restartPolicy: Never
  containers:
    - name: test
      image: busybox:1.36
      command: ['true']
`;
}

let h: HelmHarness;
let repo: TestHelmRepository;
let chartDir: string;

before(async () => {
  [h, repo] = await Promise.all([startHelmHarness(), startHelmRepository()]);
  repo.addChart(PODINFO, '6.14.1');
  chartDir = mkdtempSync(join(tmpdir(), 'fluxts-tested-chart-'));
  for (const [path, text] of Object.entries(TESTED)) {
    mkdirSync(join(chartDir, path, '..'), { recursive: true });
    writeFileSync(join(chartDir, path), text);
  }
  repo.addChart(chartDir, '1.0.0');
});
after(async () => {
  await repo?.stop();
  await h?.stop();
  if (chartDir) rmSync(chartDir, { recursive: true, force: true });
});

interface HistoryEntry {
  revision: number;
  status: string;
  description: string;
}

function helmHistory(ns: string, name: string): [number, string, string][] {
  const rows = JSON.parse(h.helm(['history', name, '--namespace', ns, '--output', 'json'])) as HistoryEntry[];
  return rows.map((r) => [r.revision, r.status, r.description]);
}

/** updateSpec changes the spec, reading again when the controller's status write got in between (409). */
async function updateSpec(ns: string, name: string, change: (spec: HelmRelease['spec']) => void): Promise<void> {
  for (;;) {
    const live = await h.client.get<HelmRelease>(helmReleaseType, { namespace: ns, name });
    change(live.spec);
    try {
      await h.client.update(live);
      return;
    } catch (err) {
      if (!isConflict(err)) throw err;
    }
  }
}

function createTestedRelease(ns: string, spec: Record<string, unknown>): Promise<void> {
  const chart = { repository: 'charts', release: 'tested', chart: 'tested', version: '1.x' };
  return createRepositoryRelease(h.client, ns, repo.url, chart, spec);
}

const stalled = (o: HelmRelease) => condition(o, 'Stalled')?.status === 'True';

describe('HelmRelease remediation and tests', () => {
  test('a failed upgrade is rolled back, retried, rolled back as the last failure, then stalls', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    await createPodinfoRelease(h.client, ns, repo.url, {
      maxHistory: 10,
      upgrade: { timeout: '4s', remediation: { retries: 1 } },
      values: { replicaCount: 1 },
    });
    await waitRelease(h.client, ns, 'podinfo', { status: 'True', reason: 'InstallSucceeded' });
    await updateSpec(ns, 'podinfo', (spec) => {
      spec.values = { replicaCount: 2 };
    });
    await waitRelease(h.client, ns, 'podinfo', { status: 'True', reason: 'UpgradeSucceeded' });

    await updateSpec(ns, 'podinfo', (spec) => {
      spec.values = { replicaCount: 2, podAnnotations: NOT_READY };
    });
    const hr = await waitRelease(h.client, ns, 'podinfo', { status: 'False', reason: 'RollbackSucceeded' }, stalled);
    assert.equal(condition(hr, 'Stalled')?.reason, 'RetriesExceeded');
    assert.equal(condition(hr, 'Stalled')?.message, 'Failed to upgrade after 2 attempt(s)');
    const rolledBack = `Helm rollback to previous release ${ns}/podinfo.v4 with chart podinfo@6.14.1 succeeded`;
    assert.equal(condition(hr, 'Ready')?.message, rolledBack);
    assert.equal(condition(hr, 'Remediated')?.status, 'True');
    assert.equal(condition(hr, 'Released')?.reason, 'UpgradeFailed');
    assert.equal(hr.status?.upgradeFailures, 2);
    assert.equal(hr.status?.history?.[0]?.version, 6);
    assert.equal(hr.status?.history?.[0]?.status, 'deployed');

    // The real helm reads the rollbacks as its own: new revisions described "Rollback to N".
    const history = helmHistory(ns, 'podinfo');
    assert.deepEqual(
      history.map(([rev, status]) => [rev, status]),
      [
        [1, 'superseded'],
        [2, 'superseded'],
        [3, 'failed'],
        [4, 'superseded'],
        [5, 'failed'],
        [6, 'deployed'],
      ],
    );
    assert.equal(history[3]![2], 'Rollback to 2');
    assert.equal(history[5]![2], 'Rollback to 4');
    assert.ok(history[2]![2].startsWith('Upgrade "podinfo" failed: '), history[2]![2]);
    const values = JSON.parse(h.helm(['get', 'values', 'podinfo', '--namespace', ns, '--output', 'json'])) as object;
    assert.deepEqual(values, { replicaCount: 2 });

    // The Deployment runs the rolled-back template again.
    const deployment = await h.client.get<KubeObject & { spec: { template: { metadata: KubeObject['metadata'] } } }>(
      { apiVersion: 'apps/v1', kind: 'Deployment' },
      { namespace: ns, name: 'podinfo' },
    );
    assert.equal(deployment.spec.template.metadata.annotations?.['devcluster.fluxts.dev/simulate'], undefined);

    const evs = await events(h.client, ns, 'HelmRelease', 'podinfo');
    const rollbacks = evs.filter((e) => e.reason === 'RollbackSucceeded').map((e) => e.message);
    assert.ok(rollbacks.includes(rolledBack), rollbacks.join('\n'));
    assert.ok(
      rollbacks.includes(`Helm rollback to previous release ${ns}/podinfo.v2 with chart podinfo@6.14.1 succeeded`),
    );
  });

  test('a failing test is remediated by uninstalling; resetAt installs again', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    await createTestedRelease(ns, {
      test: { enable: true },
      install: { remediation: { retries: 0, remediateLastFailure: true } },
      values: { testOutcome: 'fail' },
    });
    const hr = await waitRelease(h.client, ns, 'tested', { status: 'False', reason: 'UninstallSucceeded' }, stalled);
    assert.equal(condition(hr, 'Stalled')?.message, 'Failed to install after 1 attempt(s)');
    const testFailed = condition(hr, 'TestSuccess')!;
    assert.equal(testFailed.reason, 'TestFailed');
    assert.ok(
      testFailed.message.startsWith(`Helm test failed for release ${ns}/tested.v1 with chart tested@1.0.0: `),
      testFailed.message,
    );
    assert.equal(
      condition(hr, 'Remediated')?.message,
      `Helm uninstall remediation for release ${ns}/tested.v1 with chart tested@1.0.0 succeeded`,
    );
    assert.equal(hr.status?.installFailures, 1);
    assert.throws(() => helmHistory(ns, 'tested'), /not found/);

    const installed = async (count: number) =>
      (await events(h.client, ns, 'HelmRelease', 'tested')).find(
        (e) => e.reason === 'InstallSucceeded' && (e as { count?: number }).count === count,
      );
    await eventually('the first InstallSucceeded event', () => installed(1));
    await requestReconcile(h.client, ns, 'tested', 'reset-1', 'resetAt');
    // The reset lets the install run again (and fail its test again, so it is uninstalled again).
    await eventually('a second install after the reset', () => installed(2), { timeoutMs: 120_000 });
    const again = await waitRelease(
      h.client,
      ns,
      'tested',
      { status: 'False', reason: 'UninstallSucceeded' },
      (o) => stalled(o) && o.status?.lastHandledResetAt === 'reset-1',
    );
    assert.equal(again.status?.installFailures, 1);
  });

  test('an upgrade whose test fails is remediated by uninstalling (upgrade strategy uninstall)', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    await createTestedRelease(ns, {
      test: { enable: true },
      upgrade: { remediation: { strategy: 'uninstall', remediateLastFailure: true } },
      values: { testOutcome: 'complete' },
    });
    // With tests counted, Ready reports the test outcome.
    const tested = await waitRelease(h.client, ns, 'tested', { status: 'True', reason: 'TestSucceeded' });
    assert.equal(
      condition(tested, 'Ready')?.message,
      `Helm test succeeded for release ${ns}/tested.v1 with chart tested@1.0.0: 2 test hooks completed successfully`,
    );

    await updateSpec(ns, 'tested', (spec) => {
      spec.values = { testOutcome: 'fail' };
    });
    const hr = await waitRelease(h.client, ns, 'tested', { status: 'False', reason: 'UninstallSucceeded' }, stalled);
    assert.equal(condition(hr, 'Stalled')?.message, 'Failed to upgrade after 1 attempt(s)');
    assert.equal(condition(hr, 'Released')?.reason, 'UpgradeSucceeded');
    assert.ok(condition(hr, 'TestSuccess')?.message.startsWith(`Helm test failed for release ${ns}/tested.v2 `));
    assert.equal(hr.status?.upgradeFailures, 1);
    assert.throws(() => helmHistory(ns, 'tested'), /not found/);
  });

  test('ignored test failures keep the release ready; forceAt upgrades it once', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    await createTestedRelease(ns, {
      test: { enable: true, ignoreFailures: true, filters: [{ name: 'tested-ok-test', exclude: true }] },
      values: { testOutcome: 'fail' },
    });
    const hr = await waitRelease(
      h.client,
      ns,
      'tested',
      { status: 'True', reason: 'InstallSucceeded' },
      (o) => condition(o, 'TestSuccess')?.status === 'False',
    );
    assert.equal(condition(hr, 'TestSuccess')?.reason, 'TestFailed');
    const hooks = hr.status?.history?.[0]?.testHooks ?? {};
    assert.equal(hooks['tested-outcome-test']?.phase, 'Failed');
    // The excluded test never ran.
    assert.deepEqual(hooks['tested-ok-test'], {});

    await requestReconcile(h.client, ns, 'tested', 'force-1', 'forceAt');
    const forced = await waitRelease(
      h.client,
      ns,
      'tested',
      { status: 'True', reason: 'UpgradeSucceeded' },
      (o) => o.status?.lastHandledForceAt === 'force-1' && condition(o, 'TestSuccess')?.status === 'False',
    );
    assert.equal(forced.status?.history?.[0]?.version, 2);
    assert.deepEqual(
      helmHistory(ns, 'tested').map(([rev, status, description]) => [rev, status, description]),
      [
        [1, 'superseded', 'Install complete'],
        [2, 'deployed', 'Upgrade complete'],
      ],
    );
  });
});
