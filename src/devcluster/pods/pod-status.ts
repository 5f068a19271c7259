// The status a kubelet reports for a pod the runner runs: container states with restart counts and last states,
// the Initialized/ContainersReady/Ready/PodScheduled conditions (lastTransitionTime kept while a condition holds),
// and the phase. Pure: the runner sends the result as a merge patch of the status subresource.

/** ContainerState is one of Kubernetes' three container states. */
export type ContainerState =
  | { waiting: { reason: string; message?: string } }
  | { running: { startedAt: string } }
  | { terminated: { exitCode: number; reason: string; startedAt: string; finishedAt: string; containerID?: string } };

/** ContainerRecord is what the runner knows of one container. */
export interface ContainerRecord {
  name: string;
  image: string;
  imageID?: string;
  containerID?: string;
  restartCount: number;
  ready: boolean;
  started?: boolean;
  state: ContainerState;
  lastState?: ContainerState;
  killedByProbe?: boolean;
}

export interface PodStatusInput {
  containers: ContainerRecord[];
  restartPolicy: string;
  podIP: string;
  hostIP: string;
  startTime: string;
  now: string;
  /** The pod's current status, whose conditions' transition times are kept when unchanged. */
  previous?: Record<string, unknown>;
  message?: string;
}

type Condition = {
  type: string;
  status: 'True' | 'False';
  lastTransitionTime: string;
  reason?: string;
  lastProbeTime: null;
};

/** podStatus computes the pod's status from its containers. */
export function podStatus(input: PodStatusInput): Record<string, unknown> {
  const { containers } = input;
  const allReady = containers.length > 0 && containers.every((c) => c.ready);
  const terminated = containers.map((c) => ('terminated' in c.state ? c.state.terminated : undefined));
  let phase = 'Pending';
  if (terminated.every((t) => t !== undefined)) {
    phase = terminated.every((t) => t.exitCode === 0) ? 'Succeeded' : 'Failed';
  } else if (containers.some((c) => 'running' in c.state || c.restartCount > 0 || 'terminated' in c.state)) {
    phase = 'Running';
  }
  const previous = new Map(
    ((input.previous?.['conditions'] as Condition[] | undefined) ?? []).map((c) => [c.type, c] as const),
  );
  const condition = (type: string, ok: boolean, reason?: string): Condition => {
    const status = ok ? 'True' : 'False';
    const before = previous.get(type);
    return {
      type,
      status,
      lastProbeTime: null,
      lastTransitionTime: before?.status === status ? before.lastTransitionTime : input.now,
      ...(ok || !reason ? {} : { reason }),
    };
  };
  const notReady = phase === 'Succeeded' || phase === 'Failed' ? 'PodCompleted' : 'ContainersNotReady';
  return {
    phase,
    hostIP: input.hostIP,
    hostIPs: [{ ip: input.hostIP }],
    podIP: input.podIP,
    podIPs: [{ ip: input.podIP }],
    startTime: input.startTime,
    qosClass: 'Burstable',
    ...(input.message ? { message: input.message } : {}),
    conditions: [
      condition('PodReadyToStartContainers', true),
      condition('Initialized', true),
      condition('Ready', allReady, notReady),
      condition('ContainersReady', allReady, notReady),
      condition('PodScheduled', true),
    ],
    containerStatuses: containers.map((c) => ({
      name: c.name,
      image: c.image,
      imageID: c.imageID ?? '',
      ...(c.containerID ? { containerID: c.containerID } : {}),
      ready: c.ready,
      started: c.started ?? false,
      restartCount: c.restartCount,
      state: c.state,
      lastState: c.lastState ?? {},
    })),
  };
}
