import { conditionsOf, nestedInt64, nestedString } from './fields.ts';
import { current, inProgress, type KubeObject, type Result } from './types.ts';

const kindOf = (obj: KubeObject): string => (typeof obj['kind'] === 'string' ? obj['kind'] : '');

/**
 * checkGenericProperties is kstatus' first pass for every object (cli-utils generic.go): a deletion timestamp means
 * Terminating, an unobserved generation InProgress, `Reconciling=True` InProgress and `Stalled=True` Failed.
 * Undefined when none applies.
 */
export function checkGenericProperties(obj: KubeObject): Result | undefined {
  const deletion = nestedString(obj, 'metadata.deletionTimestamp');
  if (deletion !== undefined && deletion !== '') {
    return { status: 'Terminating', message: 'Resource scheduled for deletion', conditions: [] };
  }
  const gen = checkGeneration(obj);
  if (gen) return gen;
  for (const c of conditionsOf(obj)) {
    if (c.type === 'Reconciling' && c.status === 'True') return inProgress(c.reason, c.message);
    if (c.type === 'Stalled' && c.status === 'True') {
      return {
        status: 'Failed',
        message: c.message,
        conditions: [{ type: 'Stalled', status: 'True', reason: c.reason, message: c.message }],
      };
    }
  }
  return undefined;
}

/** checkGeneration: InProgress when `status.observedGeneration` is set and differs from `metadata.generation`. */
export function checkGeneration(obj: KubeObject): Result | undefined {
  const generation = nestedInt64(obj, 'metadata.generation');
  if (generation === undefined) return undefined;
  const observed = nestedInt64(obj, 'status.observedGeneration');
  if (observed !== undefined && observed !== generation) {
    return inProgress(
      'LatestGenerationNotObserved',
      `${kindOf(obj)} generation is ${generation}, but latest observed generation is ${observed}`,
    );
  }
  return undefined;
}

/** checkReadyCondition is the fallback for unknown kinds: `Ready=True` Current, `Ready=False|Unknown` InProgress. */
export function checkReadyCondition(obj: KubeObject): Result | undefined {
  for (const c of conditionsOf(obj)) {
    if (c.type !== 'Ready') continue;
    if (c.status === 'True') return { status: 'Current', message: 'Resource is Ready', conditions: [] };
    if (c.status === 'False' || c.status === 'Unknown') return inProgress(c.reason, c.message);
  }
  return undefined;
}

/** checkGenerationSet is the DaemonSet precondition: both generation fields must exist. */
export function checkGenerationSet(obj: KubeObject): Result | undefined {
  if (nestedInt64(obj, 'metadata.generation') === undefined) {
    return inProgress('NoGeneration', `${kindOf(obj)} metadata.generation not found`);
  }
  if (nestedInt64(obj, 'status.observedGeneration') === undefined) {
    return inProgress('NoObservedGeneration', `${kindOf(obj)} status.observedGeneration not found`);
  }
  return undefined;
}

export const RESOURCE_IS_CURRENT = (): Result => current('Resource is current');
