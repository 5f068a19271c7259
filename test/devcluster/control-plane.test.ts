// The local control plane behaves like a real cluster where Flux needs it to: version, workloads reaching their
// real status through kube-controller-manager and the pod simulator, garbage collection, namespace deletion.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { before, describe, test } from 'node:test';

import { AppsV1Api, BatchV1Api, CoreV1Api, VersionApi, type V1Deployment } from '@kubernetes/client-node';

import { CONTROL_PLANE_VERSIONS } from '../../src/devcluster/versions.ts';
import { SIMULATE_ANNOTATION } from '../../src/devcluster/pod-status.ts';
import { type TestCluster, useCluster, useNamespace } from '../support/cluster.ts';
import { eventually } from '../support/eventually.ts';

function deployment(name: string, replicas: number, annotations: Record<string, string> = {}): V1Deployment {
  return {
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name }, annotations },
        spec: { containers: [{ name: 'app', image: 'ghcr.io/stefanprodan/podinfo:6.9.0' }] },
      },
    },
  };
}

describe('local control plane', () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await useCluster();
  });

  test('reports the pinned Kubernetes version', async () => {
    const info = await cluster.clientNode.makeApiClient(VersionApi).getCode();
    assert.equal(info.gitVersion, CONTROL_PLANE_VERSIONS.kubernetes);
  });

  test('the kubeconfig is private and holds no certificate keys', async () => {
    const text = await readFile(cluster.kubeconfigPath, 'utf8');
    assert.match(text, /certificate-authority-data/);
    assert.doesNotMatch(text, /client-key-data/);
  });

  test('a Deployment becomes Available through the pod simulator', async (t) => {
    const ns = await useNamespace(t, cluster);
    const apps = cluster.clientNode.makeApiClient(AppsV1Api);
    await apps.createNamespacedDeployment({ namespace: ns, body: deployment('web', 2) });
    const status = await eventually('deployment web Available', async () => {
      const d = await apps.readNamespacedDeployment({ name: 'web', namespace: ns });
      const available = d.status?.conditions?.find((c) => c.type === 'Available');
      return available?.status === 'True' && d.status?.readyReplicas === 2 ? d.status : undefined;
    });
    assert.equal(status.availableReplicas, 2);
  });

  test('a crashing pod keeps its Deployment unavailable', async (t) => {
    const ns = await useNamespace(t, cluster);
    const apps = cluster.clientNode.makeApiClient(AppsV1Api);
    const core = cluster.clientNode.makeApiClient(CoreV1Api);
    await apps.createNamespacedDeployment({
      namespace: ns,
      body: deployment('broken', 1, { [SIMULATE_ANNOTATION]: 'crash' }),
    });
    const waiting = await eventually('crash-looping pod', async () => {
      const pods = await core.listNamespacedPod({ namespace: ns });
      return pods.items[0]?.status?.containerStatuses?.[0]?.state?.waiting?.reason;
    });
    assert.equal(waiting, 'CrashLoopBackOff');
    const d = await apps.readNamespacedDeployment({ name: 'broken', namespace: ns });
    assert.equal(d.status?.readyReplicas ?? 0, 0);
  });

  test('StatefulSets, DaemonSets and Jobs reach their real status', async (t) => {
    const ns = await useNamespace(t, cluster);
    const apps = cluster.clientNode.makeApiClient(AppsV1Api);
    const batch = cluster.clientNode.makeApiClient(BatchV1Api);
    const template = (app: string) => ({
      metadata: { labels: { app } },
      spec: { containers: [{ name: 'app', image: 'busybox:1.36' }] },
    });
    await apps.createNamespacedStatefulSet({
      namespace: ns,
      body: {
        metadata: { name: 'db' },
        spec: { replicas: 2, serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: template('db') },
      },
    });
    await apps.createNamespacedDaemonSet({
      namespace: ns,
      body: {
        metadata: { name: 'agent' },
        spec: { selector: { matchLabels: { app: 'agent' } }, template: template('agent') },
      },
    });
    await batch.createNamespacedJob({
      namespace: ns,
      body: {
        metadata: { name: 'migrate' },
        spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'm', image: 'busybox:1.36' }] } } },
      },
    });
    await eventually('statefulset ready', async () => {
      const s = await apps.readNamespacedStatefulSet({ name: 'db', namespace: ns });
      return s.status?.readyReplicas === 2 ? true : undefined;
    });
    await eventually('daemonset ready', async () => {
      const d = await apps.readNamespacedDaemonSet({ name: 'agent', namespace: ns });
      return d.status?.numberReady === 1 && d.status.desiredNumberScheduled === 1 ? true : undefined;
    });
    const complete = await eventually('job complete', async () => {
      const j = await batch.readNamespacedJob({ name: 'migrate', namespace: ns });
      return j.status?.conditions?.find((c) => c.type === 'Complete' && c.status === 'True');
    });
    assert.equal(complete.status, 'True');
  });

  test('deleting a Deployment garbage-collects its ReplicaSets and Pods', async (t) => {
    const ns = await useNamespace(t, cluster);
    const apps = cluster.clientNode.makeApiClient(AppsV1Api);
    const core = cluster.clientNode.makeApiClient(CoreV1Api);
    await apps.createNamespacedDeployment({ namespace: ns, body: deployment('gc', 2) });
    await eventually('pods running', async () => {
      const pods = await core.listNamespacedPod({ namespace: ns });
      return pods.items.filter((p) => p.status?.phase === 'Running').length === 2 ? true : undefined;
    });
    await apps.deleteNamespacedDeployment({ name: 'gc', namespace: ns, body: { propagationPolicy: 'Background' } });
    await eventually('replicasets and pods gone', async () => {
      const [rs, pods] = await Promise.all([
        apps.listNamespacedReplicaSet({ namespace: ns }),
        core.listNamespacedPod({ namespace: ns }),
      ]);
      return rs.items.length === 0 && pods.items.length === 0 ? true : undefined;
    });
  });

  test('deleting a namespace with running pods finishes', async (t) => {
    const ns = await useNamespace(t, cluster);
    const apps = cluster.clientNode.makeApiClient(AppsV1Api);
    const core = cluster.clientNode.makeApiClient(CoreV1Api);
    await apps.createNamespacedDeployment({ namespace: ns, body: deployment('doomed', 1) });
    await eventually('pod running', async () => {
      const pods = await core.listNamespacedPod({ namespace: ns });
      return pods.items.some((p) => p.status?.phase === 'Running') ? true : undefined;
    });
    await core.deleteNamespace({ name: ns });
    await eventually(
      `namespace ${ns} gone`,
      async () => {
        try {
          await core.readNamespace({ name: ns });
          return undefined;
        } catch {
          return true;
        }
      },
      { timeoutMs: 120_000 },
    );
  });
});
