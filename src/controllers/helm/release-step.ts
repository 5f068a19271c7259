// Step "release" (helm-controller `AtomicRelease`): decide what the release needs (state.ts, next-action.ts), run
// that action, record it in status and conditions with helm-controller's reasons and messages, and decide again,
// as helm-controller's clean-release strategy does: each kind of action (release, test, remediation, unlock) runs
// at most once per reconcile, and a remediation ends the reconcile; what is left is picked up by a requeue with
// backoff, unless the remediation retries are used up (Stalled, RetriesExceeded) or the rollback target is gone
// (Stalled, MissingRollbackTarget).
import {
  HelmReleaseConditionType,
  HelmReleaseReason,
  Reason,
  type HelmRelease,
  type Snapshot,
} from '../../api/index.ts';
import type { Release, ValueMap } from '../../engines/helm/index.ts';
import { inventoryFromObjects, type KubeClient, type KubeObject, type StatusFn } from '../../kube/index.ts';
import {
  conditions,
  formatDuration,
  retry,
  stalled,
  StepError,
  type Result,
  type StepContext,
} from '../../runtime/index.ts';
import { errorMessage } from '../../util/errors.ts';
import type { LoadedChart } from './chart-artifact.ts';
import { reconcileDrift } from './drift-step.ts';
import { eventMeta } from './events.ts';
import { stampRelease } from './labels.ts';
import { parseManifest } from './manifest.ts';
import { nextAction, typeOf, type ActionKind, type ActionType } from './next-action.ts';
import { install, ReleaseActionError, upgrade, type ActionTarget } from './release.ts';
import { remediateByRollback, remediateByUninstall, rollbackTimeout } from './remediate.ts';
import { activeRemediation, countFailure, failureCount, remediationOf, retriesExhausted } from './remediation.ts';
import { shouldHandleForceRequest } from './requests.ts';
import { fullReleaseName, recordSnapshot, snapshotOf, versionedChartName } from './snapshot.ts';
import { determineState, type ReleaseState } from './state.ts';
import { ReleaseStorage } from './storage.ts';
import { replaceRemediated, summarize } from './summarize.ts';
import { actionTimeout, maxHistory, releaseTarget } from './target.ts';
import { runTests, testTimeout } from './test-step.ts';

const { Released, Remediated, TestSuccess } = HelmReleaseConditionType;

/** ReleaseRun is one reconcile's desired release. */
export interface ReleaseRun {
  hr: HelmRelease;
  ctx: StepContext;
  chart: LoadedChart;
  values: ValueMap;
  configDigest: string;
  /** client makes the release: the impersonated or remote one (impersonation.ts). */
  client: KubeClient;
  /** health judges objects in the waits when healthCheckExprs are set (kstatus otherwise). */
  health?: StatusFn | undefined;
}

/**
 * actionTargetFor makes the ActionTarget of a HelmRelease, observing storage writes into status.history; `client`
 * is the release's own (impersonated, remote), used for the storage as for everything else, as Helm's config is.
 */
export function actionTargetFor(
  hr: HelmRelease,
  ctx: StepContext,
  client: KubeClient,
  health?: StatusFn,
): ActionTarget {
  const t = releaseTarget(hr);
  return {
    client,
    health,
    storage: new ReleaseStorage(client, t.storageNamespace, 'helm-controller'),
    name: t.name,
    namespace: t.namespace,
    signal: ctx.request.signal,
    observe: (rel) => {
      const status = (hr.status ??= {});
      if (rel.info.status === 'uninstalled' && !hr.spec.uninstall?.keepHistory) return;
      status.history = recordSnapshot(status.history, snapshotOf(rel, status.lastAttemptedRevisionDigest ?? ''));
    },
    stamp: (obj: KubeObject) => stampRelease(obj, hr, t),
  };
}

export { summarize } from './summarize.ts';

/** retriesExceeded marks Stalled as helm-controller does when the active remediation is out of retries. */
function retriesExceeded(hr: HelmRelease, message: string): Result {
  // Stalled carries the verdict while Ready keeps the failure that used the retries up, as in Flux; the stalled
  // Result keeps the runtime from overwriting either.
  conditions.markStalled(hr, HelmReleaseReason.RetriesExceeded, message);
  return stalled(new StepError(HelmReleaseReason.RetriesExceeded, message));
}

/** exhaustedMessage is `Failed to <last action> after N attempt(s)` for the active remediation. */
function exhaustedMessage(hr: HelmRelease): string {
  const r = activeRemediation(hr);
  return `Failed to ${hr.status?.lastAttemptedReleaseAction ?? ''} after ${r ? failureCount(hr, r) : 0} attempt(s)`;
}

/**
 * mustRequeue ends the reconcile with work left: retried with backoff (not an error event: Ready already says what
 * happened, and the runtime turns Reconciling into ProgressingWithRetry with Ready's message).
 */
function mustRequeue(hr: HelmRelease): Result {
  const ready = conditions.get(hr, 'Ready');
  return retry(new StepError(ready?.reason ?? Reason.ProgressingWithRetry, ready?.message ?? 'must requeue'));
}

/** outOfRetries: there is an active remediation and it has no retries left. */
function outOfRetries(hr: HelmRelease): boolean {
  const r = activeRemediation(hr);
  return r !== undefined && retriesExhausted(hr, r);
}

/**
 * releaseToDesired runs actions until the release is in sync (resolves undefined), or resolves the Result that
 * ends the reconcile early (a requeue, or stalled with Stalled already set); throws a StepError to retry.
 */
export async function releaseToDesired(run: ReleaseRun): Promise<Result | undefined> {
  const { hr, ctx } = run;
  const t = actionTargetFor(hr, ctx, run.client, run.health);
  const desired = {
    chartName: run.chart.chart.metadata.name,
    chartVersion: run.chart.chart.metadata.version,
    configDigest: run.configDigest,
  };
  const done = new Set<ActionType>();
  // Each action type runs at most once, so the loop ends within a few rounds; the bound only guards a bug.
  for (let round = 0; round < 8; round++) {
    let last: Release | undefined;
    try {
      last = await t.storage.last(t.name);
    } catch (err) {
      // helm-controller's wording (AtomicRelease, DetermineReleaseState); a ServiceAccount without the RBAC to read
      // the storage ends here with the API server's Forbidden.
      const message = `Could not determine Helm action: failed to retrieve last release from storage: ${errorMessage(err)}`;
      conditions.markFalse(hr, 'Ready', HelmReleaseReason.ActionPlanError, message);
      throw new StepError(HelmReleaseReason.ActionPlanError, message, { cause: err });
    }
    const state = determineState(hr, last, desired);
    const decision = nextAction(hr, state, shouldHandleForceRequest(hr));
    if (decision.kind === 'none') {
      // In sync with the desired chart and values: the cluster state may still have drifted (once per reconcile,
      // as in sync ends the loop: a correction is not followed by another comparison).
      if (state.kind === 'in-sync') await reconcileDrift(hr, ctx, t, state.release);
      inSync(hr, state);
      return undefined;
    }
    if (decision.kind === 'exhausted') return retriesExceeded(hr, decision.message);
    if (decision.kind === 'missing-rollback-target') {
      conditions.markStalled(hr, HelmReleaseReason.MissingRollbackTarget, decision.message);
      return stalled(new StepError(HelmReleaseReason.MissingRollbackTarget, decision.message));
    }
    let action: ActionKind = decision.action;
    if (decision.action === 'rollback') {
      // The revision to roll back to must still be stored as observed: gone → stall; changed → upgrade instead.
      const stored = await t.storage.get(t.name, decision.target.version);
      if (!stored) {
        const message =
          'Failed to perform remediation: missing target release for rollback: cannot remediate failed release';
        conditions.markStalled(hr, HelmReleaseReason.MissingRollbackTarget, message);
        return stalled(new StepError(HelmReleaseReason.MissingRollbackTarget, message));
      }
      if (snapshotOf(stored, decision.target.ociDigest ?? '').digest !== decision.target.digest) {
        ctx.request.log.info('unable to verify previous release in storage to roll back to: running upgrade');
        action = 'upgrade';
      }
    }
    if (action === 'test' && state.kind === 'untested') {
      const snap = hr.status?.history?.[0];
      if (snap) replaceRemediated(hr, upgradeSucceeded(snap));
    }
    const type = typeOf(action);
    if (done.has(type)) {
      ctx.request.log.info(`instructed to stop before running ${type} action ${action}`);
      if (!outOfRetries(hr)) return mustRequeue(hr);
      return undefined;
    }
    ctx.request.log.info(`${decision.reason}: running '${action}'`);
    const progress = `Running '${actionName(action)}' action with timeout of ${formatDuration(timeoutOf(hr, action))}`;
    conditions.markReconciling(hr, Reason.Progressing, progress);
    if (type === 'release') conditions.markUnknown(hr, 'Ready', Reason.Progressing, progress);
    ctx.progress(Reason.Progressing, progress);
    await runOne(
      run,
      t,
      action,
      state,
      decision.kind === 'action' && decision.action === 'rollback' ? decision : undefined,
    );
    if (type === 'remediate') {
      if (!outOfRetries(hr)) return mustRequeue(hr);
      return retriesExceeded(hr, exhaustedMessage(hr));
    }
    done.add(type);
  }
  summarize(hr);
  throw new StepError(Reason.ReconciliationFailed, 'release did not settle within one reconciliation');
}

/** actionName is the name helm-controller's messages give an action. */
function actionName(action: ActionKind): string {
  return action === 'uninstall-remediation' ? 'uninstall' : action;
}

/** timeoutOf is the timeout the action runs with (helm-controller timeoutForAction). */
function timeoutOf(hr: HelmRelease, action: ActionKind): number {
  switch (action) {
    case 'install':
      return actionTimeout(hr, hr.spec.install?.timeout);
    case 'upgrade':
      return actionTimeout(hr, hr.spec.upgrade?.timeout);
    case 'test':
      return testTimeout(hr);
    case 'rollback':
      return rollbackTimeout(hr);
    case 'uninstall-remediation':
      return actionTimeout(hr, hr.spec.uninstall?.timeout);
    case 'unlock':
      return actionTimeout(hr, undefined);
  }
}

async function runOne(
  run: ReleaseRun,
  t: ActionTarget,
  action: ActionKind,
  state: ReleaseState,
  rollbackDecision: { target: Snapshot } | undefined,
): Promise<void> {
  const release = 'release' in state ? state.release : undefined;
  switch (action) {
    case 'install':
      return runAction(run, t, 'install', undefined, undefined);
    case 'upgrade':
      return runAction(run, t, 'upgrade', release ? await deployedOr(t, release) : undefined, release);
    case 'test':
      return runTests(run.hr, run.ctx, t);
    case 'unlock':
      return unlock(run, t, release!);
    case 'rollback':
      return remediateByRollback(run, t, rollbackDecision!.target);
    case 'uninstall-remediation':
      return remediateByUninstall(run, t, release!);
  }
}

/** upgradeSucceeded is Flux's message for a successful upgrade of the snapshot's revision. */
function upgradeSucceeded(snap: {
  namespace: string;
  name: string;
  version: number;
  chartName: string;
  chartVersion: string;
}): string {
  return `Helm upgrade succeeded for release ${fullReleaseName(snap)} with chart ${versionedChartName(snap)}`;
}

/** inSync records an in-sync release: inventory, Released when missing (or replacing a stale Remediated), Ready. */
function inSync(hr: HelmRelease, state: ReleaseState): void {
  const status = (hr.status ??= {});
  const snap = status.history?.[0];
  if (state.kind === 'in-sync' && !status.inventory) {
    status.inventory = inventoryFromObjects(parseManifest(state.release.manifest));
  }
  if (snap) replaceRemediated(hr, upgradeSucceeded(snap));
  if (!conditions.has(hr, Released) && snap) {
    const verb = snap.version > 1 ? 'upgrade' : 'install';
    const reason = snap.version > 1 ? HelmReleaseReason.UpgradeSucceeded : HelmReleaseReason.InstallSucceeded;
    conditions.markTrue(
      hr,
      Released,
      reason,
      `Helm ${verb} succeeded for release ${fullReleaseName(snap)} with chart ${versionedChartName(snap)}`,
    );
  }
  conditions.remove(hr, 'Reconciling');
  summarize(hr);
}

/** deployedOr is the newest deployed revision (what an upgrade moves from, as Helm's), else the given one. */
async function deployedOr(t: ActionTarget, fallback: Release): Promise<Release> {
  const history = await t.storage.history(t.name);
  return [...history].reverse().find((r) => r.info.status === 'deployed') ?? fallback;
}

/** runAction runs an install or upgrade; a failure that stored a record is counted and left to the next decision. */
async function runAction(
  run: ReleaseRun,
  t: ActionTarget,
  action: 'install' | 'upgrade',
  current: Release | undefined,
  last: Release | undefined,
): Promise<void> {
  const { hr, ctx, chart, values } = run;
  const status = hr.status!;
  const spec = action === 'install' ? hr.spec.install : hr.spec.upgrade;
  status.lastAttemptedReleaseAction = action;
  // A new release action: the test results and remediation of the one before no longer apply.
  conditions.remove(hr, TestSuccess);
  conditions.remove(hr, Remediated);
  const started = Date.now();
  const opts = {
    timeoutMs: timeoutOf(hr, action),
    wait: !spec?.disableWait,
    waitForJobs: !spec?.disableWaitForJobs,
    disableHooks: spec?.disableHooks ?? false,
    maxHistory: maxHistory(hr),
  };
  const chartLabel = `${chart.chart.metadata.name}@${chart.chart.metadata.version}`;
  const meta = eventMeta(chart.chart.metadata.version, run.configDigest);
  try {
    let objects: KubeObject[];
    if (action === 'install' || !current || !last) {
      // An install starts a new release lifecycle: no earlier revision may be rolled back to.
      delete status.history;
      const crds = hr.spec.install?.crds ?? (hr.spec.install?.skipCRDs ? 'Skip' : 'Create');
      ({ objects } = await install(t, chart.path, values, {
        ...opts,
        crds,
        force: false,
        createNamespace: hr.spec.install?.createNamespace ?? false,
      }));
    } else {
      const upgradeSpec = hr.spec.upgrade ?? {};
      ({ objects } = await upgrade(t, chart.path, values, current, last.version, {
        ...opts,
        crds: upgradeSpec.crds ?? 'Skip',
        force: upgradeSpec.force ?? false,
        cleanupOnFail: upgradeSpec.cleanupOnFail ?? false,
        preserveValues: upgradeSpec.preserveValues ?? false,
      }));
    }
    status.lastAttemptedReleaseActionDuration = formatDuration(Date.now() - started);
    status.inventory = inventoryFromObjects(objects);
    const snap = status.history![0]!;
    const message = `Helm ${action} succeeded for release ${fullReleaseName(snap)} with chart ${versionedChartName(snap)}`;
    const reason = action === 'install' ? HelmReleaseReason.InstallSucceeded : HelmReleaseReason.UpgradeSucceeded;
    conditions.markTrue(hr, Released, reason, message);
    if (hr.spec.test?.enable && !snap.testHooks) {
      const awaiting = `Helm release ${fullReleaseName(snap)} with chart ${versionedChartName(snap)} is awaiting tests`;
      conditions.markUnknown(hr, TestSuccess, HelmReleaseReason.AwaitingTests, awaiting);
    }
    ctx.event('info', reason, message, meta);
    summarize(hr);
  } catch (err) {
    status.lastAttemptedReleaseActionDuration = formatDuration(Date.now() - started);
    const reason = action === 'install' ? HelmReleaseReason.InstallFailed : HelmReleaseReason.UpgradeFailed;
    const message = `Helm ${action} failed for release ${t.namespace}/${t.name} with chart ${chartLabel}: ${errorMessage(err).trim()}`;
    status.failures = (status.failures ?? 0) + 1;
    conditions.markFalse(hr, Released, reason, message);
    ctx.event('error', reason, message, meta);
    summarize(hr);
    if (!(err instanceof ReleaseActionError) || !err.stored) {
      // Nothing changed in the storage: nothing to remediate, retry with backoff.
      throw new StepError(reason, message, { cause: err });
    }
    // Only a failure that left a record counts towards the remediation retries (the next decision acts on it).
    countFailure(hr, remediationOf(hr, action));
  }
}

async function unlock(run: ReleaseRun, t: ActionTarget, rel: Release): Promise<void> {
  const { hr, ctx } = run;
  const from = rel.info.status;
  const snap = snapshotOf(rel);
  rel.info.status = 'failed';
  rel.info.description = `Release unlocked from stale '${from}' state`;
  const meta = eventMeta(snap.chartVersion, snap.configDigest);
  try {
    await t.storage.update(rel);
  } catch (err) {
    const message = `Unlock of Helm release ${fullReleaseName(snap)} with chart ${versionedChartName(snap)} in ${from} state failed: ${errorMessage(err)}`;
    hr.status!.failures = (hr.status!.failures ?? 0) + 1;
    conditions.markFalse(hr, Released, HelmReleaseReason.PendingRelease, message);
    ctx.event('error', HelmReleaseReason.PendingRelease, message, meta);
    throw new StepError(HelmReleaseReason.PendingRelease, message, { cause: err });
  }
  // Like helm-controller's observeUnlock: only a snapshot status.history already holds is updated; an unobserved
  // pending revision (the controller died before recording it) makes the release unmanaged, hence upgraded.
  if (hr.status?.history?.some((s) => s.version === rel.version)) t.observe(rel);
  const message = `Unlocked Helm release ${fullReleaseName(snap)} with chart ${versionedChartName(snap)} in ${from} state`;
  conditions.markFalse(hr, Released, HelmReleaseReason.PendingRelease, message);
  ctx.event('info', HelmReleaseReason.PendingRelease, message, meta);
}
