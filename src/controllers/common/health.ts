// Health checks as consumers run them after an apply (Kustomization spec.wait/healthChecks, HelmRelease wait):
// kstatus, or the CEL healthCheckExprs for their kinds, until every object is Current (flux-api.md §4.3, §4.7).
import { Reason } from '../../api/index.ts';
import {
  compileHealthChecks,
  readStatus,
  type CustomStatus,
  type HealthCheckExpr,
} from '../../engines/kstatus/index.ts';
import { type KubeClient, type KubeObject, type ObjectRef, WaitError, waitForSet } from '../../kube/index.ts';
import { StepError } from '../../runtime/index.ts';
import { errorMessage } from '../../util/errors.ts';
import { compileOrTerminal } from './config-error.ts';

/** compileCustomHealth compiles healthCheckExprs; an invalid expression is a terminal configuration error. */
export function compileCustomHealth(exprs: readonly HealthCheckExpr[] | undefined): CustomStatus | undefined {
  if (!exprs?.length) return undefined;
  return compileOrTerminal(() => compileHealthChecks(exprs), Reason.InvalidCELExpression);
}

/** HealthCheckOptions bound and tune one wait. */
export interface HealthCheckOptions {
  timeoutMs: number;
  intervalMs: number;
  custom: CustomStatus | undefined;
  failFast: boolean;
  signal: AbortSignal;
  /** initial: objects as the apply left them moments ago, judged without a read on the first poll. */
  initial?: ReadonlyMap<string, KubeObject>;
}

/** checkHealth waits up to the timeout; failure is HealthCheckFailed with a message naming every unready object. */
export async function checkHealth(
  client: KubeClient,
  refs: readonly ObjectRef[],
  opts: HealthCheckOptions,
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
