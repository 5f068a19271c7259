import assert from 'node:assert/strict';
import { test } from 'node:test';

import { APPLY_STAGES, compareRefs, stageIndex } from './stages.ts';

const ref = (apiVersion: string, kind: string, name = 'x', namespace = '') => {
  const slash = apiVersion.lastIndexOf('/');
  return {
    group: slash < 0 ? '' : apiVersion.slice(0, slash),
    version: apiVersion.slice(slash + 1),
    kind,
    namespace,
    name,
  };
};

void test('stage table: definitions, classes, custom kinds, rest', () => {
  const stageName = (r: ReturnType<typeof ref>, custom?: Set<string>) =>
    APPLY_STAGES[stageIndex(r, custom ? { customStageKinds: custom } : {})]!.name;
  assert.equal(stageName(ref('apiextensions.k8s.io/v1', 'CustomResourceDefinition')), 'definitions');
  assert.equal(stageName(ref('v1', 'Namespace')), 'definitions');
  assert.equal(stageName(ref('rbac.authorization.k8s.io/v1', 'ClusterRole')), 'definitions');
  // Only the well-known groups are definitions, as in fluxcd/pkg ssa/utils/is.go.
  assert.equal(stageName(ref('example.com/v1', 'Namespace')), 'rest');
  assert.equal(stageName(ref('example.com/v1', 'ClusterRole')), 'rest');
  assert.equal(stageName(ref('storage.k8s.io/v1', 'StorageClass')), 'classes');
  assert.equal(stageName(ref('karpenter.k8s.aws/v1', 'EC2NodeClass')), 'classes');
  assert.equal(stageName(ref('rbac.authorization.k8s.io/v1', 'Role')), 'rest');
  assert.equal(
    stageName(ref('rbac.authorization.k8s.io/v1', 'Role'), new Set(['rbac.authorization.k8s.io/Role'])),
    'custom',
  );
  assert.deepEqual(
    APPLY_STAGES.map((s) => s.wait),
    [true, true, false, false],
  );
});

void test("kind order inside a stage follows Flux's ReconcileOrder, then group, kind, namespace, name", () => {
  const refs = [
    ref('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration'),
    ref('apps/v1', 'Deployment', 'b', 'ns'),
    ref('networking.k8s.io/v1', 'Ingress', 'web', 'ns'),
    ref('batch/v1', 'Job', 'j', 'ns'),
    ref('v1', 'Service', 'web', 'ns'),
    ref('apps/v1', 'Deployment', 'a', 'ns'),
    ref('v1', 'ConfigMap', 'c', 'a-ns'),
    ref('v1', 'ServiceAccount', 'sa', 'ns'),
    ref('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'crb'),
    ref('admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration'),
    ref('v1', 'Secret', 's', 'ns'),
    ref('v1', 'ConfigMap', 'c', 'b-ns'),
  ];
  assert.deepEqual(
    refs.sort(compareRefs).map((r) => `${r.kind}/${r.namespace}/${r.name}`),
    [
      'ClusterRoleBinding//crb',
      'ServiceAccount/ns/sa',
      'ConfigMap/a-ns/c',
      'ConfigMap/b-ns/c',
      'Secret/ns/s',
      'Service/ns/web',
      'Deployment/ns/a',
      'Deployment/ns/b',
      // Unlisted kinds: by group (batch < networking.k8s.io).
      'Job/ns/j',
      'Ingress/ns/web',
      'MutatingWebhookConfiguration//x',
      'ValidatingWebhookConfiguration//x',
    ],
  );
});
