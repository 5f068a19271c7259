// What the release needs next (helm-controller `DetermineReleaseState`), decided from the Helm storage and the
// HelmRelease's status.history: nothing stored → install; a record left `pending-*` by a controller that died →
// unlock; the newest record not the one status.history last observed (someone else changed the release) →
// upgrade; a failed record → remediation or retry (next-action.ts decides from the failure counters); a
// deployed record whose chart or values differ from the desired ones → upgrade; with tests enabled, a deployed
// record not tested yet → test, and one whose tests failed → failed (unless failures are ignored); otherwise in sync.
import type { HelmRelease } from '../../api/index.ts';
import type { Release } from '../../engines/helm/index.ts';
import { activeRemediation, hasFailedTest, ignoreTestFailures } from './remediation.ts';
import { snapshotOf } from './snapshot.ts';

/** ReleaseState names the situation; `reason` says why, for the log. */
export type ReleaseState =
  | { kind: 'absent' }
  | { kind: 'locked'; release: Release }
  | { kind: 'unmanaged'; release: Release; reason: string }
  | { kind: 'failed'; release: Release; reason: string }
  | { kind: 'out-of-sync'; release: Release; reason: string }
  | { kind: 'untested'; release: Release }
  | { kind: 'in-sync'; release: Release };

/** Desired is what the release should be: the chart's name and version, and the values' digest. */
export interface Desired {
  chartName: string;
  chartVersion: string;
  configDigest: string;
}

/** determineState compares the newest stored record with the desired release and status.history. */
export function determineState(hr: HelmRelease, last: Release | undefined, desired: Desired): ReleaseState {
  if (!last || last.info.status === 'uninstalled') return { kind: 'absent' };
  const status = last.info.status;
  if (status === 'pending-install' || status === 'pending-upgrade' || status === 'pending-rollback') {
    return { kind: 'locked', release: last };
  }
  const latest = hr.status?.history?.[0];
  const snap = snapshotOf(last, latest?.ociDigest ?? '');
  if (!latest || latest.version !== last.version || latest.digest !== snap.digest) {
    const reason = latest ? 'release digest differs from the observed one' : 'no release observed by this object';
    return { kind: 'unmanaged', release: last, reason };
  }
  if (status === 'failed') return { kind: 'failed', release: last, reason: 'release is failed' };
  if (snap.chartName !== desired.chartName) return { kind: 'out-of-sync', release: last, reason: 'chart name' };
  if (snap.chartVersion !== desired.chartVersion)
    return { kind: 'out-of-sync', release: last, reason: 'chart version' };
  if (snap.configDigest !== desired.configDigest) return { kind: 'out-of-sync', release: last, reason: 'values' };
  if (status !== 'deployed') return { kind: 'out-of-sync', release: last, reason: `release is ${status}` };
  if (hr.spec.test?.enable) {
    // Test results are read from status.history (they may come from `helm test` run by hand too, as in Flux).
    if (!latest.testHooks) return { kind: 'untested', release: last };
    const remediation = activeRemediation(hr);
    if (remediation && !ignoreTestFailures(hr, remediation) && hasFailedTest(latest)) {
      return { kind: 'failed', release: last, reason: 'release has test in failed phase' };
    }
  }
  return { kind: 'in-sync', release: last };
}
