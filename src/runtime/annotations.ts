import type { KubeObject } from '../kube/client/index.ts';

/** requestedAtAnnotation asks for an immediate reconcile; any new value triggers one (fluxcd/pkg apis/meta). */
export const requestedAtAnnotation = 'reconcile.fluxcd.io/requestedAt';

/** RequestedAtStatus is the status field that echoes the last handled requestedAt token. */
export interface RequestedAtStatus {
  lastHandledReconcileAt?: string;
}

/** requestedAt returns the object's reconcile-request token, if any. */
export function requestedAt(obj: KubeObject): string | undefined {
  return obj.metadata.annotations?.[requestedAtAnnotation];
}

/**
 * handleRequestedAt copies a pending requestedAt token into `status.lastHandledReconcileAt` and returns whether it
 * was new. Call it once per reconcile: the status patch then tells `flux reconcile` its request was served.
 */
export function handleRequestedAt(obj: KubeObject & { status?: RequestedAtStatus }): boolean {
  const token = requestedAt(obj);
  if (token === undefined) return false;
  const status = (obj.status ??= {});
  if (status.lastHandledReconcileAt === token) return false;
  status.lastHandledReconcileAt = token;
  return true;
}

/** isSuspended reports `spec.suspend: true`. */
export function isSuspended(obj: KubeObject): boolean {
  const spec = obj.spec;
  return typeof spec === 'object' && spec !== null && (spec as { suspend?: unknown }).suspend === true;
}
