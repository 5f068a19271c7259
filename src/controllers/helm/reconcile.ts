// The HelmRelease pipeline (helm-controller `reconcileRelease`): dependencies → the HelmChart of spec.chart →
// the chart source, ready with an artifact → values → the chart, fetched and verified → status.lastAttempted* →
// the release brought to the desired state (release-step.ts). Each step fails with helm-controller's reason
// (DependencyNotReady, ArtifactFailed, SourceNotReady, ValuesError, InstallFailed, UpgradeFailed, …).
import { HelmReleaseReason, Reason, type HelmRelease } from '../../api/index.ts';
import { fromJs, type ValueMap } from '../../engines/helm/index.ts';
import {
  conditions,
  formatDuration,
  parseDuration,
  requeueAfter,
  StepError,
  type Result,
  type StepContext,
} from '../../runtime/index.ts';
import { errorMessage } from '../../util/errors.ts';
import { readStatus } from '../../engines/kstatus/index.ts';
import type { KubeClient, StatusFn } from '../../kube/index.ts';
import { checkDependencies, compileCustomHealth, compileReadyExprs, type SourceLookup } from '../common/index.ts';
import { loadChartArtifact } from './chart-artifact.ts';
import { releaseClient } from './impersonation.ts';
import { helmReleaseType } from './kind.ts';
import type { HelmControllerOptions } from './options.ts';
import { releaseToDesired } from './release-step.ts';
import { clearFailures, failureResetReason } from './requests.ts';
import { configDigest } from './snapshot.ts';
import { resolveChartSource, sourceNotReady, syncChartTemplate } from './source.ts';
import { composeValues, kubeValuesReader } from './values.ts';

/** HelmReleaseDeps are the controller-wide inputs of one reconcile. */
export interface HelmReleaseDeps {
  options: HelmControllerOptions;
  cachedSource?: SourceLookup['cached'];
}

const gate = (ctx: StepContext, name: string, fallback: boolean): boolean =>
  ctx.manager.options.featureGates[name] ?? fallback;

const IN_PROGRESS = 'reconciliation in progress';

/** reconcileHelmRelease runs one HelmRelease to its desired release, or throws the failed step's StepError. */
export async function reconcileHelmRelease(hr: HelmRelease, ctx: StepContext, deps: HelmReleaseDeps): Promise<Result> {
  const client = ctx.manager.client;
  const status = (hr.status ??= {});
  const noCrossNamespaceRefs = deps.options.noCrossNamespaceRefs ?? false;
  ctx.progress(Reason.Progressing, 'Fulfilling prerequisites');

  // Configuration errors first: they are terminal until the spec changes (InvalidCELExpression).
  const custom = compileCustomHealth(hr.spec.healthCheckExprs);
  const health: StatusFn | undefined = custom
    ? (obj, pods) => readStatus(obj, { custom, ...(pods ? { pods } : {}) })
    : undefined;
  const readyExprs = compileReadyExprs(hr.spec.dependsOn);
  if (hr.spec.dependsOn?.length) {
    try {
      await checkDependencies(client, hr, hr.spec.dependsOn, {
        type: helmReleaseType,
        readyExprs,
        sourceRevision: undefined,
        noCrossNamespaceRefs,
        additiveCEL: gate(ctx, 'AdditiveCELDependencyCheck', false),
      });
    } catch (err) {
      if (!(err instanceof StepError) || err.reason !== Reason.DependencyNotReady) throw err;
      const wait = ctx.manager.options.requeueDependencyMs;
      conditions.markFalse(hr, ConditionTypeReady, Reason.DependencyNotReady, err.message);
      ctx.event('info', Reason.DependencyNotReady, err.message);
      ctx.request.log.info(
        `dependencies do not meet ready condition (${err.message}): retrying in ${formatDuration(wait)}`,
      );
      return requeueAfter(wait);
    }
  }
  clearStale(hr, Reason.DependencyNotReady);

  await syncChartTemplate(hr, ctx);
  const source = await resolveChartSource(hr, ctx, {
    noCrossNamespaceRefs,
    externalArtifact: gate(ctx, 'ExternalArtifact', false),
    ...(deps.cachedSource ? { cached: deps.cachedSource } : {}),
  });
  clearStale(hr, HelmReleaseReason.ArtifactFailed, Reason.AccessDenied);
  const notReady = sourceNotReady(source.object, source.artifact !== undefined);
  if (notReady || !source.artifact) {
    ctx.request.log.info(notReady ?? 'no artifact');
    conditions.markFalse(hr, ConditionTypeReady, HelmReleaseReason.SourceNotReady, notReady ?? '');
    // The source's watch requeues this object as soon as the artifact appears.
    return requeueAfter(parseDuration(hr.spec.interval));
  }
  clearStale(hr, HelmReleaseReason.SourceNotReady);

  let values: ValueMap;
  try {
    const inline = hr.spec.values === undefined ? undefined : (fromJs(hr.spec.values) as ValueMap);
    values = await composeValues(
      hr.metadata.namespace ?? '',
      hr.spec.valuesFrom ?? [],
      inline,
      kubeValuesReader(client),
      (message) => ctx.request.log.info(message),
    );
  } catch (err) {
    throw new StepError(HelmReleaseReason.ValuesError, errorMessage(err), { cause: err });
  }
  clearStale(hr, HelmReleaseReason.ValuesError);

  const chart = await loadChartArtifact(source.artifact, await ctx.workDir());
  clearStale(hr, HelmReleaseReason.ArtifactFailed);

  status.storageNamespace = hr.spec.storageNamespace || hr.metadata.namespace || '';
  const digest = configDigest(values);
  const resetReason = failureResetReason(hr, { chartVersion: chart.chart.metadata.version, configDigest: digest });
  if (resetReason) {
    // A new generation, chart or values, or a resetAt request, start a new series of attempts.
    ctx.request.log.info(`resetting failure count: ${resetReason}`);
    clearFailures(hr);
  }
  status.lastAttemptedGeneration = hr.metadata.generation ?? 0;
  status.lastAttemptedRevision = chart.chart.metadata.version;
  status.lastAttemptedConfigDigest = digest;
  delete status.lastAttemptedValuesChecksum;
  delete status.lastReleaseRevision;
  delete status.lastAttemptedRevisionDigest;

  let target: KubeClient;
  try {
    target = await releaseClient(hr, ctx, deps.options);
  } catch (err) {
    throw new StepError(HelmReleaseReason.RESTClientError, `could not build REST client getter: ${errorMessage(err)}`, {
      cause: err,
    });
  }

  const stalledResult = await releaseToDesired({
    hr,
    ctx,
    chart,
    values,
    configDigest: digest,
    client: target,
    health,
  });
  if (stalledResult) return stalledResult;
  return requeueAfter(parseDuration(hr.spec.interval));
}

const ConditionTypeReady = 'Ready';

/** clearStale turns a Ready=False left by an earlier run of a step that now passed into Unknown (Flux does too). */
function clearStale(hr: HelmRelease, ...reasons: string[]): void {
  const ready = conditions.get(hr, ConditionTypeReady);
  if (ready?.status === 'False' && reasons.includes(ready.reason)) {
    conditions.markUnknown(hr, ConditionTypeReady, Reason.Progressing, IN_PROGRESS);
  }
}
