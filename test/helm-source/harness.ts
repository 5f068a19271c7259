// Shared setup of the Helm source tests: the source-controller runs in this process against the test cluster,
// with artifact storage served over HTTP; helpers create objects and wait for conditions.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Command } from 'commander';

import { ArtifactStorage, serveStorage, type StorageServer } from '../../src/artifacts/index.ts';
import { sourceController } from '../../src/controllers/source/setup.ts';
import { KubeClient, type KubeObject, type TypeRef } from '../../src/kube/index.ts';
import {
  controllerOptionsFrom,
  createLogger,
  registerControllerFlags,
  type RunningManager,
  startManager,
} from '../../src/runtime/index.ts';
import { type TestCluster, useCluster } from '../support/cluster.ts';
import { eventually } from '../support/eventually.ts';

export interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
}

export type Conditioned = KubeObject<unknown, { conditions?: Condition[] }>;

export interface SourceHarness {
  cluster: TestCluster;
  client: KubeClient;
  storage: ArtifactStorage;
  stop(): Promise<void>;
}

/** startSourceHarness runs the source-controller with Flux's default flags (fast retries for tests). */
export async function startSourceHarness(): Promise<SourceHarness> {
  const cluster = await useCluster();
  const client = new KubeClient(cluster.kubeConfig);
  const storageDir = await mkdtemp(join(tmpdir(), 'fluxts-helm-storage-'));
  const server: StorageServer = await serveStorage(storageDir, { host: '127.0.0.1', port: 0 });
  const storage = new ArtifactStorage({ root: storageDir, advertisedAddress: server.address });
  const flags = registerControllerFlags(new Command()).parse(
    ['--metrics-addr=127.0.0.1:0', '--health-addr=127.0.0.1:0', '--max-retry-delay=2s', '--requeue-dependency=2s'],
    { from: 'user' },
  );
  const running: RunningManager = await startManager(
    controllerOptionsFrom(flags.opts()),
    [sourceController({ storage })],
    { kubeConfig: cluster.kubeConfig, logger: createLogger('error') },
  );
  return {
    cluster,
    client,
    storage,
    async stop() {
      await running.stop();
      await server.close();
      await rm(storageDir, { recursive: true, force: true });
    },
  };
}

/** condition finds a condition by type. */
export function condition(obj: Conditioned, type: string): Condition | undefined {
  return obj.status?.conditions?.find((c) => c.type === type);
}

/** waitCondition waits until `type` has the status and reason (and `extra` holds), and returns the object. */
export function waitCondition<T extends Conditioned>(
  client: KubeClient,
  type: TypeRef,
  ns: string,
  name: string,
  want: { type?: string; status: string; reason: string },
  extra: (o: T) => boolean = () => true,
): Promise<T> {
  return eventually(
    `${type.kind} ${ns}/${name} ${want.type ?? 'Ready'}=${want.status} (${want.reason})`,
    async () => {
      const o = await client.get<T>(type, { namespace: ns, name });
      const c = condition(o, want.type ?? 'Ready');
      return c?.status === want.status && c.reason === want.reason && extra(o) ? o : undefined;
    },
    { timeoutMs: 60_000 },
  );
}

/** secret creates an Opaque Secret from string data. */
export async function secret(
  client: KubeClient,
  ns: string,
  name: string,
  data: Record<string, string>,
): Promise<void> {
  await client.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: ns }, stringData: data });
}

type EventObject = KubeObject & {
  reason?: string;
  message?: string;
  involvedObject?: { name?: string; kind?: string };
};

/** events lists the Kubernetes Events about an object. */
export async function events(client: KubeClient, ns: string, kind: string, name: string): Promise<EventObject[]> {
  const list = await client.list<EventObject>({ apiVersion: 'v1', kind: 'Event' }, { namespace: ns });
  return list.items.filter((e) => e.involvedObject?.kind === kind && e.involvedObject.name === name);
}
