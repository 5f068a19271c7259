// Step "release" (helm-controller `AtomicRelease`): decide what the release needs (state.ts), run that action,
// record it in status and conditions with helm-controller's reasons and messages, and decide again, until the
// release is in sync, must wait for a retry, or has exhausted its remediation retries (Stalled, RetriesExceeded).
import { HelmReleaseConditionType, HelmReleaseReason, Reason, type HelmRelease } from '../../api/index.ts';
import type { Release, ValueMap } from '../../engines/helm/index.ts';
import { inventoryFromObjects, type KubeObject } from '../../kube/index.ts';
import { conditions, formatDuration, stalled, StepError, type Result, type StepContext } from '../../runtime/index.ts';
import { errorMessage } from '../../util/errors.ts';
import type { LoadedChart } from './chart-artifact.ts';
import { reconcileDrift } from './drift-step.ts';
import { eventMeta } from './events.ts';
import { stampRelease } from './labels.ts';
import { parseManifest } from './manifest.ts';
import { install, ReleaseActionError, uninstall, upgrade, type ActionTarget } from './release.ts';
import { fullReleaseName, recordSnapshot, snapshotOf, versionedChartName } from './snapshot.ts';
import { determineState } from './state.ts';
import { ReleaseStorage } from './storage.ts';
import { actionTimeout, maxHistory, releaseTarget } from './target.ts';

const { Released, Remediated, TestSuccess } = HelmReleaseConditionType;

/** ReleaseRun is one reconcile's desired release. */
export interface ReleaseRun {
  hr: HelmRelease;
  ctx: StepContext;
  chart: LoadedChart;
  values: ValueMap;
  configDigest: string;
}

/** MAX_ACTIONS bounds the actions of one reconcile (unlock, remediate, install/upgrade, …). */
const MAX_ACTIONS = 5;

/** actionTargetFor makes the ActionTarget of a HelmRelease, observing storage writes into status.history. */
export function actionTargetFor(hr: HelmRelease, ctx: StepContext): ActionTarget {
  const t = releaseTarget(hr);
  const client = ctx.manager.client;
  return {
    client,
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

/** summarize sets Ready from Remediated (a remediation is a failure) or else Released (helm-controller summarize). */
export function summarize(hr: HelmRelease): void {
  if (!hr.spec.test?.enable) conditions.remove(hr, TestSuccess);
  const remediated = conditions.get(hr, Remediated);
  const source = remediated ?? conditions.get(hr, Released);
  if (!source) return;
  const status = remediated ? 'False' : source.status;
  if (status === 'True') conditions.markTrue(hr, 'Ready', source.reason, source.message);
  else if (status === 'False') conditions.markFalse(hr, 'Ready', source.reason, source.message);
  else conditions.markUnknown(hr, 'Ready', source.reason, source.message);
}

type ActionName = 'install' | 'upgrade';

function remediationOf(hr: HelmRelease, action: ActionName): { retries: number; failures: number } {
  const status = hr.status ?? {};
  if (action === 'install') {
    return { retries: hr.spec.install?.remediation?.retries ?? 0, failures: status.installFailures ?? 0 };
  }
  return { retries: hr.spec.upgrade?.remediation?.retries ?? 0, failures: status.upgradeFailures ?? 0 };
}

function retriesExhausted(hr: HelmRelease, action: ActionName): boolean {
  const { retries, failures } = remediationOf(hr, action);
  return retries >= 0 && failures > retries;
}

/**
 * releaseToDesired runs actions until the release is in sync (resolves undefined), or its remediation retries are
 * used up (resolves a stalled Result, with Stalled=RetriesExceeded already set); throws a StepError to retry.
 */
export async function releaseToDesired(run: ReleaseRun): Promise<Result | undefined> {
  const { hr, ctx } = run;
  const t = actionTargetFor(hr, ctx);
  const status = (hr.status ??= {});
  const desired = {
    chartName: run.chart.chart.metadata.name,
    chartVersion: run.chart.chart.metadata.version,
    configDigest: run.configDigest,
  };
  for (let i = 0; i < MAX_ACTIONS; i++) {
    let last: Release | undefined;
    try {
      last = await t.storage.last(t.name);
    } catch (err) {
      throw new StepError(Reason.ReconciliationFailed, `failed to determine release state: ${errorMessage(err)}`, {
        cause: err,
      });
    }
    const state = determineState(hr, last, desired);
    switch (state.kind) {
      case 'in-sync': {
        // In sync with the desired chart and values: the cluster state may still have drifted (once per reconcile,
        // as in sync ends the loop: a correction is not followed by another comparison).
        await reconcileDrift(hr, ctx, t, state.release);
        if (!status.inventory) status.inventory = inventoryFromObjects(parseManifest(state.release.manifest));
        if (!conditions.has(hr, Released)) {
          const snap = status.history?.[0];
          if (snap) {
            const message = `Helm ${snap.version > 1 ? 'upgrade' : 'install'} succeeded for release ${fullReleaseName(snap)} with chart ${versionedChartName(snap)}`;
            conditions.markTrue(
              hr,
              Released,
              snap.version > 1 ? HelmReleaseReason.UpgradeSucceeded : HelmReleaseReason.InstallSucceeded,
              message,
            );
          }
        }
        conditions.remove(hr, Remediated);
        summarize(hr);
        return undefined;
      }
      case 'locked':
        await unlock(run, t, state.release);
        continue;
      case 'failed': {
        const action: ActionName = status.lastAttemptedReleaseAction === 'install' ? 'install' : 'upgrade';
        if (remediationOf(hr, action).failures <= 0) {
          // No failure counted since the chart or values last changed (or the record failed by other hands, e.g.
          // an unlocked pending release): Flux tries an upgrade rather than remediating.
          await runAction(run, t, 'upgrade', await deployedOr(t, state.release), state.release);
          continue;
        }
        if (retriesExhausted(hr, action)) {
          summarize(hr);
          const count = remediationOf(hr, action).failures;
          const message = `Failed to ${action} after ${count} attempt(s)`;
          // Stalled carries the retries verdict while Ready keeps the failure that used them up, as in Flux; the
          // stalled Result keeps the runtime from overwriting either.
          conditions.markStalled(hr, 'RetriesExceeded', message);
          return stalled(new StepError('RetriesExceeded', message));
        }
        if (action === 'install') {
          // A failed install is remediated by uninstalling it before the next attempt, as Flux does.
          await remediateByUninstall(run, t, state.release);
          continue;
        }
        await runAction(run, t, 'upgrade', await deployedOr(t, state.release), state.release);
        continue;
      }
      case 'absent':
        await runAction(run, t, 'install', undefined, undefined);
        continue;
      case 'unmanaged':
      case 'out-of-sync': {
        ctx.request.log.info(`release out of sync (${state.reason}): running upgrade`);
        await runAction(run, t, 'upgrade', await deployedOr(t, state.release), state.release);
        continue;
      }
    }
  }
  summarize(hr);
  throw new StepError(Reason.ReconciliationFailed, 'release did not settle within one reconciliation');
}

/** deployedOr is the newest deployed revision (what an upgrade moves from, as Helm's), else the given one. */
async function deployedOr(t: ActionTarget, fallback: Release): Promise<Release> {
  const history = await t.storage.history(t.name);
  return [...history].reverse().find((r) => r.info.status === 'deployed') ?? fallback;
}

async function runAction(
  run: ReleaseRun,
  t: ActionTarget,
  action: ActionName,
  current: Release | undefined,
  last: Release | undefined,
): Promise<void> {
  const { hr, ctx, chart, values } = run;
  const status = hr.status!;
  const spec = action === 'install' ? hr.spec.install : hr.spec.upgrade;
  const timeoutMs = actionTimeout(hr, spec?.timeout);
  const progress = `Running '${action}' action with timeout of ${formatDuration(timeoutMs)}`;
  conditions.markUnknown(hr, 'Ready', Reason.Progressing, progress);
  ctx.progress(Reason.Progressing, progress);
  status.lastAttemptedReleaseAction = action;
  conditions.remove(hr, TestSuccess);
  conditions.remove(hr, Remediated);
  const started = Date.now();
  const opts = {
    timeoutMs,
    wait: !spec?.disableWait,
    waitForJobs: !spec?.disableWaitForJobs,
    disableHooks: spec?.disableHooks ?? false,
    maxHistory: maxHistory(hr),
  };
  const chartLabel = `${chart.chart.metadata.name}@${chart.chart.metadata.version}`;
  const meta = eventMeta(chart.chart.metadata.version, run.configDigest);
  try {
    let objects: KubeObject[];
    if (action === 'install') {
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
      const crds = hr.spec.upgrade?.crds ?? 'Skip';
      ({ objects } = await upgrade(t, chart.path, values, current!, last!.version, {
        ...opts,
        crds,
        force: hr.spec.upgrade?.force ?? false,
      }));
    }
    status.lastAttemptedReleaseActionDuration = formatDuration(Date.now() - started);
    status.inventory = inventoryFromObjects(objects);
    const snap = status.history![0]!;
    const verb = action === 'install' ? 'install' : 'upgrade';
    const message = `Helm ${verb} succeeded for release ${fullReleaseName(snap)} with chart ${versionedChartName(snap)}`;
    const reason = action === 'install' ? HelmReleaseReason.InstallSucceeded : HelmReleaseReason.UpgradeSucceeded;
    conditions.markTrue(hr, Released, reason, message);
    if (hr.spec.test?.enable) {
      conditions.markUnknown(
        hr,
        TestSuccess,
        'AwaitingTests',
        `Release ${fullReleaseName(snap)} with chart ${versionedChartName(snap)} has not been tested yet`,
      );
    }
    ctx.event('info', reason, message, meta);
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
    if (action === 'install') status.installFailures = (status.installFailures ?? 0) + 1;
    else status.upgradeFailures = (status.upgradeFailures ?? 0) + 1;
    if (!retriesExhausted(hr, action)) {
      // Retries remain: the next reconcile remediates and tries again, after the backoff.
      throw new StepError(reason, message, { cause: err });
    }
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
    conditions.markFalse(hr, Released, 'PendingRelease', message);
    ctx.event('error', 'PendingRelease', message, meta);
    throw new StepError('PendingRelease', message, { cause: err });
  }
  // Like helm-controller's observeUnlock: only a snapshot status.history already holds is updated; an unobserved
  // pending revision (the controller died before recording it) makes the release unmanaged, hence upgraded.
  if (hr.status?.history?.some((s) => s.version === rel.version)) t.observe(rel);
  const message = `Unlocked Helm release ${fullReleaseName(snap)} with chart ${versionedChartName(snap)} in ${from} state`;
  conditions.markFalse(hr, Released, 'PendingRelease', message);
  ctx.event('info', 'PendingRelease', message, meta);
}

async function remediateByUninstall(run: ReleaseRun, t: ActionTarget, rel: Release): Promise<void> {
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
    conditions.markFalse(hr, Remediated, HelmReleaseReason.UninstallFailed, message);
    ctx.event('error', HelmReleaseReason.UninstallFailed, message, meta);
    throw new StepError(HelmReleaseReason.UninstallFailed, message, { cause: err });
  }
  const message = `Helm uninstall remediation for release ${fullReleaseName(snap)} with chart ${versionedChartName(snap)} succeeded`;
  conditions.markTrue(hr, Remediated, HelmReleaseReason.UninstallSucceeded, message);
  ctx.event('info', HelmReleaseReason.UninstallSucceeded, message, meta);
  delete hr.status!.history;
}
