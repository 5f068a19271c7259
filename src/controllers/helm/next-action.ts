// What to do about the release's state (helm-controller AtomicRelease `actionForState`), decided without I/O:
// in sync → nothing (or an upgrade a forceAt request asks for); locked → unlock; absent → install; unmanaged or out
// of sync → upgrade; untested → test; failed → an upgrade when there is no remediation to run, no failure counted
// since the chart or values changed, or a force request; else the remediation (rollback or uninstall) unless its
// retries are used up and the last failure is not to be remediated. Out of retries is a verdict, not an action.
import type { HelmRelease, Snapshot } from '../../api/index.ts';
import {
  activeRemediation,
  failureCount,
  ignoreTestFailures,
  previousSnapshot,
  remediationOf,
  retriesExhausted,
  truncateHistory,
} from './remediation.ts';
import type { ReleaseState } from './state.ts';

/** ActionKind names a Helm action the release step runs. */
export type ActionKind = 'install' | 'upgrade' | 'test' | 'unlock' | 'rollback' | 'uninstall-remediation';

/** ActionType groups actions as helm-controller's strategy counts them: each type runs once per reconcile. */
export type ActionType = 'release' | 'test' | 'unlock' | 'remediate';

/** typeOf is the type of an action (install and upgrade are both releases; rollback and uninstall remediate). */
export function typeOf(kind: ActionKind): ActionType {
  switch (kind) {
    case 'install':
    case 'upgrade':
      return 'release';
    case 'rollback':
    case 'uninstall-remediation':
      return 'remediate';
    default:
      return kind;
  }
}

/**
 * Decision is the next step: `none` (in sync), an action (a rollback names its target, to be verified against the
 * storage first), `exhausted` (out of retries: Stalled, RetriesExceeded) or `missing-rollback-target` (Stalled).
 */
export type Decision =
  | { kind: 'none' }
  | { kind: 'action'; action: Exclude<ActionKind, 'rollback'>; reason: string }
  | { kind: 'action'; action: 'rollback'; reason: string; target: Snapshot }
  | { kind: 'exhausted'; message: string }
  | { kind: 'missing-rollback-target'; message: string };

const act = (action: Exclude<ActionKind, 'rollback'>, reason: string): Decision => ({ kind: 'action', action, reason });

/**
 * nextAction decides from the state, with `force` the outcome of this reconcile's forceAt handshake. It may trim
 * status.history as helm-controller does before remediating or when in sync (keeping what a rollback needs).
 */
export function nextAction(hr: HelmRelease, state: ReleaseState, force: boolean): Decision {
  const status = (hr.status ??= {});
  switch (state.kind) {
    case 'in-sync': {
      const remediation = activeRemediation(hr);
      status.history = truncateHistory(status.history, ignoreTestFailures(hr, remediation));
      if (force) return act('upgrade', 'forcing upgrade for in-sync release: force requested through annotation');
      return { kind: 'none' };
    }
    case 'locked':
      return act('unlock', `release locked: release with status '${state.release.info.status}'`);
    case 'absent': {
      // The active remediation decides, as helm-controller's RetriesExhausted does: a release an upgrade remediation
      // uninstalled stays uninstalled once the upgrade's retries are used up, even when another event (a source or
      // status change) reconciles the object again before the stall is observed.
      const active = activeRemediation(hr) ?? remediationOf(hr, 'install');
      if (retriesExhausted(hr, active) && !force) return exhausted(hr, active.action, failureCount(hr, active));
      return act('install', 'release not installed');
    }
    case 'unmanaged':
      // The history can no longer be relied on; the upgrade starts a new one.
      delete status.history;
      return act('upgrade', `release not managed by object: ${state.reason}`);
    case 'out-of-sync': {
      const upgrade = remediationOf(hr, 'upgrade');
      if (retriesExhausted(hr, upgrade) && !force) return exhausted(hr, 'upgrade', failureCount(hr, upgrade));
      return act('upgrade', `release out-of-sync with desired state: ${state.reason}`);
    }
    case 'untested':
      return act('test', 'release has not been tested');
    case 'failed':
      return forFailed(hr, state.reason, force);
  }
}

function exhausted(hr: HelmRelease, action: string, count: number): Decision {
  const attempted = hr.status?.lastAttemptedReleaseAction ?? action;
  return { kind: 'exhausted', message: `Failed to ${attempted} after ${count} attempt(s)` };
}

function forFailed(hr: HelmRelease, reason: string, force: boolean): Decision {
  const remediation = activeRemediation(hr);
  // Without a remediation to run, only an upgrade may fix the release.
  if (!remediation) return act('upgrade', `release is in a failed state (${reason}): no active remediation`);
  const count = failureCount(hr, remediation);
  // No failure counted: the chart or values changed since the failure, so the release is attempted again.
  if (count <= 0) return act('upgrade', `release is in a failed state (${reason}): conditions changed since`);
  if (force) return act('upgrade', 'forcing upgrade for failed release: force requested through annotation');
  if (retriesExhausted(hr, remediation) && !remediation.remediateLastFailure) {
    return exhausted(hr, remediation.action, count);
  }
  const ignoreTests = ignoreTestFailures(hr, remediation);
  const status = (hr.status ??= {});
  // Forget the failures before the last good release, so a long series of attempts does not pile up.
  status.history = truncateHistory(status.history, ignoreTests);
  if (remediation.strategy === 'uninstall')
    return act('uninstall-remediation', `release is in a failed state (${reason})`);
  const target = previousSnapshot(status.history, ignoreTests);
  if (!target) {
    return {
      kind: 'missing-rollback-target',
      message: 'Failed to perform remediation: missing target release for rollback: cannot remediate failed release',
    };
  }
  return { kind: 'action', action: 'rollback', reason: `release is in a failed state (${reason})`, target };
}
