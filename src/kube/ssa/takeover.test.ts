import assert from 'node:assert/strict';
import { test } from 'node:test';

import { defaultTakeoverManagers, takeoverPatch, unionFields } from './takeover.ts';
import type { KubeObject } from '../client/index.ts';

const live = (managedFields: unknown[], annotations?: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'cm', namespace: 'ns', managedFields, ...(annotations ? { annotations } : {}) },
});
const own = { manager: 'kustomize-controller', operation: 'Apply', fieldsV1: { 'f:data': { 'f:a': {} } } };
const managers = defaultTakeoverManagers('kustomize-controller');

void test('kubectl managers are folded into our Apply entry; others are kept', () => {
  const edit = { manager: 'kubectl-edit', operation: 'Update', fieldsV1: { 'f:data': { 'f:b': {} } } };
  const csa = {
    manager: 'kubectl-client-side-apply',
    operation: 'Update',
    fieldsV1: { 'f:metadata': { 'f:labels': { 'f:x': {} } } },
  };
  const other = { manager: 'flux-client-side-apply', operation: 'Update', fieldsV1: { 'f:data': { 'f:c': {} } } };
  const status = { manager: 'kubectl', operation: 'Update', subresource: 'status', fieldsV1: {} };
  const ops = takeoverPatch(
    live([own, edit, other, csa, status], { 'kubectl.kubernetes.io/last-applied-configuration': '{}' }),
    managers,
    'kustomize-controller',
  );
  assert.deepEqual(ops, [
    { op: 'remove', path: '/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration' },
    {
      op: 'replace',
      path: '/metadata/managedFields',
      value: [
        other,
        status,
        {
          ...own,
          fieldsV1: { 'f:data': { 'f:a': {}, 'f:b': {} }, 'f:metadata': { 'f:labels': { 'f:x': {} } } },
        },
      ],
    },
  ]);
});

void test('without our entry the first matching manager is renamed; nothing to do gives no patch', () => {
  const first = { manager: 'before-first-apply', operation: 'Update', fieldsV1: { 'f:data': { 'f:a': {} } } };
  const ops = takeoverPatch(live([first]), managers, 'kustomize-controller');
  assert.deepEqual(ops, [
    {
      op: 'replace',
      path: '/metadata/managedFields',
      value: [{ ...first, manager: 'kustomize-controller', operation: 'Apply' }],
    },
  ]);
  assert.deepEqual(takeoverPatch(live([own]), managers, 'kustomize-controller'), []);
  // Override managers match their exact name only.
  const helm = { manager: 'helm', operation: 'Update', fieldsV1: {} };
  const helmish = { manager: 'helm-controller', operation: 'Update', fieldsV1: {} };
  const exact = defaultTakeoverManagers('kustomize-controller', ['helm']);
  const replaced = takeoverPatch(live([own, helm, helmish]), exact, 'kustomize-controller')[0]?.value as {
    manager: string;
  }[];
  assert.deepEqual(
    replaced.map((e) => e.manager),
    ['helm-controller', 'kustomize-controller'],
  );
});

void test('unionFields merges field tries', () => {
  assert.deepEqual(unionFields({ 'f:a': { 'f:b': {} } }, { 'f:a': { 'f:c': {} }, 'f:d': {} }), {
    'f:a': { 'f:b': {}, 'f:c': {} },
    'f:d': {},
  });
});
