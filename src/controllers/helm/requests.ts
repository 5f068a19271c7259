// The one-off requests a HelmRelease takes through annotations (helm-controller api/v2 annotations.go):
// `reconcile.fluxcd.io/forceAt` forces a release action and `reconcile.fluxcd.io/resetAt` resets the failure
// counters. Both are tokens honoured only together with an equal, not yet handled `reconcile.fluxcd.io/requestedAt`
// (what `flux reconcile hr --force|--reset` writes), and only once: the token is recorded in
// status.lastHandledForceAt / lastHandledResetAt even when it is not honoured.
import type { HelmRelease } from '../../api/index.ts';
import { requestedAtAnnotation } from '../../runtime/index.ts';

export const forceRequestAnnotation = 'reconcile.fluxcd.io/forceAt';
export const resetRequestAnnotation = 'reconcile.fluxcd.io/resetAt';

type HandledField = 'lastHandledForceAt' | 'lastHandledResetAt';

/**
 * handleRequest records the request token and says whether to act on it. It must run before the reconcile marks
 * the requestedAt token handled (the runtime does so when the reconcile ends).
 */
function handleRequest(hr: HelmRelease, annotation: string, field: HandledField): boolean {
  const annotations = hr.metadata.annotations ?? {};
  const token = annotations[annotation];
  if (token === undefined) return false;
  const status = (hr.status ??= {});
  const lastHandled = status[field];
  status[field] = token;
  const reconcileAt = annotations[requestedAtAnnotation];
  return reconcileAt === token && status.lastHandledReconcileAt !== reconcileAt && lastHandled !== token;
}

/** shouldHandleForceRequest: a forceAt token to honour now (one forced install or upgrade). */
export function shouldHandleForceRequest(hr: HelmRelease): boolean {
  return handleRequest(hr, forceRequestAnnotation, 'lastHandledForceAt');
}

/** shouldHandleResetRequest: a resetAt token to honour now (failure counters back to zero). */
export function shouldHandleResetRequest(hr: HelmRelease): boolean {
  return handleRequest(hr, resetRequestAnnotation, 'lastHandledResetAt');
}

/** Attempt is what the reconcile is about to release: the chart version and the values' digest. */
export interface Attempt {
  chartVersion: string;
  configDigest: string;
}

/**
 * failureResetReason says why the failure counters start again (helm-controller MustResetFailures): a new
 * generation, chart version or values than the last attempt, or a reset request; undefined when none applies.
 * The reset request is always read first, so its token is recorded even when another reason wins.
 */
export function failureResetReason(hr: HelmRelease, attempt: Attempt): string | undefined {
  const resetRequested = shouldHandleResetRequest(hr);
  const status = hr.status ?? {};
  if ((status.lastAttemptedGeneration ?? 0) !== (hr.metadata.generation ?? 0))
    return 'generation differs from last attempt';
  if ((status.lastAttemptedRevision ?? '') !== attempt.chartVersion) return 'chart version differs from last attempt';
  if (status.lastAttemptedConfigDigest && status.lastAttemptedConfigDigest !== attempt.configDigest) {
    return 'values differ from last attempt';
  }
  if (resetRequested) return 'reset requested through annotation';
  return undefined;
}

/** clearFailures sets the failure counters back to zero (HelmReleaseStatus.ClearFailures). */
export function clearFailures(hr: HelmRelease): void {
  const status = (hr.status ??= {});
  delete status.failures;
  delete status.installFailures;
  delete status.upgradeFailures;
}
