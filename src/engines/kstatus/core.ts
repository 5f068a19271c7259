import { conditionsOf, findCondition, intField, stringField } from './fields.ts';
import { KstatusError } from './errors.ts';
import { current, failed, inProgress, type KubeObject, type Result } from './types.ts';
import { daemonSetStatus, deploymentStatus, replicaSetStatus, statefulSetStatus } from './workloads.ts';

/** The per-kind rules of kstatus for core and batch kinds, and the table that picks a rule (cli-utils core.go). */

/** SCHEDULE_WINDOW_MS is how long an unschedulable Pod counts as InProgress before it is Failed. */
export const SCHEDULE_WINDOW_MS = 15_000;

export interface RuleOptions {
  /** now is the clock for the Pod scheduling window; tests pin it. */
  now?: Date;
}

export type Rule = (obj: KubeObject, options: RuleOptions) => Result;

const alwaysReady: Rule = () => current('Resource is always ready');

const pvcStatus: Rule = (obj) => {
  const phase = stringField(obj, '.status.phase', 'unknown');
  if (phase !== 'Bound') return inProgress('NotBound', `PVC is not Bound. phase: ${phase}`);
  return current('PVC is Bound');
};

const serviceStatus: Rule = (obj) => {
  // kstatus only checks that a LoadBalancer Service got its cluster IP, not its ingress.
  const type = stringField(obj, '.spec.type', 'ClusterIP');
  if (type === 'LoadBalancer' && stringField(obj, '.spec.clusterIP', '') === '') {
    return inProgress('NoIPAssigned', 'ClusterIP not set. Service type: LoadBalancer');
  }
  return current('Service is ready');
};

const pdbStatus: Rule = () => current('AllowedDisruptions has been computed.');

function crashLoopingContainers(obj: KubeObject): string[] {
  const status = obj['status'] as Record<string, unknown> | undefined;
  const list = status?.['containerStatuses'];
  if (!Array.isArray(list)) return [];
  const names: string[] = [];
  for (const cs of list as unknown[]) {
    if (typeof cs !== 'object' || cs === null) continue;
    const entry = cs as Record<string, unknown>;
    const waiting = (entry['state'] as Record<string, unknown> | undefined)?.['waiting'] as
      Record<string, unknown> | undefined;
    if (typeof entry['name'] === 'string' && waiting?.['reason'] === 'CrashLoopBackOff') names.push(entry['name']);
  }
  return names;
}

function creationTime(obj: KubeObject): number {
  const ts = stringField(obj, '.metadata.creationTimestamp', '');
  const t = Date.parse(ts);
  return Number.isNaN(t) ? Number.NEGATIVE_INFINITY : t;
}

const podStatus: Rule = (obj, options) => {
  const conds = conditionsOf(obj);
  const phase = stringField(obj, '.status.phase', '');
  switch (phase) {
    case 'Succeeded':
      return current('Pod has completed successfully');
    case 'Failed':
      return current('Pod has completed, but not successfully');
    case 'Running': {
      if (findCondition(conds, 'Ready', 'True')) return current('Pod is Ready');
      const looping = crashLoopingContainers(obj);
      if (looping.length > 0) {
        return failed('ContainerCrashLooping', `Containers in CrashLoop state: ${looping.join(',')}`);
      }
      return inProgress('PodRunningNotReady', 'Pod is running but is not Ready');
    }
    case 'Pending': {
      const c = findCondition(conds, 'PodScheduled', 'False');
      if (c?.reason === 'Unschedulable') {
        const now = (options.now ?? new Date()).getTime();
        if (now - SCHEDULE_WINDOW_MS < creationTime(obj))
          return inProgress('PodNotScheduled', 'Pod has not been scheduled');
        return failed('PodUnschedulable', 'Pod could not be scheduled');
      }
      return inProgress('PodPending', 'Pod is in the Pending phase');
    }
    case '':
      return inProgress('PodNotObserved', 'Pod phase not available');
    default:
      throw new KstatusError(`unknown phase ${phase}`);
  }
};

/** upstreamJobStatus is cli-utils' Job rule (a started Job is Current); Flux replaces it with `fluxJobStatus`. */
export const upstreamJobStatus: Rule = (obj) => {
  const parallelism = intField(obj, '.spec.parallelism', 1);
  const completions = intField(obj, '.spec.completions', parallelism);
  const succeeded = intField(obj, '.status.succeeded', 0);
  const active = intField(obj, '.status.active', 0);
  const failedCount = intField(obj, '.status.failed', 0);
  const started = stringField(obj, '.status.startTime', '');
  for (const c of conditionsOf(obj)) {
    if (c.type === 'Complete' && c.status === 'True') {
      return current(`Job Completed. succeeded: ${succeeded}/${completions}`);
    }
    if (c.type === 'Failed' && c.status === 'True') {
      return failed('JobFailed', `Job Failed. failed: ${failedCount}/${completions}`);
    }
  }
  if (started === '') return inProgress('JobNotStarted', 'Job not started');
  return current(`Job in progress. success:${succeeded}, active: ${active}, failed: ${failedCount}`);
};

const crdStatus: Rule = (obj) => {
  for (const c of conditionsOf(obj)) {
    if (c.type === 'NamesAccepted' && c.status === 'False') return failed(c.reason, c.message);
    if (c.type === 'Established') {
      if (c.status === 'False' && c.reason !== 'Installing') return failed(c.reason, c.message);
      if (c.status === 'True') return current('CRD is established');
    }
  }
  return inProgress('Installing', 'Install in progress');
};

/** RULES maps `group/Kind` (or `Kind` for the core group) to its rule; other kinds use the generic rules only. */
export const RULES: ReadonlyMap<string, Rule> = new Map<string, Rule>([
  ['Service', serviceStatus],
  ['Pod', podStatus],
  ['Secret', alwaysReady],
  ['PersistentVolumeClaim', pvcStatus],
  ['apps/StatefulSet', statefulSetStatus],
  ['apps/DaemonSet', daemonSetStatus],
  ['extensions/DaemonSet', daemonSetStatus],
  ['apps/Deployment', deploymentStatus],
  ['extensions/Deployment', deploymentStatus],
  ['apps/ReplicaSet', replicaSetStatus],
  ['extensions/ReplicaSet', replicaSetStatus],
  ['policy/PodDisruptionBudget', pdbStatus],
  ['batch/CronJob', alwaysReady],
  ['ConfigMap', alwaysReady],
  ['batch/Job', upstreamJobStatus],
  ['apiextensions.k8s.io/CustomResourceDefinition', crdStatus],
]);
