import { conditionsOf, intField, stringField } from './fields.ts';
import { checkGenerationSet } from './generic.ts';
import { current, inProgress, type KubeObject, type Result } from './types.ts';

/** The replica-controller rules of kstatus (cli-utils core.go): Deployment, StatefulSet, ReplicaSet, DaemonSet. */

const MAX_INT32 = 2147483647;

export function deploymentStatus(obj: KubeObject): Result {
  // A Deployment without a progress deadline never reports NewReplicaSetAvailable, so it counts as progressing.
  let progressing = intField(obj, '.spec.progressDeadlineSeconds', MAX_INT32) === MAX_INT32;
  let available = false;
  for (const c of conditionsOf(obj)) {
    if (c.type === 'Progressing') {
      if (c.reason === 'ProgressDeadlineExceeded') {
        return {
          status: 'Failed',
          message: 'Progress deadline exceeded',
          conditions: [{ type: 'Stalled', status: 'True', reason: c.reason, message: c.message }],
        };
      }
      if (c.status === 'True' && c.reason === 'NewReplicaSetAvailable') progressing = true;
    } else if (c.type === 'Available' && c.status === 'True') {
      available = true;
    }
  }
  const spec = intField(obj, '.spec.replicas', 1);
  const replicas = intField(obj, '.status.replicas', 0);
  const updated = intField(obj, '.status.updatedReplicas', 0);
  const ready = intField(obj, '.status.readyReplicas', 0);
  const avail = intField(obj, '.status.availableReplicas', 0);
  if (spec > replicas) return inProgress('LessReplicas', `Replicas: ${replicas}/${spec}`);
  if (spec > updated) return inProgress('LessUpdated', `Updated: ${updated}/${spec}`);
  if (replicas > spec) return inProgress('ExtraPods', `Pending termination: ${replicas - spec}`);
  if (updated > avail) return inProgress('LessAvailable', `Available: ${avail}/${updated}`);
  if (spec > ready) return inProgress('LessReady', `Ready: ${ready}/${spec}`);
  if (!progressing) return inProgress('ReplicaSetNotAvailable', 'ReplicaSet not Available');
  if (!available) return inProgress('DeploymentNotAvailable', 'Deployment not Available');
  return current(`Deployment is available. Replicas: ${replicas}`);
}

export function statefulSetStatus(obj: KubeObject): Result {
  if (stringField(obj, '.spec.updateStrategy.type', '') === 'OnDelete') {
    return current('StatefulSet is using the ondelete update strategy');
  }
  const spec = intField(obj, '.spec.replicas', 1);
  const ready = intField(obj, '.status.readyReplicas', 0);
  const currentReplicas = intField(obj, '.status.currentReplicas', 0);
  const updated = intField(obj, '.status.updatedReplicas', 0);
  const replicas = intField(obj, '.status.replicas', 0);
  const partition = intField(obj, '.spec.updateStrategy.rollingUpdate.partition', -1);
  if (spec > replicas) return inProgress('LessReplicas', `Replicas: ${replicas}/${spec}`);
  if (spec > ready) return inProgress('LessReady', `Ready: ${ready}/${spec}`);
  if (replicas > spec) return inProgress('ExtraPods', `Pending termination: ${replicas - spec}`);
  if (partition !== -1) {
    if (updated < spec - partition) return inProgress('PartitionRollout', `updated: ${updated}/${spec - partition}`);
    return current(`Partition rollout complete. updated: ${updated}`);
  }
  if (spec > currentReplicas) return inProgress('LessCurrent', `current: ${currentReplicas}/${spec}`);
  if (stringField(obj, '.status.currentRevision', '') !== stringField(obj, '.status.updateRevision', '')) {
    return inProgress('RevisionMismatch', 'Waiting for updated revision to match current');
  }
  return current(`All replicas scheduled as expected. Replicas: ${replicas}`);
}

export function replicaSetStatus(obj: KubeObject): Result {
  for (const c of conditionsOf(obj)) {
    if (c.type === 'ReplicaFailure' && c.status === 'True') {
      return inProgress('ReplicaFailure', 'Replica Failure condition. Check Pods');
    }
  }
  const spec = intField(obj, '.spec.replicas', 1);
  const replicas = intField(obj, '.status.replicas', 0);
  const ready = intField(obj, '.status.readyReplicas', 0);
  const avail = intField(obj, '.status.availableReplicas', 0);
  const labelled = intField(obj, '.status.fullyLabeledReplicas', 0);
  if (spec > labelled) return inProgress('LessLabelled', `Labelled: ${labelled}/${spec}`);
  if (spec > avail) return inProgress('LessAvailable', `Available: ${avail}/${spec}`);
  if (spec > ready) return inProgress('LessReady', `Ready: ${ready}/${spec}`);
  if (replicas > spec) return inProgress('ExtraPods', `Pending termination: ${replicas - spec}`);
  return current(`ReplicaSet is available. Replicas: ${replicas}`);
}

export function daemonSetStatus(obj: KubeObject): Result {
  const pre = checkGenerationSet(obj);
  if (pre) return pre;
  const desired = intField(obj, '.status.desiredNumberScheduled', -1);
  const scheduled = intField(obj, '.status.currentNumberScheduled', 0);
  const updated = intField(obj, '.status.updatedNumberScheduled', 0);
  const avail = intField(obj, '.status.numberAvailable', 0);
  const ready = intField(obj, '.status.numberReady', 0);
  if (desired === -1) return inProgress('NoDesiredNumber', 'Missing .status.desiredNumberScheduled');
  if (desired > scheduled) return inProgress('LessCurrent', `Current: ${scheduled}/${desired}`);
  if (desired > updated) return inProgress('LessUpdated', `Updated: ${updated}/${desired}`);
  if (desired > avail) return inProgress('LessAvailable', `Available: ${avail}/${desired}`);
  if (desired > ready) return inProgress('LessReady', `Ready: ${ready}/${desired}`);
  return current(`All replicas scheduled as expected. Replicas: ${desired}`);
}
