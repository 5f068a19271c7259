import assert from 'node:assert/strict';
import { test } from 'node:test';

import { diffObjects, hasDrifted } from './diff.ts';
import { normalizeObject } from './normalize.ts';
import type { KubeObject } from '../client/index.ts';

const cm = (extra: Partial<KubeObject> = {}, meta: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'cm', namespace: 'ns', resourceVersion: '5', ...meta },
  data: { a: '1' },
  ...extra,
});

void test('drift ignores managedFields, resourceVersion and status but not labels, annotations or data', () => {
  const live = cm({}, { managedFields: [{ manager: 'x' }], generation: 1 });
  assert.equal(hasDrifted(live, cm({}, { managedFields: [{ manager: 'y' }], resourceVersion: '5' })), false);
  assert.equal(hasDrifted(live, cm({ status: { x: 1 } })), false);
  assert.equal(hasDrifted(cm({}, { labels: {} }), cm()), false, 'empty and missing labels are equal');
  assert.equal(hasDrifted(live, cm({}, { labels: { a: 'b' } })), true);
  assert.equal(hasDrifted(live, cm({}, { annotations: { a: 'b' } })), true);
  assert.equal(hasDrifted(live, cm({ data: { a: '2' } })), true);
  assert.equal(hasDrifted(undefined, cm()), true);
  assert.equal(hasDrifted(live, cm({}, { resourceVersion: undefined })), true, 'a dry-run of a create');
});

void test('diffs of Secrets never show values', () => {
  const s = (data: Record<string, string>): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 's' },
    data,
  });
  const { live, merged } = diffObjects(s({ a: 'c2VjcmV0', b: 'c2FtZQ==' }), s({ a: 'b3RoZXI=', b: 'c2FtZQ==' }));
  assert.deepEqual(live['data'], { a: '*** (before)', b: '***' });
  assert.deepEqual(merged['data'], { a: '*** (after)', b: '***' });
});

void test('normalisation: stringData into data, TCP port defaults, no status or creationTimestamp', () => {
  const secret = normalizeObject({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 's', creationTimestamp: '2024-01-01T00:00:00Z' },
    data: { a: 'YQ==' },
    stringData: { b: 'b' },
    status: {},
  });
  assert.deepEqual(secret, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 's' },
    data: { a: 'YQ==', b: 'Yg==' },
  });
  const deploy = normalizeObject({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'd' },
    spec: {
      template: {
        spec: { containers: [{ name: 'c', ports: [{ containerPort: 80 }, { containerPort: 53, protocol: 'UDP' }] }] },
      },
    },
  });
  assert.deepEqual(
    (deploy.spec as { template: { spec: { containers: { ports: unknown[] }[] } } }).template.spec.containers[0]?.ports,
    [
      { containerPort: 80, protocol: 'TCP' },
      { containerPort: 53, protocol: 'UDP' },
    ],
  );
  const crd = normalizeObject({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'c' },
    status: { x: 1 },
  });
  assert.deepEqual(crd.status, { x: 1 }, 'kstatus reads CRD status');
});
