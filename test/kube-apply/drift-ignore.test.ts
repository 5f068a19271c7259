// Drift-ignore rules against a real apiserver: a field another manager changed is left alone when ignored, and
// reverted when not.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  applyAllStaged,
  changeSetMap,
  FIELD_MANAGER,
  type IgnoreRule,
  type ManagedFieldsEntry,
} from '../../src/kube/ssa/index.ts';
import { KubeClient, type KubeObject } from '../../src/kube/client/index.ts';
import { useCluster, useNamespace } from '../support/cluster.ts';
import { eventually } from '../support/eventually.ts';
import { deployment } from './objects.ts';

const deployType = { apiVersion: 'apps/v1', kind: 'Deployment' };
const replicasRule: IgnoreRule[] = [{ paths: ['/spec/replicas'], target: { kind: 'Deployment', name: 'web' } }];

interface DeploySpec {
  replicas?: number;
  minReadySeconds?: number;
}

const specOf = (obj: KubeObject): DeploySpec => obj.spec ?? {};

/**
 * settled waits for the deployment controller's revision annotation: an apply that reads the object just before
 * that write and dry-runs just after would see drift that has nothing to do with the rules under test.
 */
async function settled(client: KubeClient, key: { namespace: string; name: string }): Promise<void> {
  await eventually('the deployment controller to annotate the Deployment', async () => {
    const d = await client.get(deployType, key);
    return d.metadata.annotations?.['deployment.kubernetes.io/revision'] ? true : undefined;
  });
}

function fluxOwnsReplicas(obj: KubeObject): boolean {
  const entries = (obj.metadata['managedFields'] ?? []) as ManagedFieldsEntry[];
  return entries.some(
    (e) =>
      e.manager === FIELD_MANAGER &&
      e.operation === 'Apply' &&
      JSON.stringify(e.fieldsV1 ?? {}).includes('"f:replicas"'),
  );
}

void test('an ignored field taken by another Apply manager is kept and released; without the rule it is reverted', async (t) => {
  const cluster = await useCluster();
  const client = new KubeClient(cluster.kubeConfig);
  const ns = await useNamespace(t, cluster);
  const key = { namespace: ns, name: 'web' };
  const desired = deployment(ns, 'web', { replicas: 1 });
  assert.equal(changeSetMap(await applyAllStaged(client, [desired], { ignore: replicasRule })).size, 1);
  await settled(client, key);

  // An autoscaler-like controller takes spec.replicas with its own server-side apply.
  await client.patch(
    deployType,
    key,
    'apply',
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: key, spec: { replicas: 3 } },
    { fieldManager: 'scaler', force: true },
  );

  const unchanged = await applyAllStaged(client, [desired], { ignore: replicasRule });
  assert.deepEqual([...changeSetMap(unchanged).values()], ['unchanged'], 'a change only in an ignored field');
  assert.equal(specOf(await client.get(deployType, key)).replicas, 3);

  // A change elsewhere applies the object, without the ignored field another Apply manager owns.
  const edited = deployment(ns, 'web', { replicas: 1 });
  specOf(edited).minReadySeconds = 5;
  const configured = await applyAllStaged(client, [edited], { ignore: replicasRule });
  assert.deepEqual([...changeSetMap(configured).values()], ['configured']);
  const live = await client.get(deployType, key);
  assert.equal(specOf(live).replicas, 3, 'the other manager keeps its value');
  assert.equal(specOf(live).minReadySeconds, 5);
  assert.equal(fluxOwnsReplicas(live), false, 'our apply released the field');

  // A rule for another object does not protect this one: the field is reverted.
  const otherRule: IgnoreRule[] = [{ paths: ['/spec/replicas'], target: { kind: 'Deployment', name: 'we' } }];
  const reverted = await applyAllStaged(client, [edited], { ignore: otherRule });
  assert.deepEqual([...changeSetMap(reverted).values()], ['configured']);
  assert.equal(specOf(await client.get(deployType, key)).replicas, 1);
});

void test('an ignored field edited by an Update manager keeps the live value while we stay its owner', async (t) => {
  const cluster = await useCluster();
  const client = new KubeClient(cluster.kubeConfig);
  const ns = await useNamespace(t, cluster);
  const key = { namespace: ns, name: 'web' };
  await applyAllStaged(client, [deployment(ns, 'web', { replicas: 1 })], { ignore: replicasRule });
  await settled(client, key);

  // A hand edit with a merge patch under another field manager (an Update operation, not an Apply owner).
  await client.patch(deployType, key, 'merge', { spec: { replicas: 4 } }, { fieldManager: 'hand-edit' });

  const desired = deployment(ns, 'web', { replicas: 1 });
  const unchanged = await applyAllStaged(client, [desired], { ignore: replicasRule });
  assert.deepEqual([...changeSetMap(unchanged).values()], ['unchanged']);

  specOf(desired).minReadySeconds = 7;
  const configured = await applyAllStaged(client, [desired], { ignore: replicasRule });
  assert.deepEqual([...changeSetMap(configured).values()], ['configured']);
  const live = await client.get(deployType, key);
  assert.equal(specOf(live).replicas, 4, 'the live value is adopted into the payload');
  assert.equal(specOf(live).minReadySeconds, 7);
  assert.equal(fluxOwnsReplicas(live), true, 'as the sole Apply owner we keep the field');

  // Without the rule, the same edit is reverted.
  await client.patch(deployType, key, 'merge', { spec: { replicas: 6 } }, { fieldManager: 'hand-edit' });
  const reverted = await applyAllStaged(client, [desired]);
  assert.deepEqual([...changeSetMap(reverted).values()], ['configured']);
  assert.equal(specOf(await client.get(deployType, key)).replicas, 1);
});
