// The remediation actions of the release step, with helm-controller's conditions, messages and events:
// RollbackRemediation (a failed upgrade rolled back to the previous good revision) and UninstallRemediation (a
// failed install, or an upgrade whose strategy is `uninstall`, removed before the next attempt). A failure that
// changed the storage is recorded and left to the next decision; one that changed nothing is thrown, to retry.
import { HelmReleaseConditionType, HelmReleaseReason, type HelmRelease, type Snapshot } from '../../api/index.ts';
import type { Release } from '../../engines/helm/index.ts';
import { conditions, StepError, type StepContext } from '../../runtime/index.ts';
import { errorMessage } from '../../util/errors.ts';
import { eventMeta } from './events.ts';
import { ReleaseActionError, uninstall, type ActionTarget } from './release.ts';
import { rollback } from './rollback.ts';
import { fullReleaseName, snapshotOf, versionedChartName } from './snapshot.ts';
import { summarize } from './summarize.ts';
import { actionTimeout, maxHistory } from './target.ts';

const { Remediated } = HelmReleaseConditionType;
const { RollbackFailed, RollbackSucceeded, UninstallFailed, UninstallSucceeded } = HelmReleaseReason;

/** RemediationRun is what a remediation needs from the reconcile. */
export interface RemediationRun {
  hr: HelmRelease;
  ctx: StepContext;
  /** configDigest is the digest of the desired values (the events' token). */
  configDigest: string;
}

/** rollbackTimeout is spec.rollback.timeout, else spec.timeout (for the progress message too). */
export function rollbackTimeout(hr: HelmRelease): number {
  return actionTimeout(hr, hr.spec.rollback?.timeout);
}

/** remediateByRollback rolls the release back to `target` (status.history's previous good revision). */
export async function remediateByRollback(run: RemediationRun, t: ActionTarget, target: Snapshot): Promise<void> {
  const { hr, ctx } = run;
  const spec = hr.spec.rollback ?? {};
  const meta = eventMeta(target.chartVersion, run.configDigest, target.ociDigest ?? '');
  const subject = `previous release ${fullReleaseName(target)} with chart ${versionedChartName(target)}`;
  try {
    await rollback(t, target.version, {
      timeoutMs: rollbackTimeout(hr),
      wait: !spec.disableWait,
      waitForJobs: !spec.disableWaitForJobs,
      disableHooks: spec.disableHooks ?? false,
      force: spec.force ?? false,
      cleanupOnFail: spec.cleanupOnFail ?? false,
      maxHistory: maxHistory(hr),
    });
  } catch (err) {
    const message = `Helm rollback to ${subject} failed: ${errorMessage(err).trim()}`;
    const status = (hr.status ??= {});
    status.failures = (status.failures ?? 0) + 1;
    conditions.markFalse(hr, Remediated, RollbackFailed, message);
    ctx.event('error', RollbackFailed, message, meta);
    summarize(hr);
    // Nothing stored: nothing changed, retry. Stored: the failed rollback revision is the new state to act on.
    if (!(err instanceof ReleaseActionError) || !err.stored)
      throw new StepError(RollbackFailed, message, { cause: err });
    return;
  }
  const message = `Helm rollback to ${subject} succeeded`;
  conditions.markTrue(hr, Remediated, RollbackSucceeded, message);
  ctx.event('info', RollbackSucceeded, message, meta);
  summarize(hr);
}

/** remediateByUninstall uninstalls the failed release (its history too), so that the next attempt installs anew. */
export async function remediateByUninstall(run: RemediationRun, t: ActionTarget, rel: Release): Promise<void> {
  const { hr, ctx } = run;
  const snap = snapshotOf(rel);
  const meta = eventMeta(snap.chartVersion, snap.configDigest);
  const timeoutMs = actionTimeout(hr, hr.spec.uninstall?.timeout);
  try {
    await uninstall(t, {
      timeoutMs,
      wait: !hr.spec.uninstall?.disableWait,
      disableHooks: hr.spec.uninstall?.disableHooks ?? false,
      keepHistory: false,
    });
  } catch (err) {
    const message = `Helm uninstall failed for release ${fullReleaseName(snap)} with chart ${versionedChartName(snap)}: ${errorMessage(err)}`;
    conditions.markFalse(hr, Remediated, UninstallFailed, message);
    ctx.event('error', UninstallFailed, message, meta);
    summarize(hr);
    throw new StepError(UninstallFailed, message, { cause: err });
  }
  const message = `Helm uninstall remediation for release ${fullReleaseName(snap)} with chart ${versionedChartName(snap)} succeeded`;
  conditions.markTrue(hr, Remediated, UninstallSucceeded, message);
  ctx.event('info', UninstallSucceeded, message, meta);
  delete hr.status!.history;
  summarize(hr);
}
