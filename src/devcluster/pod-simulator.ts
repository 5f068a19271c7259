import { ApiError, type RestClient } from './rest.ts';
import { podOutcome, simulatedStatus, type SimPod } from './pod-status.ts';
import type { PodRunner } from './pods/pod-runner.ts';
import type { RunPod } from './pods/pod-spec.ts';

/** FAKE_NODE is the one Node of the dev cluster; every pod is bound to it. */
export const FAKE_NODE = 'fluxts-node';
/** HOST_IP is the node's address; pods that run for real reach the host's loopback through it (pods/services.ts). */
export const HOST_IP = '10.200.0.1';

interface PodList {
  metadata: { resourceVersion: string };
  items: SimPod[];
}

/**
 * PodSimulator plays scheduler and kubelet for a control plane that has neither: it binds pending pods to the
 * fake node, reports them Running and Ready (or crashing, completed or failed, as the pod asks), and finishes the
 * deletion of terminating pods. kube-controller-manager then computes the real status of Deployments, StatefulSets,
 * DaemonSets and Jobs from those pods, so health checks run against real status computation.
 */
export class PodSimulator {
  private readonly client: RestClient;
  private readonly abort = new AbortController();
  private readonly pending = new Map<string, SimPod>();
  private readonly inFlight = new Set<string>();
  private readonly done = new Map<string, string>();
  private nextIP = 2;
  private running: Promise<void> | undefined;

  private readonly runner: PodRunner | undefined;

  /** With a runner, pods whose images are in the local OCI layout run for real; the others stay simulated. */
  constructor(client: RestClient, runner?: PodRunner) {
    this.client = client;
    this.runner = runner;
  }

  /** start registers the fake node and begins watching pods; it returns once the node exists. */
  async start(): Promise<void> {
    await this.ensureNode();
    await this.untaintNode();
    await this.runner?.start();
    this.running = this.loop();
  }

  /** stop ends the watch and waits for the loop to finish. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
    await this.runner?.stop();
  }

  private async ensureNode(): Promise<void> {
    const now = new Date().toISOString();
    const capacity = { cpu: '64', memory: '256Gi', pods: '1000', 'ephemeral-storage': '1Ti' };
    try {
      await this.client.request('POST', '/api/v1/nodes', {
        body: {
          apiVersion: 'v1',
          kind: 'Node',
          metadata: {
            name: FAKE_NODE,
            labels: { 'kubernetes.io/hostname': FAKE_NODE, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64' },
          },
          spec: { podCIDR: '10.244.0.0/16' },
        },
      });
    } catch (err) {
      if (!(err instanceof ApiError && err.statusCode === 409)) throw err;
    }
    await this.client.request('PATCH', `/api/v1/nodes/${FAKE_NODE}/status`, {
      contentType: 'application/merge-patch+json',
      body: {
        status: {
          capacity,
          allocatable: capacity,
          addresses: [
            { type: 'InternalIP', address: HOST_IP },
            { type: 'Hostname', address: FAKE_NODE },
          ],
          conditions: [
            {
              type: 'Ready',
              status: 'True',
              reason: 'KubeletReady',
              message: 'simulated by fluxts',
              lastHeartbeatTime: now,
              lastTransitionTime: now,
            },
            {
              type: 'MemoryPressure',
              status: 'False',
              reason: 'KubeletHasSufficientMemory',
              lastHeartbeatTime: now,
              lastTransitionTime: now,
            },
            {
              type: 'DiskPressure',
              status: 'False',
              reason: 'KubeletHasNoDiskPressure',
              lastHeartbeatTime: now,
              lastTransitionTime: now,
            },
            {
              type: 'PIDPressure',
              status: 'False',
              reason: 'KubeletHasSufficientPID',
              lastHeartbeatTime: now,
              lastTransitionTime: now,
            },
          ],
          nodeInfo: {
            kubeletVersion: 'v0.0.0-fluxts',
            operatingSystem: 'linux',
            architecture: 'amd64',
            containerRuntimeVersion: 'fluxts://simulated',
            osImage: 'fluxts pod simulator',
            kernelVersion: '',
            kubeProxyVersion: '',
            machineID: '',
            systemUUID: '',
            bootID: '',
          },
        },
      },
    });
  }

  /**
   * untaintNode removes the not-ready taint that admission puts on every new Node; the node lifecycle controller
   * would lift it once the node reports Ready, but the dev cluster doesn't run it (there is no kubelet to watch).
   */
  private async untaintNode(): Promise<void> {
    await this.client.request('PATCH', `/api/v1/nodes/${FAKE_NODE}`, {
      contentType: 'application/merge-patch+json',
      body: { spec: { taints: null } },
    });
  }

  private async loop(): Promise<void> {
    const signal = this.abort.signal;
    while (!signal.aborted) {
      try {
        const list = await this.client.request<PodList>('GET', '/api/v1/pods');
        for (const pod of list.items) this.enqueue(pod);
        await this.client.watch<SimPod>(
          '/api/v1/pods',
          list.metadata.resourceVersion,
          (event) => {
            if (event.type === 'ADDED' || event.type === 'MODIFIED') this.enqueue(event.object);
            if (event.type === 'DELETED') this.done.delete(key(event.object));
          },
          signal,
        );
      } catch (err) {
        if (signal.aborted) return;
        process.stderr.write(`[pod-simulator] watch failed, re-listing: ${(err as Error).message}\n`);
        await new Promise((r) => setTimeout(r, 1_000));
      }
    }
  }

  private enqueue(pod: SimPod): void {
    const k = key(pod);
    this.pending.set(k, pod);
    if (!this.inFlight.has(k)) void this.drain(k);
  }

  /** drain handles the newest version of one pod at a time, so two patches of the same pod never race. */
  private async drain(k: string): Promise<void> {
    this.inFlight.add(k);
    try {
      for (let pod = this.pending.get(k); pod; pod = this.pending.get(k)) {
        this.pending.delete(k);
        try {
          await this.handle(pod);
        } catch (err) {
          if (this.abort.signal.aborted) return;
          if (!(err instanceof ApiError && (err.statusCode === 404 || err.statusCode === 409))) {
            process.stderr.write(`[pod-simulator] ${k}: ${(err as Error).message}\n`);
          }
        }
      }
    } finally {
      this.inFlight.delete(k);
    }
  }

  private async handle(pod: SimPod): Promise<void> {
    const { name, namespace } = pod.metadata;
    const base = `/api/v1/namespaces/${namespace}/pods/${name}`;
    const runPod = pod as unknown as RunPod;
    if (this.runner && (pod.spec.nodeName || pod.metadata.deletionTimestamp) && (await this.runner.runs(runPod))) {
      await this.runner.sync(runPod);
      return;
    }
    if (pod.metadata.deletionTimestamp) {
      // The kubelet's part of a graceful delete: containers stopped, so the pod object can go now.
      await this.client.request('DELETE', base, {
        body: {
          kind: 'DeleteOptions',
          apiVersion: 'v1',
          gracePeriodSeconds: 0,
          preconditions: { uid: pod.metadata.uid },
        },
      });
      return;
    }
    if (!pod.spec.nodeName) {
      await this.client.request('POST', `${base}/binding`, {
        body: {
          apiVersion: 'v1',
          kind: 'Binding',
          metadata: { name, namespace },
          target: { apiVersion: 'v1', kind: 'Node', name: FAKE_NODE },
        },
      });
      return;
    }
    const outcome = podOutcome(pod);
    const stamp = `${pod.metadata.uid ?? ''}/${outcome}`;
    if (this.done.get(key(pod)) === stamp && pod.status?.phase && pod.status.phase !== 'Pending') return;
    const ip = pod.status?.podIP ?? `10.244.${Math.floor(this.nextIP / 250)}.${(this.nextIP++ % 250) + 2}`;
    await this.client.request('PATCH', `${base}/status`, {
      contentType: 'application/merge-patch+json',
      body: { status: simulatedStatus(pod, outcome, HOST_IP, ip, new Date().toISOString()) },
    });
    this.done.set(key(pod), stamp);
  }
}

function key(pod: SimPod): string {
  return `${pod.metadata.namespace}/${pod.metadata.name}`;
}
