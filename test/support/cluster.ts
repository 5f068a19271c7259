// Test harness for the local control plane: one control plane per test run, a fresh namespace per test.
// `npm test` (scripts/test.ts) starts the control plane once and passes its kubeconfig in FLUXTS_TEST_KUBECONFIG;
// a test file run on its own starts a private one, stopped when the file's process exits (the pod simulator
// doubles as a reaper, so even a killed test process leaves nothing running).
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { KubeConfig as ClientNodeKubeConfig } from '@kubernetes/client-node';

import { startDevCluster } from '../../src/devcluster/cluster.ts';
import { stderrProgress } from '../../src/devcluster/go-build.ts';
import { KubeClient, KubeConfig } from '../../src/kube/index.ts';

/** TestCluster is the control plane a test talks to. */
export interface TestCluster {
  kubeconfigPath: string;
  kubeConfig: KubeConfig;
  /** clientNode is the same cluster through @kubernetes/client-node, an independent client for cross-checks. */
  clientNode: ClientNodeKubeConfig;
}

let shared: Promise<TestCluster> | undefined;

/** useCluster returns the run's control plane, starting one for this process if the runner did not. */
export function useCluster(): Promise<TestCluster> {
  shared ??= (async () => {
    let kubeconfigPath = process.env['FLUXTS_TEST_KUBECONFIG'];
    if (!kubeconfigPath) {
      const stateDir = await mkdtemp(join(tmpdir(), 'fluxts-test-cluster-'));
      // `npm run test:image` runs the controller image's pods for real (src/devcluster/pods/).
      const runPods = process.env['FLUXTS_TEST_IMAGE'] === '1';
      const state = await startDevCluster({ stateDir, ownerPid: process.pid, runPods, progress: stderrProgress });
      kubeconfigPath = state.kubeconfig;
    }
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(kubeconfigPath);
    const clientNode = new ClientNodeKubeConfig();
    clientNode.loadFromFile(kubeconfigPath);
    return { kubeconfigPath, kubeConfig, clientNode };
  })();
  return shared;
}

/** The part of node:test's TestContext and SuiteContext the harness needs. */
interface HasCleanup {
  name: string;
  after(fn: () => Promise<void> | void): void;
}

/**
 * useNamespace creates a namespace for one test (named after it, with a random suffix) and deletes it when the
 * test ends. Deletion is not awaited to completion: the namespace controller finishes it in the background.
 */
export async function useNamespace(t: HasCleanup, cluster: TestCluster): Promise<string> {
  const slug =
    t.name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'test';
  const name = `${slug}-${randomBytes(3).toString('hex')}`.replace(/^-/, 't-');
  const client = new KubeClient(cluster.kubeConfig);
  const namespaceType = { apiVersion: 'v1', kind: 'Namespace' };
  await client.create({ ...namespaceType, metadata: { name, labels: { 'fluxts.dev/test': 'true' } } });
  t.after(async () => {
    if (process.env['FLUXTS_KEEP_NAMESPACES']) return;
    await client.delete(namespaceType, { name }).catch(() => undefined);
  });
  return name;
}
