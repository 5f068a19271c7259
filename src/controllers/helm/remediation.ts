// The remediation settings of a HelmRelease as helm-controller reads them (api/v2 InstallRemediation,
// UpgradeRemediation, GetActiveRemediation) and the status.history rules they steer (Snapshots.Previous, Truncate):
// pure functions, so that next-action.ts decides from them and the tests pin them without a cluster.
import type { HelmRelease, Snapshot } from '../../api/index.ts';

/** ReleaseAction is the release action a remediation belongs to. */
export type ReleaseAction = 'install' | 'upgrade';

/** RemediationStrategy is how a failed release is remediated. */
export type RemediationStrategy = 'rollback' | 'uninstall';

/** Remediation is one action's remediation settings with helm-controller's defaults applied. */
export interface Remediation {
  action: ReleaseAction;
  /** retries after the first failure; negative means unlimited. */
  retries: number;
  /** strategy: install remediation always uninstalls; upgrade remediation rolls back unless told to uninstall. */
  strategy: RemediationStrategy;
  /** remediateLastFailure: install false; upgrade true when retries > 0 (Flux's default), unless set. */
  remediateLastFailure: boolean;
  /** ignoreTestFailures overrides spec.test.ignoreFailures for tests run after this action, when set. */
  ignoreTestFailures: boolean | undefined;
}

/** remediationOf reads the remediation of an action. */
export function remediationOf(hr: HelmRelease, action: ReleaseAction): Remediation {
  if (action === 'install') {
    const r = hr.spec.install?.remediation;
    return {
      action,
      retries: r?.retries ?? 0,
      strategy: 'uninstall',
      remediateLastFailure: r?.remediateLastFailure ?? false,
      ignoreTestFailures: r?.ignoreTestFailures,
    };
  }
  const r = hr.spec.upgrade?.remediation;
  const retries = r?.retries ?? 0;
  return {
    action,
    retries,
    strategy: r?.strategy ?? 'rollback',
    remediateLastFailure: r?.remediateLastFailure ?? retries > 0,
    ignoreTestFailures: r?.ignoreTestFailures,
  };
}

/**
 * activeRemediation is the remediation of the last attempted release action (GetActiveRemediation); none before
 * any action, and none under the RetryOnFailure strategy, which retries instead of remediating.
 */
export function activeRemediation(hr: HelmRelease): Remediation | undefined {
  const action = hr.status?.lastAttemptedReleaseAction;
  if (action !== 'install' && action !== 'upgrade') return undefined;
  const strategy = action === 'install' ? hr.spec.install?.strategy : hr.spec.upgrade?.strategy;
  if (strategy?.name === 'RetryOnFailure') return undefined;
  return remediationOf(hr, action);
}

/** failureCount is the action's failure counter (installFailures / upgradeFailures). */
export function failureCount(hr: HelmRelease, r: Remediation): number {
  return (r.action === 'install' ? hr.status?.installFailures : hr.status?.upgradeFailures) ?? 0;
}

/** countFailure increments the action's failure counter. */
export function countFailure(hr: HelmRelease, r: Remediation): void {
  const status = (hr.status ??= {});
  if (r.action === 'install') status.installFailures = (status.installFailures ?? 0) + 1;
  else status.upgradeFailures = (status.upgradeFailures ?? 0) + 1;
}

/** retriesExhausted: the failures counted exceed the retries allowed (never, with negative retries). */
export function retriesExhausted(hr: HelmRelease, r: Remediation): boolean {
  return r.retries >= 0 && failureCount(hr, r) > r.retries;
}

/** ignoreTestFailures is whether failed tests leave the release alone: the remediation's setting, else spec.test's. */
export function ignoreTestFailures(hr: HelmRelease, r: Remediation | undefined): boolean {
  const fallback = hr.spec.test?.ignoreFailures ?? false;
  return r?.ignoreTestFailures ?? fallback;
}

/** hasFailedTest: a test hook of the snapshot was observed Failed. */
export function hasFailedTest(snap: Snapshot | undefined): boolean {
  return Object.values(snap?.testHooks ?? {}).some((h) => h.phase === 'Failed');
}

const ROLLBACK_TARGET = new Set(['deployed', 'superseded']);

/** isRollbackTarget: a deployed or superseded revision, whose tests did not fail unless failures are ignored. */
function isRollbackTarget(snap: Snapshot, ignoreTests: boolean): boolean {
  return ROLLBACK_TARGET.has(snap.status) && (ignoreTests || !hasFailedTest(snap));
}

/** byVersionDesc is status.history newest first, as helm-controller sorts it before reading it. */
function byVersionDesc(history: readonly Snapshot[]): Snapshot[] {
  return [...history].sort((a, b) => b.version - a.version);
}

/**
 * previousSnapshot is the newest revision before the latest one that may be rolled back to (Snapshots.Previous),
 * undefined when there is none.
 */
export function previousSnapshot(history: readonly Snapshot[] | undefined, ignoreTests: boolean): Snapshot | undefined {
  const sorted = byVersionDesc(history ?? []);
  return sorted.slice(1).find((s) => isRollbackTarget(s, ignoreTests));
}

/** MAX_UNANCHORED_HISTORY is how many snapshots Truncate keeps when no earlier revision can be rolled back to. */
const MAX_UNANCHORED_HISTORY = 5;

/**
 * truncateHistory keeps the snapshots down to the previous rollback target (Snapshots.Truncate), so the history
 * holds the latest release and what a remediation would return to; without such a target, the newest five.
 */
export function truncateHistory(history: readonly Snapshot[] | undefined, ignoreTests: boolean): Snapshot[] {
  const sorted = byVersionDesc(history ?? []);
  if (sorted.length < 2) return sorted;
  const anchor = sorted.slice(1).findIndex((s) => isRollbackTarget(s, ignoreTests));
  if (anchor >= 0) return sorted.slice(0, anchor + 2);
  return sorted.slice(0, MAX_UNANCHORED_HISTORY);
}
