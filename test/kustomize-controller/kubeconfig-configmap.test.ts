// spec.kubeConfig.configMapRef end to end: the test cluster is both the controller's cluster and the "remote" one,
// reached at its own address with a ServiceAccount token from the TokenRequest API (provider generic).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { kubeConfigFromConfigMap } from '../../src/kube/identity/index.ts';
import { useNamespace } from '../support/cluster.ts';
import {
  condition,
  getObject,
  gitRepository,
  type Harness,
  kustomization,
  requestReconcile,
  startHarness,
  waitReady,
} from './harness.ts';

let h: Harness;

/** The harness of harness.ts, with the ObjectLevelWorkloadIdentity feature gate on. */
before(async () => {
  h = await startHarness(['--feature-gates=ObjectLevelWorkloadIdentity=true']);
});

after(async () => {
  await h?.stop();
});

const configMapYaml = (name: string): string =>
  ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', `  name: ${name}`, 'data:', '  v: "1"', ''].join('\n');

/** remoteData describes the test cluster: its address and CA; the audience is the API server's issuer. */
function remoteData(serviceAccountName: string, extra: Record<string, string> = {}): Record<string, string> {
  const cluster = h.cluster.kubeConfig.getCurrentCluster();
  assert.ok(cluster?.caData, 'the test kubeconfig has a CA');
  // The dev control plane runs without --api-audiences, so its audience is the issuer, https://127.0.0.1:<port>.
  const address = new URL(cluster.server);
  return {
    provider: 'generic',
    address: cluster.server,
    'ca.crt': cluster.caData.toString('utf8'),
    audiences: `https://${address.host}\n`,
    serviceAccountName,
    ...extra,
  };
}

async function createConfigMap(ns: string, name: string, data: Record<string, string>): Promise<void> {
  await h.client.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data });
}

async function serviceAccount(ns: string, name: string, canWrite: boolean): Promise<void> {
  await h.client.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: ns } });
  if (!canWrite) return;
  await h.client.create({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name, namespace: ns },
    rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['*'] }],
  });
  await h.client.create({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name, namespace: ns },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
    subjects: [{ kind: 'ServiceAccount', name, namespace: ns }],
  });
}

async function source(ns: string): Promise<void> {
  const repo = h.git.createRepo(`${ns}-cm`);
  await repo.commit({ files: { 'app/cm.yaml': configMapYaml('cfg') } });
  await gitRepository(h, ns, 'repo', `${ns}-cm`);
}

describe('spec.kubeConfig.configMapRef', () => {
  test('provider generic applies with the token of the ConfigMap ServiceAccount', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    await source(ns);
    await serviceAccount(ns, 'deployer', true);
    await createConfigMap(ns, 'remote', remoteData('deployer'));
    await kustomization(h, ns, 'app', {
      path: './app',
      targetNamespace: ns,
      kubeConfig: { configMapRef: { name: 'remote' } },
    });
    const ks = await waitReady(h, ns, 'app', 'True');
    assert.deepEqual(
      (ks.status?.inventory?.entries ?? []).map((e) => e.id),
      [`${ns}_cfg__ConfigMap`],
    );
    assert.ok(await getObject(h, 'v1', 'ConfigMap', ns, 'cfg'));
  });

  test('the audience defaults to the cluster address', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    await source(ns);
    await serviceAccount(ns, 'deployer', true);
    const data = remoteData('deployer');
    delete data['audiences'];
    await createConfigMap(ns, 'remote', data);
    await kustomization(h, ns, 'app', {
      path: './app',
      targetNamespace: ns,
      kubeConfig: { configMapRef: { name: 'remote' } },
    });
    await waitReady(h, ns, 'app', 'True');
    assert.ok(await getObject(h, 'v1', 'ConfigMap', ns, 'cfg'));
  });

  test('a ServiceAccount without RBAC is Forbidden, naming the object and the ServiceAccount', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    await source(ns);
    await serviceAccount(ns, 'nobody', false);
    await createConfigMap(ns, 'remote', remoteData('nobody'));
    await kustomization(h, ns, 'app', {
      path: './app',
      targetNamespace: ns,
      kubeConfig: { configMapRef: { name: 'remote' } },
    });
    const ks = await waitReady(h, ns, 'app', 'False', 'ReconciliationFailed');
    const message = condition(ks, 'Ready')?.message ?? '';
    assert.match(message, new RegExp(`ConfigMap/${ns}/cfg`));
    assert.match(message, /forbidden/i);
    assert.match(message, new RegExp(`system:serviceaccount:${ns}:nobody`));
    assert.equal(await getObject(h, 'v1', 'ConfigMap', ns, 'cfg'), undefined);
  });

  test('spec.serviceAccountName is impersonated on top of the ConfigMap identity', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    await source(ns);
    // "gate" may only impersonate "deployer"; it cannot write ConfigMaps itself. "deployer" can.
    await serviceAccount(ns, 'gate', false);
    await serviceAccount(ns, 'deployer', true);
    await h.client.create({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'impersonate', namespace: ns },
      rules: [{ apiGroups: [''], resources: ['serviceaccounts'], resourceNames: ['deployer'], verbs: ['impersonate'] }],
    });
    await h.client.create({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'impersonate', namespace: ns },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'impersonate' },
      subjects: [{ kind: 'ServiceAccount', name: 'gate', namespace: ns }],
    });
    await createConfigMap(ns, 'remote', remoteData('gate'));
    await kustomization(h, ns, 'app', {
      path: './app',
      targetNamespace: ns,
      serviceAccountName: 'deployer',
      kubeConfig: { configMapRef: { name: 'remote' } },
    });
    await waitReady(h, ns, 'app', 'True');
    assert.ok(await getObject(h, 'v1', 'ConfigMap', ns, 'cfg'));
    // Impersonating an account "gate" may not impersonate is refused by the remote API server.
    await kustomization(h, ns, 'other', {
      path: './app',
      targetNamespace: ns,
      serviceAccountName: 'gate-other',
      kubeConfig: { configMapRef: { name: 'remote' } },
    });
    const ks = await waitReady(h, ns, 'other', 'False', 'ReconciliationFailed');
    assert.match(condition(ks, 'Ready')?.message ?? '', /impersonate/);
  });

  test('a missing ConfigMap is named, and creating it recovers', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    await source(ns);
    await serviceAccount(ns, 'deployer', true);
    await kustomization(h, ns, 'app', {
      path: './app',
      targetNamespace: ns,
      kubeConfig: { configMapRef: { name: 'absent' } },
    });
    const ks = await waitReady(h, ns, 'app', 'False', 'ReconciliationFailed');
    assert.match(condition(ks, 'Ready')?.message ?? '', new RegExp(`failed to get configmap ${ns}/absent`));
    // Created ConfigMaps are not watched (only updates of labelled ones are, as in Flux): ask for a reconcile.
    await createConfigMap(ns, 'absent', remoteData('deployer'));
    await requestReconcile(h, ns, 'app');
    await waitReady(h, ns, 'app', 'True', undefined, { timeoutMs: 15_000 });
  });

  test('provider aws is refused as not supported by fluxts', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    await source(ns);
    await createConfigMap(ns, 'remote', remoteData('deployer', { provider: 'aws', cluster: 'arn:aws:eks:x' }));
    await kustomization(h, ns, 'app', {
      path: './app',
      targetNamespace: ns,
      kubeConfig: { configMapRef: { name: 'remote' } },
    });
    const ks = await waitReady(h, ns, 'app', 'False', 'ReconciliationFailed');
    const message = condition(ks, 'Ready')?.message ?? '';
    assert.match(message, /provider 'aws' is not supported by fluxts/);
    assert.match(message, /secretRef/);
  });

  test('without the ObjectLevelWorkloadIdentity feature gate the ServiceAccount is refused', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    await serviceAccount(ns, 'deployer', true);
    await createConfigMap(ns, 'remote', remoteData('deployer'));
    await assert.rejects(
      kubeConfigFromConfigMap(h.client, ns, 'remote', { objectLevelWorkloadIdentity: false }),
      /ObjectLevelWorkloadIdentity feature gate is not enabled/,
    );
    const kc = await kubeConfigFromConfigMap(h.client, ns, 'remote', { objectLevelWorkloadIdentity: true });
    assert.match(kc.getCurrentUser()?.token ?? '', /^ey/);
  });

  test('without serviceAccountName the --default-kubeconfig-service-account is used, else it is an error', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    await serviceAccount(ns, 'deployer', true);
    const data = remoteData('deployer');
    delete data['serviceAccountName'];
    await createConfigMap(ns, 'remote', data);
    await assert.rejects(
      kubeConfigFromConfigMap(h.client, ns, 'remote', { objectLevelWorkloadIdentity: true }),
      /no serviceAccountName/,
    );
    const kc = await kubeConfigFromConfigMap(h.client, ns, 'remote', {
      objectLevelWorkloadIdentity: true,
      defaultServiceAccount: 'deployer',
    });
    const payload = (kc.getCurrentUser()?.token ?? '').split('.')[1] ?? '';
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub?: string };
    assert.equal(claims.sub, `system:serviceaccount:${ns}:deployer`);
  });
});
