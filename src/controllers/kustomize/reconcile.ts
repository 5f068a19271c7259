// The Kustomization pipeline (kustomize-controller `reconcile`, flux-api.md §4.3), one small step per file:
// CEL checks → source → dependencies → fetch → build → apply → prune → health → status and events.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ConditionType, Reason, type Kustomization } from '../../api/index.ts';
import { fetchArtifact } from '../../artifacts/index.ts';
import { changeSetText } from '../../kube/ssa/index.ts';
import { clientFor } from '../../kube/identity/index.ts';
import type { KubeClient, KubeObject } from '../../kube/index.ts';
import {
  conditions,
  formatDuration,
  parseDuration,
  requeueAfter,
  retry,
  stalled,
  type Result,
  type StepContext,
} from '../../runtime/index.ts';
import { errorMessage } from '../../util/errors.ts';
import { applyObjects, prune, stampMetadata } from './apply.ts';
import { buildObjects, readVariables } from './build.ts';
import { refuseEncrypted, type Decryptor } from './decrypt.ts';
import { checkDependencies, compileReadyExprs } from './dependencies.ts';
import { StepError } from './errors.ts';
import { prepareKustomization } from './generate.ts';
import { manifestsDigest, upsertHistory } from './history.ts';
import { checkHealth, compileCustomHealth, healthCheckRefs } from './health.ts';
import { remoteKubeConfigPolicy, type KustomizeControllerOptions } from './options.ts';
import { resolveSource, type SourceOptions } from './source.ts';

/** KustomizationDeps are the controller-wide inputs of one reconcile. */
export interface KustomizationDeps {
  options: KustomizeControllerOptions;
  decrypt: Decryptor;
  cachedSource?: SourceOptions['cached'];
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

/** fail records a step failure as Flux does: Ready=False with the step's reason, an error event, and a retry. */
function fail(ks: Kustomization, ctx: StepContext, err: StepError, revision: string | undefined): Result {
  conditions.markFalse(ks, ConditionType.Ready, err.reason, err.message);
  if (err.reason === Reason.HealthCheckFailed) {
    conditions.markFalse(ks, ConditionType.Healthy, Reason.HealthCheckFailed, err.message);
  }
  ctx.manager.events.event(ks, {
    severity: 'error',
    reason: err.reason,
    message: err.message,
    ...(revision ? { metadata: { revision } } : {}),
  });
  if (err.terminal) {
    conditions.markStalled(ks, err.reason, err.message);
    return stalled(err);
  }
  // Flux retries a failed Kustomization at spec.retryInterval (default: the interval), not with backoff.
  const retryMs = retryIntervalOf(ks);
  ctx.request.log.info(`Reconciliation failed, next try in ${formatDuration(retryMs)}`);
  return retry(err, ctx.manager.jitter(retryMs));
}

/**
 * reconcileKustomization runs one Kustomization to Ready or to a failure with its own reason. Nothing is written to
 * the cluster before the build and the whole-set dry-run succeeded, so a failing revision leaves the previous one's
 * objects as they were.
 */
export async function reconcileKustomization(
  ks: Kustomization,
  ctx: StepContext,
  deps: KustomizationDeps,
): Promise<Result> {
  const started = Date.now();
  const client = ctx.manager.client;
  const opts = deps.options;
  const status = (ks.status ??= {});
  let revision: string | undefined;
  let digest: string | undefined;
  const record = (outcome: string): void => {
    if (!digest) return;
    const metadata: Record<string, string> = revision ? { revision } : {};
    status.history = upsertHistory(status.history, {
      digest,
      status: outcome,
      durationMs: Date.now() - started,
      metadata,
    });
  };
  try {
    // Configuration errors first: they are terminal until the spec changes.
    const custom = compileCustomHealth(ks);
    const readyExprs = compileReadyExprs(ks);
    if (ks.spec.decryption?.serviceAccountName && !gate(ctx, 'ObjectLevelWorkloadIdentity', false)) {
      throw new StepError(
        Reason.FeatureGateDisabled,
        'Reconciliation failed terminally due to configuration error: to use spec.decryption.serviceAccountName ' +
          'for decryption authentication please enable the ObjectLevelWorkloadIdentity feature gate in the controller',
        { terminal: true },
      );
    }

    let source;
    try {
      source = await resolveSource(client, ks, {
        noCrossNamespaceRefs: opts.noCrossNamespaceRefs ?? false,
        externalArtifact: gate(ctx, 'ExternalArtifact', false),
        ...(deps.cachedSource ? { cached: deps.cachedSource } : {}),
      });
    } catch (err) {
      if (err instanceof StepError && !err.terminal) {
        // A missing source is waited for, not backed off (Flux requeues after retryInterval).
        conditions.markFalse(ks, ConditionType.Ready, err.reason, err.message);
        ctx.request.log.info(err.message);
        return requeueAfter(retryIntervalOf(ks));
      }
      throw err;
    }
    if (!source.artifact) {
      const wait = ctx.manager.options.requeueDependencyMs;
      const message = `Source artifact not found, retrying in ${formatDuration(wait)}`;
      conditions.markFalse(ks, ConditionType.Ready, Reason.ArtifactFailed, message);
      ctx.request.log.info(message);
      return requeueAfter(wait);
    }
    revision = source.artifact.revision;

    try {
      await checkDependencies(client, ks, readyExprs, {
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
      ctx.manager.events.event(ks, {
        severity: 'info',
        reason: Reason.DependencyNotReady,
        message,
        metadata: { revision },
      });
      return requeueAfter(wait);
    }

    const timeoutMs = timeoutOf(ks);
    const withTimeout = `for revision ${revision} with a timeout of ${formatDuration(timeoutMs)}`;
    const progressing = (message: string): void => {
      conditions.markReconciling(ks, Reason.Progressing, message);
      conditions.markUnknown(ks, ConditionType.Ready, Reason.Progressing, 'Reconciliation in progress');
    };
    progressing(`Fetching manifests ${withTimeout}`);

    const work = await mkdtemp(join(opts.workDir ?? tmpdir(), 'fluxts-kustomize-'));
    try {
      let fetched;
      try {
        fetched = await fetchArtifact(source.artifact.url, source.artifact.digest, { parentDir: work });
      } catch (err) {
        throw new StepError(
          Reason.ArtifactFailed,
          `failed to fetch artifact of ${source.subject}: ${errorMessage(err)}`,
          {
            cause: err,
          },
        );
      }
      status.lastAttemptedRevision = revision;

      progressing(`Building manifests ${withTimeout}`);
      const dir = prepareKustomization(fetched.dir, ks);
      const vars = ks.spec.postBuild ? await readVariables(client, ks) : undefined;
      const built = await buildObjects({
        root: fetched.dir,
        dir,
        ks,
        allowRemote: !(opts.noRemoteBases ?? false),
        vars,
        strict: gate(ctx, 'StrictPostBuildSubstitutions', true),
        decrypt: deps.decrypt,
      });
      const objects = stampMetadata(built, ks);
      digest = manifestsDigest(objects);
      refuseEncrypted(objects);

      let target: KubeClient;
      try {
        target = await clientFor(client, {
          namespace: ks.metadata.namespace ?? '',
          ...(ks.spec.serviceAccountName ? { serviceAccountName: ks.spec.serviceAccountName } : {}),
          ...(opts.defaultServiceAccount ? { defaultServiceAccount: opts.defaultServiceAccount } : {}),
          ...(ks.spec.kubeConfig ? { kubeConfig: ks.spec.kubeConfig } : {}),
          remotePolicy: remoteKubeConfigPolicy(opts),
          workloadIdentity: {
            objectLevelWorkloadIdentity: gate(ctx, 'ObjectLevelWorkloadIdentity', false),
            ...(opts.defaultKubeConfigServiceAccount
              ? { defaultServiceAccount: opts.defaultKubeConfigServiceAccount }
              : {}),
          },
        });
      } catch (err) {
        throw new StepError(Reason.ReconciliationFailed, errorMessage(err), { cause: err });
      }

      progressing(`Detecting drift ${withTimeout}`);
      const observed = new Map<string, KubeObject>();
      const changeSet = await applyObjects(target, objects, ks, opts, observed);
      const changed = changeSetText(changeSet, new Set(['created', 'configured']));
      if (changed) {
        ctx.request.log.info({ revision }, 'server-side apply completed');
        ctx.manager.events.event(ks, {
          severity: 'info',
          reason: Reason.Progressing,
          message: changed,
          metadata: { revision },
        });
      }

      const pruned = await prune(target, ks, status.inventory, changeSet);
      status.inventory = pruned.inventory;
      if (pruned.deleted.length > 0) {
        ctx.manager.events.event(ks, {
          severity: 'info',
          reason: Reason.Progressing,
          message: changeSetText(pruned.deleted),
          metadata: { revision },
        });
      }
      if (pruned.error) throw pruned.error;

      const refs = healthCheckRefs(ks, changeSet);
      if (refs.length > 0) {
        progressing(`Running health checks ${withTimeout}`);
        const wasHealthy = conditions.isTrue(ks, ConditionType.Healthy);
        const lastApplied = status.lastAppliedRevision;
        conditions.markUnknown(ks, ConditionType.Healthy, Reason.Progressing, 'Running health checks');
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
        if (!wasHealthy || lastApplied !== revision) {
          ctx.manager.events.event(ks, { severity: 'info', reason: Reason.Succeeded, message, metadata: { revision } });
        }
      } else {
        conditions.remove(ks, ConditionType.Healthy);
      }

      status.lastAppliedRevision = revision;
      const origin = source.artifact.metadata?.['org.opencontainers.image.revision'];
      if (origin) status.lastAppliedOriginRevision = origin;
      else delete status.lastAppliedOriginRevision;
      conditions.markTrue(ks, ConditionType.Ready, Reason.ReconciliationSucceeded, `Applied revision: ${revision}`);
      record(Reason.ReconciliationSucceeded);
      const interval = parseDuration(ks.spec.interval);
      ctx.manager.events.event(ks, {
        severity: 'info',
        reason: Reason.ReconciliationSucceeded,
        message: `Reconciliation finished in ${formatDuration(Date.now() - started)}, next run in ${formatDuration(interval)}`,
        metadata: { revision, commit_status: 'update' },
      });
      return requeueAfter(interval);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  } catch (err) {
    const step =
      err instanceof StepError ? err : new StepError(Reason.ReconciliationFailed, errorMessage(err), { cause: err });
    record(step.reason);
    return fail(ks, ctx, step, revision);
  }
}
