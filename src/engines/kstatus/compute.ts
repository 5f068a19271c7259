import { RULES, type RuleOptions } from './core.ts';
import { errorMessage } from '../../util/errors.ts';
import { checkGenericProperties, checkReadyCondition, RESOURCE_IS_CURRENT } from './generic.ts';
import { fluxJobStatus } from './job.ts';
import { type KubeObject, refOf, type ResourceStatus, type Result } from './types.ts';

/**
 * computeStatus is kstatus' `status.Compute` for one object: the generic checks (deletion, observed generation,
 * Reconciling/Stalled conditions), then the rule for its kind, then the `Ready` condition, else Current. Throws a
 * KstatusError when status fields are malformed.
 *
 * @example computeStatus(deployment).status // 'InProgress' while replicas roll out
 */
export function computeStatus(obj: KubeObject, options: RuleOptions = {}): Result {
  const generic = checkGenericProperties(obj);
  if (generic) return generic;
  const { group, kind } = refOf(obj);
  const rule = RULES.get(group === '' ? kind : `${group}/${kind}`);
  if (rule) return rule(obj, options);
  return checkReadyCondition(obj) ?? RESOURCE_IS_CURRENT();
}

/** CustomStatus evaluates `healthCheckExprs` for the kinds it supports (see `compileHealthChecks`). */
export interface CustomStatus {
  supports(group: string, kind: string): boolean;
  evaluate(obj: KubeObject): Result;
}

export interface ReadOptions extends RuleOptions {
  /** custom holds the Kustomization's compiled healthCheckExprs. */
  custom?: CustomStatus;
  /** pods are the Pods selected by a StatefulSet or ReplicaSet: failed ones fail their controller. */
  pods?: readonly KubeObject[];
}

/**
 * readStatus is the status a Flux health check sees for one live object (kustomize-controller's poller): Flux's
 * Job rule for batch Jobs first, then the healthCheckExprs for their kinds, then kstatus, with failed Pods failing
 * an InProgress StatefulSet or ReplicaSet. A rule error yields Unknown with the error, as cli-utils reports it.
 */
export function readStatus(obj: KubeObject, options: ReadOptions = {}): ResourceStatus {
  const ref = refOf(obj);
  try {
    let result: Result;
    if (ref.group === 'batch' && ref.kind === 'Job') result = fluxJobStatus(obj);
    else if (options.custom?.supports(ref.group, ref.kind)) result = options.custom.evaluate(obj);
    else {
      result = computeStatus(obj, options);
      if (isPodController(ref.group, ref.kind) && result.status === 'InProgress' && options.pods) {
        const failedPods = options.pods.filter((p) => podFailedForGood(p, options));
        if (failedPods.length > 0) return { ref, status: 'Failed', message: `${failedPods.length} pods have failed` };
      }
    }
    return { ref, status: result.status, message: result.message };
  } catch (err) {
    return { ref, status: 'Unknown', message: '', error: errorMessage(err) };
  }
}

const isPodController = (group: string, kind: string): boolean =>
  group === 'apps' && (kind === 'StatefulSet' || kind === 'ReplicaSet');

/** podFailedForGood: a Failed Pod that is neither being deleted nor merely unschedulable (cli-utils transient rule). */
function podFailedForGood(pod: KubeObject, options: RuleOptions): boolean {
  let status;
  try {
    status = computeStatus(pod, options).status;
  } catch {
    return false;
  }
  if (status !== 'Failed') return false;
  const meta = pod['metadata'] as Record<string, unknown> | undefined;
  if (meta?.['deletionTimestamp']) return false;
  const conds = (pod['status'] as Record<string, unknown> | undefined)?.['conditions'];
  const unschedulable =
    Array.isArray(conds) &&
    conds.some((c: unknown) => {
      const cond = c as Record<string, unknown> | null;
      return cond?.['type'] === 'PodScheduled' && cond['status'] === 'False' && cond['reason'] === 'Unschedulable';
    });
  return !unschedulable;
}

/** notFoundStatus is the status of an object the cluster does not have. */
export function notFoundStatus(ref: ResourceStatus['ref']): ResourceStatus {
  return { ref, status: 'NotFound', message: 'Resource not found' };
}
