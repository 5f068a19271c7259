// Whom a HelmRelease acts as, and how its health is judged, end to end on the real control plane with podinfo from a
// real Helm HTTP repository:
// - `serviceAccountName` is impersonated for every Helm operation: a ServiceAccount without RBAC cannot even read
//   the release storage (Ready=False ActionPlanError with the API server's Forbidden for that user, nothing
//   installed with the controller's own identity); once a Role is bound the same HelmRelease installs, and the
//   objects are the `helm-controller` field manager's;
// - `healthCheckExprs` replace kstatus in the install wait: a CEL `failed` rule that matches the Deployment once
//   its pods are ready makes the install fail (InstallFailed) where kstatus alone would succeed.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { isNotFound, type KubeObject } from '../../src/kube/index.ts';
import { useNamespace } from '../support/cluster.ts';
import { SHARED_FIXTURES } from '../support/fixtures.ts';
import { startHelmRepository, type TestHelmRepository } from '../support/helm-repository.ts';
import { condition, createPodinfoRelease, startHelmHarness, waitRelease, type HelmHarness } from './harness.ts';

const PODINFO = join(SHARED_FIXTURES, 'podinfo', 'charts', 'podinfo');
const DEPLOYMENT = { apiVersion: 'apps/v1', kind: 'Deployment' };

let h: HelmHarness;
let repo: TestHelmRepository;

before(async () => {
  [h, repo] = await Promise.all([startHelmHarness(), startHelmRepository()]);
  repo.addChart(PODINFO, '6.14.1');
});
after(async () => {
  await repo?.stop();
  await h?.stop();
});

describe('HelmRelease identity and health', () => {
  test('serviceAccountName without RBAC fails as that user; bound to a Role it installs', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    await h.client.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'deployer', namespace: ns } });
    await createPodinfoRelease(h.client, ns, repo.url, { serviceAccountName: 'deployer' });

    const denied = await waitRelease(h.client, ns, 'podinfo', { status: 'False', reason: 'ActionPlanError' });
    const message = condition(denied, 'Ready')!.message;
    assert.ok(
      message.startsWith('Could not determine Helm action: failed to retrieve last release from storage: '),
      message,
    );
    assert.ok(message.includes(`system:serviceaccount:${ns}:deployer`), message);
    assert.ok(message.includes('cannot list resource "secrets"'), message);
    // Nothing was made with the controller's own identity.
    await assert.rejects(h.client.get(DEPLOYMENT, { namespace: ns, name: 'podinfo' }), (err) => isNotFound(err));
    const secrets = await h.client.list({ apiVersion: 'v1', kind: 'Secret' }, { namespace: ns });
    assert.equal(secrets.items.filter((s) => s.metadata.name?.startsWith('sh.helm.release.v1.')).length, 0);

    await h.client.create({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'deployer', namespace: ns },
      rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }],
    });
    await h.client.create({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'deployer', namespace: ns },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'deployer' },
      subjects: [{ kind: 'ServiceAccount', name: 'deployer', namespace: ns }],
    });

    await waitRelease(h.client, ns, 'podinfo', { status: 'True', reason: 'InstallSucceeded' });
    const deployment = await h.client.get(DEPLOYMENT, { namespace: ns, name: 'podinfo' });
    const managers = ((deployment.metadata['managedFields'] ?? []) as { manager: string }[]).map((m) => m.manager);
    assert.ok(managers.includes('helm-controller'), managers.join(','));
  });

  test('a healthCheckExprs failed rule fails the install wait', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    await createPodinfoRelease(h.client, ns, repo.url, {
      install: { timeout: '5s' },
      healthCheckExprs: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          failed: 'has(status.readyReplicas) && status.readyReplicas >= 1',
          current: 'false',
        },
      ],
    });
    const hr = await waitRelease(h.client, ns, 'podinfo', { status: 'False', reason: 'InstallFailed' });
    const message = condition(hr, 'Ready')!.message;
    assert.ok(message.startsWith(`Helm install failed for release ${ns}/podinfo with chart podinfo@6.14.1: `), message);
    assert.ok(message.includes(`Deployment/${ns}/podinfo status: 'Failed'`), message);
    // kstatus alone finds the Deployment ready: the CEL rule made the difference.
    const deployment = await h.client.get<KubeObject & { status?: { readyReplicas?: number } }>(DEPLOYMENT, {
      namespace: ns,
      name: 'podinfo',
    });
    assert.equal(deployment.status?.readyReplicas, 1);
  });
});
