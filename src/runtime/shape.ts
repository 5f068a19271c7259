import type { TypeRef } from '../kube/client/index.ts';
import { errorMessage } from '../util/errors.ts';
import { handleRequestedAt, isSuspended } from './annotations.ts';
import { ConditionType, Reason } from './condition-types.ts';
import { get, isStalled, markFalse, markReconciling, markStalled, remove } from './conditions.ts';
import type { Reconciler } from './controller.ts';
import { formatDuration, parseDuration } from './duration.ts';
import { addFinalizer, hasFinalizer, isDeleting, removeFinalizer } from './finalizers.ts';
import type { FluxObject } from './flux-object.ts';
import type { Informer } from './informer.ts';
import type { Manager } from './manager.ts';
import type { ObjectRef } from './metrics.ts';
import { done, isSuccess, requeueAfter, retry, type Result } from './result.ts';
import { StatusPatcher } from './status-patcher.ts';
import { asStepError, newStepRun, recordFailure, type StepContext } from './steps.ts';

/** ObjectReconcilerSpec plugs a kind's pipeline into the shared reconcile shape. */
export interface ObjectReconcilerSpec<T extends FluxObject> {
  manager: Manager;
  type: TypeRef;
  informer: Informer<T>;
  /** fieldManager for status and finalizer patches; defaults to the manager name (e.g. `source-controller`). */
  fieldManager?: string;
  /**
   * reconcile runs the straight pipeline on a live, non-suspended object that carries the finalizer. A thrown
   * StepError (or any error, as ReconciliationFailed) is recorded by recordFailure (steps.ts).
   */
  reconcile(obj: T, ctx: StepContext): Promise<Result>;
  /** finalize releases what the object owns before its finalizer is removed. */
  finalize?(obj: T, ctx: StepContext): Promise<Result>;
  /** retryAfter is the delay before retrying a failed step (a Kustomization's retryInterval); default: backoff. */
  retryAfter?(obj: T): number;
  /** workDir is the parent of the per-reconcile work directories (`ctx.workDir()`); the OS temp dir by default. */
  workDir?: string;
}

/**
 * objectReconciler builds a Reconciler with the one shape (ARCHITECTURE.md rule 2): load from the cache →
 * deletion and finalizer → add the finalizer → suspend → snapshot for the status patcher → the kind's pipeline,
 * and always afterwards: echo `requestedAt`, advance observedGeneration on Ready or Stalled, patch status, record
 * metrics. A successful `{requeueAfter}` is jittered by `--interval-jitter-percentage`.
 */
export function objectReconciler<T extends FluxObject>(spec: ObjectReconcilerSpec<T>): Reconciler {
  const { manager } = spec;
  const fieldManager = spec.fieldManager ?? manager.name;
  // The resourceVersions each object had before this controller's own writes in its last reconcile. An event that
  // arrived mid-reconcile (a progress patch's, say) runs the next reconcile at once, often before the watch has
  // delivered the final status patch: that reconcile would read the old status (the previous artifact, a stale
  // Ready) and redo the work, storing the artifact again and announcing it twice. It waits for the cache instead.
  const superseded = new Map<string, ReadonlySet<string>>();
  return async (request) => {
    const cached = spec.informer.get(request.key);
    if (!cached) {
      superseded.delete(request.key);
      return done();
    }
    const startVersion = cached.metadata.resourceVersion ?? '';
    if (superseded.get(request.key)?.has(startVersion)) return requeueAfter(STALE_CACHE_RETRY_MS);
    const obj = structuredClone(cached);
    obj.apiVersion ??= spec.type.apiVersion;
    obj.kind ??= spec.type.kind;
    const ref: ObjectRef = { kind: spec.type.kind, name: request.name, namespace: request.namespace ?? '' };
    const patcher = new StatusPatcher<FluxObject>(manager.client, obj, fieldManager);
    const ctx = newStepRun({
      request,
      manager,
      obj,
      patcher,
      workDirPrefix: `fluxts-${spec.type.kind.toLowerCase()}-`,
      ...(spec.workDir ? { workDirParent: spec.workDir } : {}),
    });
    const start = Date.now();

    if (isDeleting(obj)) {
      if (!hasFinalizer(obj)) return done();
      const result = spec.finalize ? await guard(() => spec.finalize!(obj, ctx)).finally(() => ctx.close()) : done();
      if (!isSuccess(result)) return result;
      const removed = await guard(async () => (await removeFinalizer(manager.client, obj, fieldManager), done()));
      manager.metrics.recordReadiness(ref, obj, true);
      manager.metrics.recordDuration(ref, start);
      return removed;
    }
    if (!hasFinalizer(obj)) {
      // The finalizer goes on before any work so a delete can never race an untracked side effect. Flux requeues
      // here; we carry on with the patched object instead, which avoids reading a cache that lags the patch.
      try {
        await addFinalizer(manager.client, obj, fieldManager);
      } catch (err) {
        return retry(err instanceof Error ? err : new Error(String(err)));
      }
    }
    if (isSuspended(obj)) {
      manager.metrics.recordSuspend(ref, true);
      request.log.info('Reconciliation is suspended for this object');
      return done();
    }
    manager.metrics.recordSuspend(ref, false);

    let result: Result;
    try {
      result = await spec.reconcile(obj, ctx);
    } catch (err) {
      const failure = asStepError(err, Reason.ReconciliationFailed);
      const retryMs = failure.terminal ? undefined : spec.retryAfter?.(obj);
      if (retryMs !== undefined) request.log.info(`Reconciliation failed, next try in ${formatDuration(retryMs)}`);
      result = recordFailure(obj, ctx, failure, retryMs === undefined ? {} : { retryAfterMs: manager.jitter(retryMs) });
    } finally {
      await ctx.close();
    }
    summarize(obj, result);
    try {
      await patcher.patch(obj);
    } catch (err) {
      // A status the apiserver refused leaves the object showing an older state: say so, and retry even when
      // the pipeline succeeded.
      request.log.error({ error: errorMessage(err) }, 'status patch failed');
      if (isSuccess(result)) result = retry(err instanceof Error ? err : new Error(String(err)));
    }
    rememberSuperseded(superseded, request.key, startVersion, obj, patcher);
    manager.metrics.recordDuration(ref, start);
    manager.metrics.recordReadiness(ref, obj);
    manager.metrics.recordCondition(ref, obj, ConditionType.Reconciling);
    manager.metrics.recordCondition(ref, obj, ConditionType.Stalled);
    if (isSuccess(result) && result.requeueAfter > 0) return requeueAfter(manager.jitter(result.requeueAfter));
    return result;
  };
}

/**
 * STALE_CACHE_RETRY_MS is when a reconcile that found the cache behind its own last write looks again; the watch
 * event of that write normally runs it sooner.
 */
const STALE_CACHE_RETRY_MS = 1_000;

/** rememberSuperseded records the versions the reconcile's writes replaced (the finalizer patch, status patches). */
function rememberSuperseded(
  superseded: Map<string, ReadonlySet<string>>,
  key: string,
  startVersion: string,
  obj: FluxObject,
  patcher: StatusPatcher<FluxObject>,
): void {
  const replaced = new Set(patcher.superseded);
  const finalVersion = obj.metadata.resourceVersion ?? '';
  if (startVersion && finalVersion !== startVersion) replaced.add(startVersion);
  replaced.delete(finalVersion);
  if (replaced.size > 0) superseded.set(key, replaced);
  else superseded.delete(key);
}

/** intervalOf reads `spec.interval` in milliseconds (0 when absent). */
export function intervalOf(obj: FluxObject): number {
  const interval = obj.spec?.interval;
  return interval ? parseDuration(interval) : 0;
}

/**
 * summarize applies the status rules that do not depend on the kind: the requestedAt token is marked handled;
 * success clears Reconciling and Stalled; a stalled result is marked Stalled; a failure with no Ready=False from
 * the pipeline gets a generic one and Reconciling turns ProgressingWithRetry; observedGeneration moves only on success or stall (kstatus contract).
 */
export function summarize(obj: FluxObject, result: Result): void {
  handleRequestedAt(obj);
  const message = result.error ? errorMessage(result.error) : '';
  if (result.error && get(obj, ConditionType.Ready)?.status !== 'False') {
    markFalse(obj, ConditionType.Ready, Reason.ReconciliationFailed, message);
  }
  if (result.error && result.stalled && !isStalled(obj)) {
    markStalled(obj, get(obj, ConditionType.Ready)?.reason ?? Reason.Failed, message);
  }
  if (result.error && !result.stalled) {
    // Like helm-controller: the object keeps Reconciling while it waits for the retry, with Ready's message.
    markReconciling(obj, Reason.ProgressingWithRetry, get(obj, ConditionType.Ready)?.message ?? message);
  }
  if (isSuccess(result)) {
    remove(obj, ConditionType.Reconciling);
    remove(obj, ConditionType.Stalled);
  }
  if (isSuccess(result) || result.stalled) {
    (obj.status ??= {}).observedGeneration = obj.metadata.generation ?? 0;
  }
}

async function guard(step: () => Promise<Result>): Promise<Result> {
  try {
    return await step();
  } catch (err) {
    return retry(err instanceof Error ? err : new Error(String(err)));
  }
}
