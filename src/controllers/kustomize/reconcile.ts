// The Kustomization pipeline (kustomize-controller `reconcile`, flux-api.md §4.3), one small step per file:
// CEL checks → source → dependencies → fetch → build → apply → prune → health → status and events. A failed step
// throws its StepError; the runtime records it (Ready=False with the step's reason, an event, Stalled when
// terminal) and retries at spec.retryInterval.
import { ConditionType, Reason, type Kustomization } from '../../api/index.ts';
import { changeSetText, type KubeClient, type KubeObject } from '../../kube/index.ts';
import {
  asStepError,
  conditions,
  formatDuration,
  parseDuration,
  requeueAfter,
  StepError,
  type Result,
  type StepContext,
} from '../../runtime/index.ts';
import { errorMessage } from '../../util/errors.ts';
import {
  checkDependencies,
  checkHealth,
  compileCustomHealth,
  compileReadyExprs,
  configurationError,
  originRevisionOf,
  type SourceLookup,
} from '../common/index.ts';
import { applyObjects, prune } from './apply.ts';
import { refuseEncrypted, type Decryptor } from './build/index.ts';
import { manifestsDigest, upsertHistory } from './history.ts';
import { buildManifests, fetchSourceArtifact } from './manifests.ts';
import { healthCheckRefs } from './health.ts';
import { kustomizationType } from './kind.ts';
import type { KustomizeControllerOptions } from './options.ts';
import { resolveKustomizationSource } from './source.ts';
import { targetClient } from './target.ts';

/** KustomizationDeps are the controller-wide inputs of one reconcile. */
export interface KustomizationDeps {
  options: KustomizeControllerOptions;
  decrypt: Decryptor;
  cachedSource?: SourceLookup['cached'];
}

/** timeoutOf is spec.timeout, else interval − 30s with a 30s floor (kustomize-controller `GetTimeout`). */
export function timeoutOf(ks: Kustomization): number {
  if (ks.spec.timeout) return parseDuration(ks.spec.timeout);
  return Math.max(parseDuration(ks.spec.interval) - 30_000, 30_000);
}

/** retryIntervalOf is spec.retryInterval, else the interval. */
export function retryIntervalOf(ks: Kustomization): number {
  return parseDuration(ks.spec.retryInterval || ks.spec.interval);
}

const gate = (ctx: StepContext, name: string, fallback: boolean): boolean =>
  ctx.manager.options.featureGates[name] ?? fallback;

/**
 * reconcileKustomization runs one Kustomization to Ready, or throws the failed step's StepError. Nothing is
 * written to the cluster before the build and the whole-set dry-run succeeded, so a failing revision leaves the
 * previous one's objects as they were. Every outcome with a built set of manifests is recorded in status.history.
 */
export async function reconcileKustomization(
  ks: Kustomization,
  ctx: StepContext,
  deps: KustomizationDeps,
): Promise<Result> {
  const started = Date.now();
  const run: Run = { ks, ctx, deps, started, revision: undefined, digest: undefined };
  try {
    return await pipeline(run);
  } catch (err) {
    const failure = asStepError(err, Reason.ReconciliationFailed);
    if (failure.reason === Reason.HealthCheckFailed) {
      conditions.markFalse(ks, ConditionType.Healthy, Reason.HealthCheckFailed, failure.message);
    }
    record(run, failure.reason);
    throw failure;
  }
}

/** Run is one reconcile's state: what the history record needs once the manifests are built. */
interface Run {
  ks: Kustomization;
  ctx: StepContext;
  deps: KustomizationDeps;
  started: number;
  revision: string | undefined;
  digest: string | undefined;
}

/** record upserts the status.history entry of this run's manifests (once they were built). */
function record(run: Run, outcome: string): void {
  if (!run.digest) return;
  const status = (run.ks.status ??= {});
  status.history = upsertHistory(status.history, {
    digest: run.digest,
    status: outcome,
    durationMs: Date.now() - run.started,
    metadata: run.revision ? { revision: run.revision } : {},
  });
}

async function pipeline(run: Run): Promise<Result> {
  const { ks, ctx, deps } = run;
  const client = ctx.manager.client;
  const opts = deps.options;
  const status = (ks.status ??= {});

  // Configuration errors first: they are terminal until the spec changes.
  const custom = compileCustomHealth(ks.spec.healthCheckExprs);
  const readyExprs = compileReadyExprs(ks.spec.dependsOn);
  if (ks.spec.decryption?.serviceAccountName && !gate(ctx, 'ObjectLevelWorkloadIdentity', false)) {
    throw configurationError(
      Reason.FeatureGateDisabled,
      'to use spec.decryption.serviceAccountName for decryption authentication please enable the ' +
        'ObjectLevelWorkloadIdentity feature gate in the controller',
    );
  }

  let source;
  try {
    source = await resolveKustomizationSource(client, ks, {
      noCrossNamespaceRefs: opts.noCrossNamespaceRefs ?? false,
      externalArtifact: gate(ctx, 'ExternalArtifact', false),
      ...(deps.cachedSource ? { cached: deps.cachedSource } : {}),
    });
  } catch (err) {
    if (!(err instanceof StepError) || err.terminal) throw err;
    // A missing source is waited for, not backed off (Flux requeues after retryInterval).
    conditions.markFalse(ks, ConditionType.Ready, err.reason, err.message);
    ctx.request.log.info(err.message);
    return requeueAfter(retryIntervalOf(ks));
  }
  if (!source.artifact) {
    const wait = ctx.manager.options.requeueDependencyMs;
    const message = `Source artifact not found, retrying in ${formatDuration(wait)}`;
    conditions.markFalse(ks, ConditionType.Ready, Reason.ArtifactFailed, message);
    ctx.request.log.info(message);
    return requeueAfter(wait);
  }
  const revision = source.artifact.revision;
  const origin = originRevisionOf(source.artifact);
  run.revision = revision;
  ctx.setRevision(revision, origin);

  try {
    await checkDependencies(client, ks, ks.spec.dependsOn, {
      type: kustomizationType,
      readyExprs,
      sourceRevision: revision,
      noCrossNamespaceRefs: opts.noCrossNamespaceRefs ?? false,
      additiveCEL: gate(ctx, 'AdditiveCELDependencyCheck', false),
    });
  } catch (err) {
    if (!(err instanceof StepError) || err.reason !== Reason.DependencyNotReady) throw err;
    const wait = ctx.manager.options.requeueDependencyMs;
    const message = `Dependencies do not meet ready condition, retrying in ${formatDuration(wait)}`;
    conditions.markFalse(ks, ConditionType.Ready, Reason.DependencyNotReady, err.message);
    ctx.request.log.info(`${message}: ${err.message}`);
    ctx.event('info', Reason.DependencyNotReady, message);
    return requeueAfter(wait);
  }

  const timeoutMs = timeoutOf(ks);
  const withTimeout = `for revision ${revision} with a timeout of ${formatDuration(timeoutMs)}`;
  conditions.markUnknown(ks, ConditionType.Ready, Reason.Progressing, 'Reconciliation in progress');
  ctx.progress(Reason.Progressing, `Fetching manifests ${withTimeout}`);

  const fetched = await fetchSourceArtifact(source.subject, source.artifact, await ctx.workDir());
  status.lastAttemptedRevision = revision;

  ctx.progress(Reason.Progressing, `Building manifests ${withTimeout}`);
  const objects = await buildManifests(client, ks, fetched.dir, {
    allowRemote: !(opts.noRemoteBases ?? false),
    strict: gate(ctx, 'StrictPostBuildSubstitutions', true),
    decrypt: deps.decrypt,
  });
  run.digest = manifestsDigest(objects);
  refuseEncrypted(objects);

  let target: KubeClient;
  try {
    target = await targetClient(ctx, ks, opts);
  } catch (err) {
    throw new StepError(Reason.ReconciliationFailed, errorMessage(err), { cause: err });
  }

  ctx.progress(Reason.Progressing, `Detecting drift ${withTimeout}`);
  const observed = new Map<string, KubeObject>();
  const changeSet = await applyObjects(target, objects, ks, opts, observed);
  const changed = changeSetText(changeSet, new Set(['created', 'configured']));
  if (changed) {
    ctx.request.log.info({ revision }, 'server-side apply completed');
    ctx.event('info', Reason.Progressing, changed);
  }

  const pruned = await prune(target, ks, status.inventory, changeSet);
  status.inventory = pruned.inventory;
  if (pruned.deleted.length > 0) ctx.event('info', Reason.Progressing, changeSetText(pruned.deleted));
  if (pruned.error) throw pruned.error;

  const refs = healthCheckRefs(ks, changeSet);
  if (refs.length > 0) {
    const wasHealthy = conditions.isTrue(ks, ConditionType.Healthy);
    const lastApplied = status.lastAppliedRevision;
    conditions.markUnknown(ks, ConditionType.Healthy, Reason.Progressing, 'Running health checks');
    ctx.progress(Reason.Progressing, `Running health checks ${withTimeout}`);
    const healthStart = Date.now();
    await checkHealth(target, refs, {
      timeoutMs,
      intervalMs: opts.healthCheckIntervalMs ?? 5000,
      custom,
      failFast: !gate(ctx, 'DisableFailFastBehavior', false),
      signal: ctx.request.signal,
      initial: observed,
    });
    const message = `Health check passed in ${formatDuration(Date.now() - healthStart)}`;
    conditions.markTrue(ks, ConditionType.Healthy, Reason.Succeeded, message);
    if (!wasHealthy || lastApplied !== revision) ctx.event('info', Reason.Succeeded, message);
  } else {
    conditions.remove(ks, ConditionType.Healthy);
  }

  status.lastAppliedRevision = revision;
  if (origin) status.lastAppliedOriginRevision = origin;
  else delete status.lastAppliedOriginRevision;
  conditions.markTrue(ks, ConditionType.Ready, Reason.ReconciliationSucceeded, `Applied revision: ${revision}`);
  record(run, Reason.ReconciliationSucceeded);
  const interval = parseDuration(ks.spec.interval);
  ctx.event(
    'info',
    Reason.ReconciliationSucceeded,
    `Reconciliation finished in ${formatDuration(Date.now() - run.started)}, next run in ${formatDuration(interval)}`,
    { commit_status: 'update' },
  );
  return requeueAfter(interval);
}
