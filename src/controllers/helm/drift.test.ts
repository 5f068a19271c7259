import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { KubeObject } from '../../kube/index.ts';
import { changeSetLines, objectPatch, summarizeDrift, summarizeDriftBrief, type ObjectDrift } from './drift.ts';

const deployment = (
  replicas: number,
  labels: Record<string, string>,
  extra: Record<string, unknown> = {},
): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'apps', labels, resourceVersion: '7', managedFields: [] },
  spec: { replicas, ...extra },
  status: { readyReplicas: replicas },
});

test('objectPatch: label removals are not drift, additions and spec changes are; status is not compared', () => {
  const live = deployment(3, { app: 'web', 'added-by-someone': 'x' });
  const dryRun = deployment(1, { app: 'web', team: 'a' });
  assert.deepEqual(objectPatch(live, dryRun, []), [
    { op: 'add', path: '/metadata/labels/team', value: 'a' },
    { op: 'replace', path: '/spec/replicas', value: 1 },
  ]);
});

test('objectPatch leaves ignored paths out of both sides', () => {
  const live = deployment(3, { app: 'web' }, { paused: true });
  const dryRun = deployment(1, { app: 'web' });
  assert.deepEqual(objectPatch(live, dryRun, [['spec', 'replicas']]), [{ op: 'remove', path: '/spec/paused' }]);
  assert.deepEqual(objectPatch(live, dryRun, [['spec']]), []);
});

const ref = (kind: string, name: string) => ({ group: '', version: 'v1', kind, namespace: 'apps', name });

test('summaries list removed, changed and excluded objects as helm-controller words them', () => {
  const set: ObjectDrift[] = [
    { ref: ref('ConfigMap', 'cfg'), type: 'create', desired: {} as KubeObject, patch: [] },
    {
      ref: ref('Service', 'web'),
      type: 'update',
      desired: {} as KubeObject,
      patch: [
        { op: 'add', path: '/a', value: 1 },
        { op: 'replace', path: '/b', value: 1 },
        { op: 'replace', path: '/c', value: 1 },
      ],
    },
    { ref: ref('Secret', 's'), type: 'exclude', desired: {} as KubeObject, patch: [] },
    { ref: ref('ServiceAccount', 'sa'), type: 'none', desired: {} as KubeObject, patch: [] },
  ];
  assert.equal(
    summarizeDrift(set),
    'ConfigMap/apps/cfg removed\nService/apps/web changed (1 additions, 2 changes, 0 removals)\nSecret/apps/s excluded',
  );
  assert.equal(summarizeDriftBrief(set), 'removed: 1, changed: 1, excluded: 1');
  assert.equal(
    changeSetLines([
      { ...ref('ConfigMap', 'cfg'), subject: 'ConfigMap/apps/cfg', action: 'created' },
      { ...ref('Service', 'web'), subject: 'Service/apps/web', action: 'configured' },
    ]),
    'ConfigMap/apps/cfg created\nService/apps/web configured',
  );
});
