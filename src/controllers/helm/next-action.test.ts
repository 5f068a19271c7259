import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { HelmRelease, Snapshot } from '../../api/index.ts';
import type { Release } from '../../engines/helm/index.ts';
import { nextAction, typeOf } from './next-action.ts';
import { previousSnapshot, remediationOf, truncateHistory } from './remediation.ts';
import { clearFailures, failureResetReason, shouldHandleForceRequest, shouldHandleResetRequest } from './requests.ts';
import type { ReleaseState } from './state.ts';

const snap = (version: number, status: string, extra: Partial<Snapshot> = {}): Snapshot => ({
  digest: `sha256:${version}`,
  name: 'podinfo',
  namespace: 'apps',
  version,
  status,
  chartName: 'podinfo',
  chartVersion: '6.14.1',
  configDigest: 'sha256:c',
  firstDeployed: '2026-12-08T00:00:00Z',
  lastDeployed: '2026-12-08T00:00:00Z',
  ...extra,
});

const hr = (spec: Partial<HelmRelease['spec']> = {}, status: HelmRelease['status'] = {}): HelmRelease =>
  ({
    metadata: { name: 'podinfo', namespace: 'apps', generation: 1 },
    spec: { interval: '5m', ...spec },
    status,
  }) as HelmRelease;

// The decisions only read the state's kind (and a locked release's status), never the record itself.
const rel = { info: { status: 'failed' } } as Release;
const failed: ReleaseState = { kind: 'failed', release: rel, reason: 'release is failed' };

void test('remediationOf: Flux defaults (install uninstalls; upgrade rolls back, remediateLastFailure when retries > 0)', () => {
  assert.deepEqual(remediationOf(hr(), 'install'), {
    action: 'install',
    retries: 0,
    strategy: 'uninstall',
    remediateLastFailure: false,
    ignoreTestFailures: undefined,
  });
  assert.equal(remediationOf(hr(), 'upgrade').strategy, 'rollback');
  assert.equal(remediationOf(hr(), 'upgrade').remediateLastFailure, false);
  assert.equal(remediationOf(hr({ upgrade: { remediation: { retries: 2 } } }), 'upgrade').remediateLastFailure, true);
  const explicit = hr({ upgrade: { remediation: { retries: 2, remediateLastFailure: false, strategy: 'uninstall' } } });
  assert.equal(remediationOf(explicit, 'upgrade').remediateLastFailure, false);
  assert.equal(remediationOf(explicit, 'upgrade').strategy, 'uninstall');
  assert.equal(remediationOf(hr({ install: { remediation: { retries: 3 } } }), 'install').remediateLastFailure, false);
});

void test('nextAction: a failed upgrade with retries left is rolled back to the previous deployed revision', () => {
  const history = [snap(3, 'failed'), snap(2, 'superseded'), snap(1, 'superseded')];
  const obj = hr(
    { upgrade: { remediation: { retries: 1 } } },
    {
      lastAttemptedReleaseAction: 'upgrade',
      upgradeFailures: 1,
      history,
    },
  );
  const d = nextAction(obj, failed, false);
  assert.equal(d.kind, 'action');
  assert.ok(d.kind === 'action' && d.action === 'rollback' && d.target.version === 2);
  // The history is cut after the rollback target.
  assert.deepEqual(
    obj.status?.history?.map((s) => s.version),
    [3, 2],
  );
});

void test('nextAction: the last failure is remediated when retries are used up (upgrade default), else stalls', () => {
  const history = [snap(3, 'failed'), snap(2, 'superseded')];
  const spent = (retries: number, remediateLastFailure?: boolean) =>
    hr(
      {
        upgrade: {
          remediation: { retries, ...(remediateLastFailure === undefined ? {} : { remediateLastFailure }) },
        },
      },
      { lastAttemptedReleaseAction: 'upgrade', upgradeFailures: retries + 1, history: [...history] },
    );
  const last = nextAction(spent(1), failed, false);
  assert.ok(last.kind === 'action' && last.action === 'rollback');
  assert.deepEqual(nextAction(spent(1, false), failed, false), {
    kind: 'exhausted',
    message: 'Failed to upgrade after 2 attempt(s)',
  });
  assert.deepEqual(nextAction(spent(0), failed, false), {
    kind: 'exhausted',
    message: 'Failed to upgrade after 1 attempt(s)',
  });
});

void test('nextAction: failed release without a counted failure, without remediation, or forced is upgraded', () => {
  const history = [snap(2, 'failed'), snap(1, 'superseded')];
  const fresh = hr({}, { lastAttemptedReleaseAction: 'upgrade', history });
  assert.deepEqual(
    [nextAction(fresh, failed, false)].map((d) => d.kind === 'action' && d.action),
    ['upgrade'],
  );
  const none = hr({}, { upgradeFailures: 3, history });
  assert.ok(((d) => d.kind === 'action' && d.action === 'upgrade')(nextAction(none, failed, false)));
  const retry = hr(
    { upgrade: { strategy: { name: 'RetryOnFailure' } } },
    { lastAttemptedReleaseAction: 'upgrade', upgradeFailures: 3, history },
  );
  assert.ok(((d) => d.kind === 'action' && d.action === 'upgrade')(nextAction(retry, failed, false)));
  const spent = hr({}, { lastAttemptedReleaseAction: 'upgrade', upgradeFailures: 1, history });
  assert.equal(nextAction(spent, failed, false).kind, 'exhausted');
  assert.ok(((d) => d.kind === 'action' && d.action === 'upgrade')(nextAction(spent, failed, true)));
});

void test('nextAction: uninstall strategy, install remediation, and a missing rollback target', () => {
  const history = [snap(2, 'failed'), snap(1, 'superseded')];
  const uninstall = hr(
    { upgrade: { remediation: { retries: 1, strategy: 'uninstall' } } },
    { lastAttemptedReleaseAction: 'upgrade', upgradeFailures: 1, history },
  );
  assert.ok(((d) => d.kind === 'action' && d.action === 'uninstall-remediation')(nextAction(uninstall, failed, false)));
  const install = hr(
    { install: { remediation: { retries: 1 } } },
    { lastAttemptedReleaseAction: 'install', installFailures: 1, history: [snap(1, 'failed')] },
  );
  assert.ok(((d) => d.kind === 'action' && d.action === 'uninstall-remediation')(nextAction(install, failed, false)));
  const orphan = hr(
    { upgrade: { remediation: { retries: 1 } } },
    { lastAttemptedReleaseAction: 'upgrade', upgradeFailures: 1, history: [snap(2, 'failed')] },
  );
  assert.equal(nextAction(orphan, failed, false).kind, 'missing-rollback-target');
});

void test('nextAction: absent and out-of-sync stop when out of retries unless forced; in sync upgrades only when forced', () => {
  const absent: ReleaseState = { kind: 'absent' };
  const spentInstall = hr({}, { installFailures: 1 });
  assert.deepEqual(nextAction(spentInstall, absent, false), {
    kind: 'exhausted',
    message: 'Failed to install after 1 attempt(s)',
  });
  assert.ok(((d) => d.kind === 'action' && d.action === 'install')(nextAction(spentInstall, absent, true)));
  // A release an upgrade remediation uninstalled is not reinstalled once the upgrade is out of retries.
  const uninstalledByUpgrade = hr(
    { upgrade: { remediation: { strategy: 'uninstall' } } },
    { lastAttemptedReleaseAction: 'upgrade', upgradeFailures: 1 },
  );
  assert.deepEqual(nextAction(uninstalledByUpgrade, absent, false), {
    kind: 'exhausted',
    message: 'Failed to upgrade after 1 attempt(s)',
  });
  const retriesLeft = hr(
    { upgrade: { remediation: { strategy: 'uninstall', retries: 2 } } },
    { lastAttemptedReleaseAction: 'upgrade', upgradeFailures: 1 },
  );
  assert.ok(((d) => d.kind === 'action' && d.action === 'install')(nextAction(retriesLeft, absent, false)));
  const outOfSync: ReleaseState = { kind: 'out-of-sync', release: rel, reason: 'values' };
  const spentUpgrade = hr({}, { lastAttemptedReleaseAction: 'upgrade', upgradeFailures: 1 });
  assert.equal(nextAction(spentUpgrade, outOfSync, false).kind, 'exhausted');
  assert.ok(((d) => d.kind === 'action' && d.action === 'upgrade')(nextAction(spentUpgrade, outOfSync, true)));
  const inSync: ReleaseState = { kind: 'in-sync', release: rel };
  assert.equal(nextAction(hr(), inSync, false).kind, 'none');
  assert.ok(((d) => d.kind === 'action' && d.action === 'upgrade')(nextAction(hr(), inSync, true)));
  const untested: ReleaseState = { kind: 'untested', release: rel };
  assert.ok(((d) => d.kind === 'action' && d.action === 'test')(nextAction(hr(), untested, false)));
  assert.deepEqual(
    ['install', 'upgrade', 'test', 'unlock', 'rollback', 'uninstall-remediation'].map((k) => typeOf(k as never)),
    ['release', 'release', 'test', 'unlock', 'remediate', 'remediate'],
  );
});

void test('previousSnapshot and truncateHistory skip revisions whose tests failed unless failures are ignored', () => {
  const failedTests = { testHooks: { 'podinfo-test': { phase: 'Failed' } } };
  const history = [snap(4, 'failed'), snap(3, 'superseded', failedTests), snap(2, 'superseded'), snap(1, 'superseded')];
  assert.equal(previousSnapshot(history, false)?.version, 2);
  assert.equal(previousSnapshot(history, true)?.version, 3);
  assert.deepEqual(
    truncateHistory(history, false).map((s) => s.version),
    [4, 3, 2],
  );
  assert.deepEqual(
    truncateHistory(history, true).map((s) => s.version),
    [4, 3],
  );
  const failures = [6, 5, 4, 3, 2, 1].map((v) => snap(v, 'failed'));
  assert.deepEqual(
    truncateHistory(failures, false).map((s) => s.version),
    [6, 5, 4, 3, 2],
  );
  assert.equal(previousSnapshot([snap(1, 'deployed')], false), undefined);
});

void test('forceAt/resetAt: honoured once, only with an equal requestedAt token not yet handled', () => {
  const annotated = (annotations: Record<string, string>, status: HelmRelease['status'] = {}): HelmRelease => {
    const obj = hr({}, status);
    obj.metadata.annotations = annotations;
    return obj;
  };
  const force = annotated({ 'reconcile.fluxcd.io/requestedAt': 'b', 'reconcile.fluxcd.io/forceAt': 'b' });
  assert.equal(shouldHandleForceRequest(force), true);
  assert.equal(force.status?.lastHandledForceAt, 'b');
  assert.equal(shouldHandleForceRequest(force), false, 'a token is honoured once');
  const mismatch = annotated({ 'reconcile.fluxcd.io/requestedAt': 'c', 'reconcile.fluxcd.io/forceAt': 'b' });
  assert.equal(shouldHandleForceRequest(mismatch), false);
  assert.equal(mismatch.status?.lastHandledForceAt, 'b', 'recorded even when not honoured');
  const handled = annotated(
    { 'reconcile.fluxcd.io/requestedAt': 'b', 'reconcile.fluxcd.io/resetAt': 'b' },
    { lastHandledReconcileAt: 'b' },
  );
  assert.equal(shouldHandleResetRequest(handled), false);
  assert.equal(shouldHandleResetRequest(annotated({ 'reconcile.fluxcd.io/resetAt': 'b' })), false);
});

void test('failureResetReason: generation, chart version, values, then a reset request', () => {
  const attempt = { chartVersion: '6.14.1', configDigest: 'sha256:c' };
  const settled = (annotations: Record<string, string> = {}): HelmRelease => {
    const obj = hr(
      {},
      {
        lastAttemptedGeneration: 1,
        lastAttemptedRevision: '6.14.1',
        lastAttemptedConfigDigest: 'sha256:c',
        upgradeFailures: 2,
        failures: 2,
      },
    );
    obj.metadata.annotations = annotations;
    return obj;
  };
  assert.equal(failureResetReason(settled(), attempt), undefined);
  assert.equal(
    failureResetReason(settled(), { ...attempt, chartVersion: '6.15.0' }),
    'chart version differs from last attempt',
  );
  assert.equal(
    failureResetReason(settled(), { ...attempt, configDigest: 'sha256:d' }),
    'values differ from last attempt',
  );
  const newer = settled();
  newer.metadata.generation = 2;
  assert.equal(failureResetReason(newer, attempt), 'generation differs from last attempt');
  const reset = settled({ 'reconcile.fluxcd.io/requestedAt': 't1', 'reconcile.fluxcd.io/resetAt': 't1' });
  assert.equal(failureResetReason(reset, attempt), 'reset requested through annotation');
  assert.equal(reset.status?.lastHandledResetAt, 't1');
  clearFailures(reset);
  assert.equal(reset.status?.upgradeFailures, undefined);
  assert.equal(reset.status?.failures, undefined);
});
