import { conditionsOf, intField, stringField } from './fields.ts';
import { current, type KubeObject, type Result } from './types.ts';

/**
 * fluxJobStatus is Flux's Job rule (fluxcd/pkg runtime/statusreaders job.go), which kustomize-controller uses
 * instead of kstatus' own: a Job is Current only once `Complete=True` (or while suspended), Failed on
 * `Failed=True`, and InProgress while it runs. It replaces the generic checks too: a Job's status is this alone.
 */
export function fluxJobStatus(obj: KubeObject): Result {
  const spec = obj['spec'];
  if (typeof spec === 'object' && spec !== null && (spec as Record<string, unknown>)['suspend'] === true) {
    return current('Job is suspended');
  }
  const parallelism = intField(obj, '.spec.parallelism', 1);
  const completions = intField(obj, '.spec.completions', parallelism);
  const active = intField(obj, '.status.active', 0);
  const succeeded = intField(obj, '.status.succeeded', 0);
  const failedCount = intField(obj, '.status.failed', 0);
  const started = stringField(obj, '.status.startTime', '');
  for (const c of conditionsOf(obj)) {
    if (c.type === 'Complete' && c.status === 'True') {
      return current(`Job Completed. succeeded: ${succeeded}/${completions}`);
    }
    if (c.type === 'Failed' && c.status === 'True') {
      const message = `Job Failed. failed: ${failedCount}/${completions}`;
      return {
        status: 'Failed',
        message,
        conditions: [{ type: 'Stalled', status: 'True', reason: 'JobFailed', message }],
      };
    }
  }
  const reconciling = (reason: string, message: string): Result => ({
    status: 'InProgress',
    message,
    conditions: [{ type: 'Reconciling', status: 'True', reason, message }],
  });
  if (started === '') return reconciling('JobNotStarted', `Job not started. active: 0/${parallelism}`);
  return reconciling(
    'JobInProgress',
    `Job in progress. success:${succeeded}, active: ${active}, failed: ${failedCount}`,
  );
}
