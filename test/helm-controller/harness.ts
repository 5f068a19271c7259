// Shared setup of the helm-controller end-to-end tests: the source-controller and the helm-controller run in this
// process against the test cluster, with artifact storage served over HTTP, a real Helm HTTP repository and the
// real helm v4 binary to read what the controller stored.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Command } from 'commander';

import type { HelmRelease } from '../../src/api/index.ts';
import { ArtifactStorage, serveStorage, type StorageServer } from '../../src/artifacts/index.ts';
import { helmReleaseType } from '../../src/controllers/helm/index.ts';
import { helmController } from '../../src/controllers/helm/setup.ts';
import { sourceController } from '../../src/controllers/source/setup.ts';
import { KubeClient, type KubeObject } from '../../src/kube/index.ts';
import {
  controllerOptionsFrom,
  createLogger,
  registerControllerFlags,
  type RunningManager,
  startManager,
} from '../../src/runtime/index.ts';
import { helmBinary } from '../helm/reference.ts';
import { type TestCluster, useCluster } from '../support/cluster.ts';
import { eventually } from '../support/eventually.ts';

export interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
}

export interface HelmHarness {
  cluster: TestCluster;
  client: KubeClient;
  /** helm runs the real helm v4 against the test cluster and returns stdout; throws on a non-zero exit. */
  helm(args: string[]): string;
  stop(): Promise<void>;
}

/** startHelmHarness runs both controllers with Flux's default flags (fast retries for tests). */
export async function startHelmHarness(): Promise<HelmHarness> {
  const [cluster, helmPath] = await Promise.all([useCluster(), helmBinary()]);
  const client = new KubeClient(cluster.kubeConfig);
  const storageDir = await mkdtemp(join(tmpdir(), 'fluxts-hr-storage-'));
  const home = await mkdtemp(join(tmpdir(), 'fluxts-hr-helm-home-'));
  const server: StorageServer = await serveStorage(storageDir, { host: '127.0.0.1', port: 0 });
  const storage = new ArtifactStorage({ root: storageDir, advertisedAddress: server.address });
  const flags = registerControllerFlags(new Command()).parse(
    ['--metrics-addr=127.0.0.1:0', '--health-addr=127.0.0.1:0', '--max-retry-delay=2s', '--requeue-dependency=2s'],
    { from: 'user' },
  );
  const running: RunningManager = await startManager(
    controllerOptionsFrom(flags.opts()),
    [sourceController({ storage }), helmController()],
    { kubeConfig: cluster.kubeConfig, logger: createLogger('error') },
  );
  return {
    cluster,
    client,
    helm(args) {
      const r = spawnSync(helmPath, [...args, '--kubeconfig', cluster.kubeconfigPath], {
        encoding: 'utf8',
        env: {
          PATH: process.env['PATH'] ?? '/usr/bin:/bin',
          HOME: home,
          HELM_CONFIG_HOME: join(home, 'config'),
          HELM_CACHE_HOME: join(home, 'cache'),
          HELM_DATA_HOME: join(home, 'data'),
          TZ: 'UTC',
        },
      });
      if (r.status !== 0) throw new Error(`helm ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
      return r.stdout;
    },
    async stop() {
      await running.stop();
      await server.close();
      await rm(storageDir, { recursive: true, force: true });
      await rm(home, { recursive: true, force: true });
    },
  };
}

/** condition finds a condition by type. */
export function condition(obj: { status?: { conditions?: Condition[] } }, type: string): Condition | undefined {
  return obj.status?.conditions?.find((c) => c.type === type);
}

/** waitRelease waits until Ready has the status and reason (and `extra` holds), and returns the HelmRelease. */
export function waitRelease(
  client: KubeClient,
  ns: string,
  name: string,
  want: { type?: string; status: string; reason: string },
  extra: (o: HelmRelease) => boolean = () => true,
  timeoutMs = 120_000,
): Promise<HelmRelease> {
  return eventually(
    `HelmRelease ${ns}/${name} ${want.type ?? 'Ready'}=${want.status} (${want.reason})`,
    async () => {
      const o = await client.get<HelmRelease>(helmReleaseType, { namespace: ns, name });
      const c = condition(o, want.type ?? 'Ready');
      return c?.status === want.status && c.reason === want.reason && extra(o) ? o : undefined;
    },
    { timeoutMs },
  );
}

type EventObject = KubeObject & {
  reason?: string;
  message?: string;
  type?: string;
  involvedObject?: { name?: string; kind?: string };
};

/** events lists the Kubernetes Events about an object. */
export async function events(client: KubeClient, ns: string, kind: string, name: string): Promise<EventObject[]> {
  const list = await client.list<EventObject>({ apiVersion: 'v1', kind: 'Event' }, { namespace: ns });
  return list.items.filter((e) => e.involvedObject?.kind === kind && e.involvedObject.name === name);
}

/** RepositoryChart names a chart of a Helm HTTP repository: the HelmRepository and HelmRelease names, the chart. */
export interface RepositoryChart {
  repository: string;
  release: string;
  chart: string;
  version: string;
}

/**
 * createRepositoryRelease creates a HelmRepository (at repoUrl) and a HelmRelease of one of its charts, with the
 * extra spec fields given (values, install/upgrade/test settings, …).
 */
export async function createRepositoryRelease(
  client: KubeClient,
  ns: string,
  repoUrl: string,
  chart: RepositoryChart,
  spec: Record<string, unknown>,
): Promise<void> {
  await client.create({
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'HelmRepository',
    metadata: { name: chart.repository, namespace: ns },
    spec: { interval: '1m', url: repoUrl },
  });
  const sourceRef = { kind: 'HelmRepository', name: chart.repository };
  await client.create({
    apiVersion: helmReleaseType.apiVersion,
    kind: 'HelmRelease',
    metadata: { name: chart.release, namespace: ns },
    spec: { interval: '5m', chart: { spec: { chart: chart.chart, version: chart.version, sourceRef } }, ...spec },
  });
}

/** createPodinfoRelease creates the HelmRepository `podinfo` and the HelmRelease `podinfo` of its 6.x chart. */
export function createPodinfoRelease(
  client: KubeClient,
  ns: string,
  repoUrl: string,
  spec: Record<string, unknown>,
): Promise<void> {
  const chart = { repository: 'podinfo', release: 'podinfo', chart: 'podinfo', version: '6.x' };
  return createRepositoryRelease(client, ns, repoUrl, chart, spec);
}

/**
 * requestReconcile asks for a reconcile without a spec change (the `reconcile.fluxcd.io/requestedAt` token, with
 * `reconcile.fluxcd.io/forceAt` / `resetAt` carrying the same token when asked), as `flux reconcile hr` does: a
 * merge patch of the annotations, so no read-modify-write races the controller's status writes.
 */
export async function requestReconcile(
  client: KubeClient,
  ns: string,
  name: string,
  token: string,
  request?: 'forceAt' | 'resetAt',
): Promise<void> {
  const annotations: Record<string, string> = { 'reconcile.fluxcd.io/requestedAt': token };
  if (request) annotations[`reconcile.fluxcd.io/${request}`] = token;
  await client.patch(helmReleaseType, { namespace: ns, name }, 'merge', { metadata: { annotations } });
}
