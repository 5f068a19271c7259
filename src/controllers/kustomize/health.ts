// Step "health checks": wait (spec.wait: every applied object; else spec.healthChecks) until kstatus, or the
// healthCheckExprs for their kinds, say Current (flux-api.md §4.3 step 12, §4.7).
import { Reason, type Kustomization } from '../../api/index.ts';
import { compileHealthChecks, readStatus, type CustomStatus } from '../../engines/kstatus/index.ts';
import type { KubeClient, KubeObject } from '../../kube/index.ts';
import { type ChangeSet, type ObjectRef, WaitError, waitForSet } from '../../kube/ssa/index.ts';
import { errorMessage } from '../../util/errors.ts';
import { StepError } from './errors.ts';

/** compileCustomHealth compiles healthCheckExprs; an invalid expression is a terminal configuration error. */
export function compileCustomHealth(ks: Kustomization): CustomStatus | undefined {
  const exprs = ks.spec.healthCheckExprs;
  if (!exprs?.length) return undefined;
  try {
    return compileHealthChecks(exprs);
  } catch (err) {
    throw new StepError(
      Reason.InvalidCELExpression,
      `Reconciliation failed terminally due to configuration error: ${errorMessage(err)}`,
      { cause: err, terminal: true },
    );
  }
}

/** healthCheckRefs lists what to check: the applied objects (wait) or the listed ones, never the Kustomization. */
export function healthCheckRefs(ks: Kustomization, changeSet: ChangeSet): ObjectRef[] {
  const self = (r: ObjectRef): boolean =>
    r.group === 'kustomize.toolkit.fluxcd.io' &&
    r.kind === 'Kustomization' &&
    r.name === ks.metadata.name &&
    r.namespace === (ks.metadata.namespace ?? '');
  let refs: ObjectRef[];
  if (ks.spec.wait) {
    refs = changeSet.filter((e) => e.action !== 'skipped');
  } else {
    refs = (ks.spec.healthChecks ?? []).map((h) => {
      const slash = h.apiVersion?.lastIndexOf('/') ?? -1;
      return {
        group: slash < 0 ? '' : h.apiVersion!.slice(0, slash),
        version: slash < 0 ? (h.apiVersion ?? '') : h.apiVersion!.slice(slash + 1),
        kind: h.kind,
        namespace: h.namespace ?? '',
        name: h.name,
      };
    });
  }
  return refs.filter((r) => !self(r));
}

/** checkHealth waits up to the timeout; failure is HealthCheckFailed with a message naming every unready object. */
export async function checkHealth(
  client: KubeClient,
  refs: readonly ObjectRef[],
  opts: {
    timeoutMs: number;
    intervalMs: number;
    custom: CustomStatus | undefined;
    failFast: boolean;
    signal: AbortSignal;
    /** initial: objects as the apply left them moments ago, judged without a read on the first poll. */
    initial?: ReadonlyMap<string, KubeObject>;
  },
): Promise<void> {
  const custom = opts.custom;
  const status = (obj: Parameters<typeof readStatus>[0]) => readStatus(obj, custom ? { custom } : {});
  try {
    // waitForSet polls at once, then soon, backing off to the interval: most objects settle within a second of
    // being applied (observedGeneration catching up), and those don't wait a whole interval.
    await waitForSet(client, refs, {
      interval: opts.intervalMs,
      timeout: opts.timeoutMs,
      failFast: opts.failFast,
      signal: opts.signal,
      status,
      ...(opts.initial ? { initial: opts.initial } : {}),
    });
  } catch (err) {
    const detail = err instanceof WaitError ? err.message : `health check failed: ${errorMessage(err)}`;
    throw new StepError(Reason.HealthCheckFailed, detail, { cause: err });
  }
}
