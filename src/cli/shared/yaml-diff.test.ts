// flux's dyff report on hand-made objects, one case per kind of change; test/cli-build-diff compares the whole
// `diff kustomization` output with the flux CLI's on a cluster.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { KubeObject } from '../../kube/index.ts';
import { reportChanges } from './yaml-diff.ts';

const cm = (rest: Record<string, unknown>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'a' },
  ...rest,
});

test('a scalar change, a type change and unchanged objects', () => {
  assert.equal(reportChanges(cm({ data: { k: 'v' } }), cm({ data: { k: 'v' } })), '');
  assert.equal(
    reportChanges(cm({ data: { k: 'v' } }), cm({ data: { k: 'w' } })),
    'data.k\n± value change\n- v\n+ w\n\n',
  );
  assert.equal(
    reportChanges(cm({ spec: { replicas: 1 } }), cm({ spec: { replicas: '1' } })),
    'spec.replicas\n± type change from int to string\n- 1\n+ 1\n\n',
  );
});

test('map entries removed and added print side by side', () => {
  const from = cm({ metadata: { name: 'a', labels: { x: '1' } } });
  const to = cm({ metadata: { name: 'a', labels: { y: '2' } } });
  assert.equal(
    reportChanges(from, to),
    'metadata.labels\n- one map entry removed:   + one map entry added:\nx: 1                         y: 2\n\n',
  );
});

test('named list entries are matched by name; an added one is listed, a changed field has its own path', () => {
  const from = cm({ spec: { ports: [{ name: 'http', port: 80 }] } });
  const to = cm({
    spec: {
      ports: [
        { name: 'http', port: 8080 },
        { name: 'grpc', port: 9090 },
      ],
    },
  });
  assert.equal(
    reportChanges(from, to),
    'spec.ports\n+ one list entry added:\n  - name: grpc\n    port: 9090\n\n' +
      'spec.ports.http.port\n± value change\n- 80\n+ 8080\n\n',
  );
});

test('multiline text is reported as a line diff counting changed runs', () => {
  assert.equal(
    reportChanges(cm({ data: { t: 'a\nb\nc\n' } }), cm({ data: { t: 'a\nB\nc\n' } })),
    'data.t\n± value change in multiline text (one insert, one deletion)\n- b\n+ B\n\n\n',
  );
});
