// Shared setup of the kustomize-controller end-to-end tests: the source-controller and the kustomize-controller run
// in this process against the test cluster, with a real Git server and artifact storage served over HTTP.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

import { Command } from 'commander';

import type { Kustomization } from '../../src/api/index.ts';
import { ArtifactStorage, serveStorage, type StorageServer } from '../../src/artifacts/index.ts';
import { kustomizationType } from '../../src/controllers/kustomize/index.ts';
import { kustomizeController } from '../../src/controllers/kustomize/setup.ts';
import { gitRepositoryType, sourceController } from '../../src/controllers/source/setup.ts';
import { KubeClient, type KubeObject } from '../../src/kube/index.ts';
import {
  controllerOptionsFrom,
  createLogger,
  registerControllerFlags,
  type RunningManager,
  startManager,
} from '../../src/runtime/index.ts';
import { type TestCluster, useCluster } from '../support/cluster.ts';
import { eventually } from '../support/eventually.ts';
import type { FileChange } from '../support/git-repo.ts';
import { type GitServer, startGitServer } from '../support/git-server.ts';
import { SHARED_FIXTURES } from '../support/fixtures.ts';

/** FIXTURES is the shared, read-only fixture tree; files are copied into test repositories at test time. */
export const FIXTURES = SHARED_FIXTURES;

export interface Harness {
  cluster: TestCluster;
  client: KubeClient;
  git: GitServer;
  stop(): Promise<void>;
}

export interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
  lastTransitionTime?: string;
}

/**
 * startHarness starts both controllers with the flags parsed as the command line would (Flux defaults), plus
 * `extraFlags` (e.g. a feature gate).
 */
export async function startHarness(extraFlags: readonly string[] = []): Promise<Harness> {
  const cluster = await useCluster();
  const client = new KubeClient(cluster.kubeConfig);
  const git = await startGitServer();
  const storageDir = await mkdtemp(join(tmpdir(), 'fluxts-ks-storage-'));
  const server: StorageServer = await serveStorage(storageDir, { host: '127.0.0.1', port: 0 });
  const storage = new ArtifactStorage({ root: storageDir, advertisedAddress: server.address });
  const flags = registerControllerFlags(new Command()).parse(
    [
      '--metrics-addr=127.0.0.1:0',
      '--health-addr=127.0.0.1:0',
      '--max-retry-delay=3s',
      '--requeue-dependency=2s',
      '--log-level=error',
      ...extraFlags,
    ],
    { from: 'user' },
  );
  const options = controllerOptionsFrom(flags.opts());
  const running: RunningManager = await startManager(
    options,
    [sourceController({ storage }), kustomizeController({ healthCheckIntervalMs: 1000 })],
    { kubeConfig: cluster.kubeConfig, logger: createLogger('error') },
  );
  return {
    cluster,
    client,
    git,
    async stop() {
      await running.stop();
      await server.close();
      await git.close();
      await rm(storageDir, { recursive: true, force: true });
    },
  };
}

/** fixtureFiles reads a fixture directory into commit changes, rooted at `prefix` in the repository. */
export function fixtureFiles(dir: string, prefix = ''): Record<string, FileChange> {
  const out: Record<string, FileChange> = {};
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[join(prefix, relative(dir, p))] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

/** gitRepository creates a GitRepository on the branch `main` of a test repo, polled every 2s. */
export async function gitRepository(h: Harness, ns: string, name: string, repoName: string): Promise<void> {
  await h.client.create({
    apiVersion: gitRepositoryType.apiVersion,
    kind: 'GitRepository',
    metadata: { name, namespace: ns },
    spec: { url: h.git.repoUrl(repoName), interval: '2s', ref: { branch: 'main' } },
  });
}

/** kustomization creates a Kustomization. */
export async function kustomization(
  h: Harness,
  ns: string,
  name: string,
  spec: Partial<Kustomization['spec']>,
): Promise<void> {
  await h.client.create({
    apiVersion: kustomizationType.apiVersion,
    kind: 'Kustomization',
    metadata: { name, namespace: ns },
    spec: { interval: '10m', prune: true, sourceRef: { kind: 'GitRepository', name: 'repo' }, ...spec },
  });
}

export function getKs(h: Harness, ns: string, name: string): Promise<Kustomization> {
  return h.client.get<Kustomization>(kustomizationType, { namespace: ns, name });
}

export function condition(obj: Kustomization, type: string): Condition | undefined {
  return (obj.status?.conditions as Condition[] | undefined)?.find((c) => c.type === type);
}

/** waitReady waits until Ready has the status and reason (and, if given, the revision was attempted). */
export function waitReady(
  h: Harness,
  ns: string,
  name: string,
  status: 'True' | 'False',
  reason?: string,
  opts: { revision?: string; timeoutMs?: number } = {},
): Promise<Kustomization> {
  return eventually(
    `Kustomization ${ns}/${name} Ready=${status}${reason ? ` (${reason})` : ''}${opts.revision ? ` at ${opts.revision}` : ''}`,
    async () => {
      const obj = await getKs(h, ns, name);
      const ready = condition(obj, 'Ready');
      if (ready?.status !== status || (reason && ready.reason !== reason)) return undefined;
      if (opts.revision && obj.status?.lastAttemptedRevision !== opts.revision) return undefined;
      if (status === 'True' && obj.status?.observedGeneration !== obj.metadata.generation) return undefined;
      return obj;
    },
    { timeoutMs: opts.timeoutMs ?? 60_000 },
  );
}

/** requestReconcile sets a new reconcile.fluxcd.io/requestedAt token. */
export async function requestReconcile(h: Harness, ns: string, name: string, type = kustomizationType): Promise<void> {
  await h.client.patch(type, { namespace: ns, name }, 'merge', {
    metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': `${Date.now()}-${Math.random()}` } },
  });
}

/** getObject reads an object, or undefined when it does not exist. */
export async function getObject(
  h: Harness,
  apiVersion: string,
  kind: string,
  ns: string | undefined,
  name: string,
): Promise<KubeObject | undefined> {
  try {
    return await h.client.get({ apiVersion, kind }, { name, ...(ns ? { namespace: ns } : {}) });
  } catch {
    return undefined;
  }
}

/** listEvents returns the messages of the core Events recorded for an object. */
export async function eventMessages(h: Harness, ns: string, name: string): Promise<string[]> {
  const list = await h.client.list<KubeObject>({ apiVersion: 'v1', kind: 'Event' }, { namespace: ns });
  return list.items
    .filter((e) => (e['involvedObject'] as { name?: string } | undefined)?.name === name)
    .map((e) => (typeof e['message'] === 'string' ? e['message'] : ''));
}

/** configMapYaml is a ConfigMap manifest as committed to Git (values quoted, optional annotations). */
export function configMapYaml(
  name: string,
  data: Record<string, string>,
  annotations?: Record<string, string>,
): string {
  return [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    `  name: ${name}`,
    ...(annotations ? ['  annotations:', ...Object.entries(annotations).map(([k, v]) => `    ${k}: "${v}"`)] : []),
    'data:',
    ...Object.entries(data).map(([k, v]) => `  ${k}: "${v}"`),
    '',
  ].join('\n');
}

export { gitRepositoryType };
