import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';

import {
  applyAllStaged,
  changeSetMap,
  deleteAll,
  DryRunFailedError,
  inventoryFromChangeSet,
  ownerLabels,
  refOf,
  staleObjects,
  WaitError,
  waitForSet,
} from '../../src/kube/ssa/index.ts';
import { isNotFound, KubeClient, type KubeObject } from '../../src/kube/client/index.ts';
import { clientFor, KubeConfigSecretError } from '../../src/kube/identity/index.ts';
import { useCluster, useNamespace } from '../support/cluster.ts';
import { configMap, deployment } from './objects.ts';

const cmType = { apiVersion: 'v1', kind: 'ConfigMap' };

void test('prune deletes stale objects that carry the owner labels, except prune: disabled', async (t) => {
  const cluster = await useCluster();
  const client = new KubeClient(cluster.kubeConfig);
  const ns = await useNamespace(t, cluster);
  const owner = ownerLabels('apps', ns);
  const objects = [
    configMap(ns, 'stale', {}, { labels: owner }),
    configMap(ns, 'kept', {}, { labels: owner, annotations: { 'kustomize.toolkit.fluxcd.io/prune': 'Disabled' } }),
    configMap(ns, 'foreign', {}, { labels: ownerLabels('other', ns) }),
    configMap(ns, 'remains', {}, { labels: owner }),
    configMap(ns, 'gone', {}, { labels: owner }),
  ];
  const previous = inventoryFromChangeSet(await applyAllStaged(client, objects));
  assert.deepEqual(previous.entries[0], { id: `${ns}_foreign__ConfigMap`, v: 'v1' });
  await client.delete(cmType, { namespace: ns, name: 'gone' });

  const next = inventoryFromChangeSet(await applyAllStaged(client, [objects[3]!]));
  const stale = staleObjects(previous, next);
  assert.deepEqual(
    stale.map((r) => r.name),
    ['foreign', 'gone', 'kept', 'stale'],
  );
  const { changeSet, errors } = await deleteAll(client, stale, { inclusions: owner });
  assert.deepEqual(errors, []);
  assert.deepEqual(
    changeSet.map((e) => `${e.subject} ${e.action}`),
    [
      `ConfigMap/${ns}/stale deleted`,
      `ConfigMap/${ns}/kept skipped`,
      `ConfigMap/${ns}/gone deleted`,
      `ConfigMap/${ns}/foreign skipped`,
    ],
  );
  // Background deletion of a ConfigMap (no finalizers) is immediate.
  await assert.rejects(client.get(cmType, { namespace: ns, name: 'stale' }), isNotFound);
  for (const name of ['kept', 'foreign', 'remains']) await client.get(cmType, { namespace: ns, name });
});

void test('wait times out naming every object that is not ready, and why', async (t) => {
  const cluster = await useCluster();
  const client = new KubeClient(cluster.kubeConfig);
  const ns = await useNamespace(t, cluster);
  const objects = [
    configMap(ns, 'cfg'),
    deployment(ns, 'good'),
    deployment(ns, 'crashy', { podAnnotations: { 'devcluster.fluxts.dev/simulate': 'crash' } }),
  ];
  await applyAllStaged(client, objects);
  const refs = objects.map(refOf);
  await waitForSet(client, [refs[1]!], { interval: 500, timeout: 90_000 });

  const started = Date.now();
  await assert.rejects(waitForSet(client, refs, { interval: 1000, timeout: 5000 }), (err: unknown) => {
    assert.ok(err instanceof WaitError, String(err));
    assert.equal(err.timedOut, true);
    assert.match(
      err.message,
      new RegExp(`^timeout waiting for: \\[Deployment/${ns}/crashy status: 'InProgress': .+\\]$`),
    );
    assert.doesNotMatch(err.message, /good|cfg/);
    return true;
  });
  assert.ok(Date.now() - started < 15_000);
});

void test('a ServiceAccount without RBAC is forbidden; with a Role it applies; default service account too', async (t) => {
  const cluster = await useCluster();
  const admin = new KubeClient(cluster.kubeConfig);
  const ns = await useNamespace(t, cluster);
  await admin.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'deployer', namespace: ns } });

  const asDeployer = await clientFor(admin, { namespace: ns, serviceAccountName: 'deployer' });
  await assert.rejects(applyAllStaged(asDeployer, [configMap(ns, 'cm')]), (err: unknown) => {
    assert.ok(err instanceof DryRunFailedError, String(err));
    assert.match(
      err.message,
      new RegExp(`^ConfigMap/${ns}/cm dry-run failed \\(Forbidden\\): .*"system:serviceaccount:${ns}:deployer"`),
    );
    return true;
  });

  await applyAllStaged(admin, [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'configmaps', namespace: ns },
      rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'create', 'patch'] }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'deployer', namespace: ns },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'configmaps' },
      subjects: [{ kind: 'ServiceAccount', name: 'deployer', namespace: ns }],
    },
  ] as KubeObject[]);
  const viaDefault = await clientFor(admin, { namespace: ns, defaultServiceAccount: 'deployer' });
  const changeSet = await applyAllStaged(viaDefault, [configMap(ns, 'cm')]);
  assert.equal(changeSetMap(changeSet).get(`ConfigMap/${ns}/cm`), 'created');
  await assert.rejects(
    applyAllStaged(viaDefault, [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: ns } }]),
    /^DryRunFailedError: Secret\/.+\/s dry-run failed \(Forbidden\)/,
  );
});

void test('a client for a remote cluster comes from the kubeconfig in a Secret, value or value.yaml', async (t) => {
  const cluster = await useCluster();
  const admin = new KubeClient(cluster.kubeConfig);
  const ns = await useNamespace(t, cluster);
  const kubeconfig = await readFile(cluster.kubeconfigPath);
  await admin.create({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'remote', namespace: ns },
    data: { 'value.yaml': kubeconfig.toString('base64'), other: Buffer.from('not: [a kubeconfig').toString('base64') },
  });
  const remote = await clientFor(admin, { namespace: ns, kubeConfig: { secretRef: { name: 'remote' } } });
  assert.notEqual(remote, admin);
  const got = await remote.get({ apiVersion: 'v1', kind: 'Namespace' }, { name: ns });
  assert.equal(got.metadata.name, ns);

  await assert.rejects(
    clientFor(admin, { namespace: ns, kubeConfig: { secretRef: { name: 'remote', key: 'value' } } }),
    (err: unknown) =>
      err instanceof KubeConfigSecretError &&
      err.message === `KubeConfig secret '${ns}/remote' does not contain a 'value' key with data`,
  );
  await assert.rejects(
    clientFor(admin, { namespace: ns, kubeConfig: { secretRef: { name: 'remote', key: 'other' } } }),
    (err: unknown) => err instanceof KubeConfigSecretError && !err.message.includes('not: ['),
  );
  await assert.rejects(
    clientFor(admin, { namespace: ns, kubeConfig: { secretRef: { name: 'missing' } } }),
    new RegExp(`^KubeConfigSecretError: KubeConfig secret '${ns}/missing' not found`),
  );
});

void test('wait fails early when the Pods of a StatefulSet crash', async (t) => {
  const cluster = await useCluster();
  const client = new KubeClient(cluster.kubeConfig);
  const ns = await useNamespace(t, cluster);
  const sts: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'db', namespace: ns },
    spec: {
      serviceName: 'db',
      replicas: 1,
      selector: { matchLabels: { app: 'db' } },
      template: {
        metadata: { labels: { app: 'db' }, annotations: { 'devcluster.fluxts.dev/simulate': 'crash' } },
        spec: { containers: [{ name: 'db', image: 'postgres:17' }] },
      },
    },
  };
  await applyAllStaged(client, [sts]);
  const started = Date.now();
  await assert.rejects(waitForSet(client, [refOf(sts)], { interval: 500, timeout: 60_000 }), (err: unknown) => {
    assert.ok(err instanceof WaitError, String(err));
    assert.equal(err.timedOut, false);
    assert.equal(
      err.message,
      `failed early due to stalled resources: [StatefulSet/${ns}/db status: 'Failed': 1 pods have failed]`,
    );
    return true;
  });
  assert.ok(Date.now() - started < 50_000, 'fail-fast, not the timeout');
});

void test('under impersonation a RoleBinding to a Role of the same set needs the Role in an earlier stage', async (t) => {
  const cluster = await useCluster();
  const admin = new KubeClient(cluster.kubeConfig);
  const ns = await useNamespace(t, cluster);
  const rbac = 'rbac.authorization.k8s.io';
  await applyAllStaged(admin, [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'deployer', namespace: ns } },
    {
      apiVersion: `${rbac}/v1`,
      kind: 'Role',
      metadata: { name: 'deployer', namespace: ns },
      rules: [
        { apiGroups: [rbac], resources: ['roles', 'rolebindings'], verbs: ['get', 'create', 'patch'] },
        { apiGroups: [''], resources: ['configmaps'], verbs: ['get'] },
      ],
    },
    {
      apiVersion: `${rbac}/v1`,
      kind: 'RoleBinding',
      metadata: { name: 'deployer', namespace: ns },
      roleRef: { apiGroup: rbac, kind: 'Role', name: 'deployer' },
      subjects: [{ kind: 'ServiceAccount', name: 'deployer', namespace: ns }],
    },
  ] as KubeObject[]);
  const set = [
    {
      apiVersion: `${rbac}/v1`,
      kind: 'Role',
      metadata: { name: 'reader', namespace: ns },
      rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }],
    },
    {
      apiVersion: `${rbac}/v1`,
      kind: 'RoleBinding',
      metadata: { name: 'reader', namespace: ns },
      roleRef: { apiGroup: rbac, kind: 'Role', name: 'reader' },
      subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: ns }],
    },
  ] as KubeObject[];
  const deployer = await clientFor(admin, { namespace: ns, serviceAccountName: 'deployer' });

  // One stage: the binding is judged while its Role does not exist (Flux fails the same way).
  await assert.rejects(applyAllStaged(deployer, set), (err: unknown) => {
    assert.ok(err instanceof DryRunFailedError, String(err));
    // The server answers the escalation check of an apply-create as NotFound.
    assert.match(
      err.message,
      new RegExp(`^RoleBinding/${ns}/reader dry-run failed \\((Forbidden|NotFound)\\): .*not found`),
    );
    return true;
  });
  await assert.rejects(
    admin.get({ apiVersion: `${rbac}/v1`, kind: 'Role' }, { namespace: ns, name: 'reader' }),
    isNotFound,
  );

  const changeSet = await applyAllStaged(deployer, set, { customStageKinds: new Set([`${rbac}/Role`]) });
  assert.deepEqual(
    changeSet.map((e) => `${e.subject} ${e.action}`),
    [`Role/${ns}/reader created`, `RoleBinding/${ns}/reader created`],
  );
});
