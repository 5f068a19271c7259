/**
 * Pure rules of the pod simulator: what status a kubelet would report for a pod bound to the fake node. Tests pick
 * an outcome per pod with the annotation below; pods of Jobs run to completion by default.
 */

/** SIMULATE_ANNOTATION chooses the simulated outcome of a pod: see PodOutcome. */
export const SIMULATE_ANNOTATION = 'devcluster.fluxts.dev/simulate';

/**
 * PodOutcome is how a simulated pod ends up:
 * - `ready`: Running, every container ready (the default for long-running pods);
 * - `not-ready`: Running but its readiness probe fails;
 * - `crash`: the container keeps crashing (CrashLoopBackOff), never ready;
 * - `complete`: Succeeded with exit code 0 (the default for pods owned by a Job);
 * - `fail`: Failed with exit code 1.
 */
export type PodOutcome = 'ready' | 'not-ready' | 'crash' | 'complete' | 'fail';

const OUTCOMES: readonly PodOutcome[] = ['ready', 'not-ready', 'crash', 'complete', 'fail'];

/** The subset of a Pod the simulator reads. */
export interface SimPod {
  metadata: {
    name: string;
    namespace: string;
    uid?: string;
    annotations?: Record<string, string>;
    ownerReferences?: { kind: string }[];
    deletionTimestamp?: string;
  };
  spec: {
    nodeName?: string;
    restartPolicy?: string;
    containers: { name: string; image?: string }[];
    initContainers?: { name: string; image?: string }[];
  };
  status?: { phase?: string; podIP?: string };
}

/** podOutcome reads the pod's requested outcome; an unknown annotation value falls back to the default. */
export function podOutcome(pod: SimPod): PodOutcome {
  const requested = pod.metadata.annotations?.[SIMULATE_ANNOTATION];
  if (requested && (OUTCOMES as readonly string[]).includes(requested)) return requested as PodOutcome;
  const ownedByJob = pod.metadata.ownerReferences?.some((ref) => ref.kind === 'Job') ?? false;
  return ownedByJob || pod.spec.restartPolicy === 'Never' ? 'complete' : 'ready';
}

type Condition = { type: string; status: 'True' | 'False'; lastTransitionTime: string; reason?: string };

/**
 * simulatedStatus returns the status a kubelet would report for the pod's outcome; ip is the pod IP to assign.
 * The result is a full status, to be sent as a merge patch of the status subresource.
 */
export function simulatedStatus(
  pod: SimPod,
  outcome: PodOutcome,
  hostIP: string,
  podIP: string,
  now: string,
): Record<string, unknown> {
  const running = outcome === 'ready' || outcome === 'not-ready' || outcome === 'crash';
  const succeeded = outcome === 'complete';
  const ready = outcome === 'ready';
  const phase = running ? 'Running' : succeeded ? 'Succeeded' : 'Failed';
  const condition = (type: string, ok: boolean, reason?: string): Condition => ({
    type,
    status: ok ? 'True' : 'False',
    lastTransitionTime: now,
    ...(reason ? { reason } : {}),
  });
  const notReadyReason = running ? 'ContainersNotReady' : 'PodCompleted';
  const containerState = (): Record<string, unknown> => {
    if (outcome === 'crash') {
      return { waiting: { reason: 'CrashLoopBackOff', message: 'back-off restarting failed container (simulated)' } };
    }
    if (running) return { running: { startedAt: now } };
    const exitCode = succeeded ? 0 : 1;
    return { terminated: { exitCode, reason: succeeded ? 'Completed' : 'Error', startedAt: now, finishedAt: now } };
  };
  const statusOf = (c: { name: string; image?: string }): Record<string, unknown> => ({
    name: c.name,
    image: c.image ?? '',
    imageID: `${c.image ?? 'image'}@sha256:${'0'.repeat(64)}`,
    containerID: `fluxts://${pod.metadata.uid ?? pod.metadata.name}-${c.name}`,
    ready,
    started: running && outcome !== 'crash',
    restartCount: outcome === 'crash' ? 3 : 0,
    state: containerState(),
    ...(outcome === 'crash'
      ? { lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: now, finishedAt: now } } }
      : {}),
  });
  return {
    phase,
    hostIP,
    hostIPs: [{ ip: hostIP }],
    podIP,
    podIPs: [{ ip: podIP }],
    startTime: now,
    conditions: [
      condition('PodReadyToStartContainers', true),
      condition('Initialized', true),
      condition('Ready', ready, ready ? undefined : notReadyReason),
      condition('ContainersReady', ready, ready ? undefined : notReadyReason),
      condition('PodScheduled', true),
    ],
    initContainerStatuses: (pod.spec.initContainers ?? []).map((c) => ({
      name: c.name,
      image: c.image ?? '',
      imageID: '',
      ready: true,
      restartCount: 0,
      state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: now, finishedAt: now } },
    })),
    containerStatuses: pod.spec.containers.map(statusOf),
  };
}
