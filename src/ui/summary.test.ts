import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { KubeObject } from '../kube/index.ts';
import { UI_KINDS } from './kinds.ts';
import { compareRows, rowOf, stateOf } from './summary.ts';

const ks = UI_KINDS.find((k) => k.kind === 'Kustomization')!;
const alert = UI_KINDS.find((k) => k.kind === 'Alert')!;

const obj = (conditions: object[], extra: Partial<KubeObject> = {}): KubeObject => ({
  apiVersion: ks.apiVersion,
  kind: 'Kustomization',
  metadata: { name: 'app', namespace: 'apps', generation: 2 },
  spec: { sourceRef: { kind: 'GitRepository', name: 'repo' } },
  status: { conditions, lastAppliedRevision: 'main@sha1:abc' },
  ...extra,
});
const cond = (type: string, status: string, reason = 'R', observedGeneration = 2) => ({
  type,
  status,
  reason,
  message: `${type} ${status}`,
  observedGeneration,
  lastTransitionTime: '2026-01-01T00:00:00Z',
});

test('stateOf ranks what needs attention', () => {
  assert.equal(stateOf(obj([cond('Ready', 'True')]), ks), 'ready');
  assert.equal(stateOf(obj([cond('Ready', 'False')]), ks), 'failed');
  assert.equal(stateOf(obj([cond('Ready', 'False'), cond('Stalled', 'True')]), ks), 'stalled');
  // A retry after a failure stays failed while it runs.
  assert.equal(
    stateOf(obj([cond('Ready', 'Unknown'), cond('Reconciling', 'True', 'ProgressingWithRetry')]), ks),
    'failed',
  );
  assert.equal(stateOf(obj([cond('Ready', 'Unknown'), cond('Reconciling', 'True', 'Progressing')]), ks), 'progressing');
  // Ready from an older generation: the new spec is not handled yet.
  assert.equal(stateOf(obj([cond('Ready', 'True', 'R', 1)]), ks), 'progressing');
  const suspended = obj([cond('Ready', 'True')], { spec: { suspend: true } });
  assert.equal(stateOf(suspended, ks), 'suspended');
  assert.equal(stateOf(obj([]), ks), 'unknown');
  assert.equal(stateOf({ metadata: { name: 'a' } }, alert), 'static');
});

test('rowOf summarizes and compareRows puts failing first', () => {
  const failing = rowOf('c', ks, obj([cond('Ready', 'False', 'BuildFailed')]));
  assert.deepEqual(
    {
      id: failing.id,
      state: failing.state,
      reason: failing.reason,
      revision: failing.revision,
      source: failing.source,
    },
    {
      id: 'c/Kustomization/apps/app',
      state: 'failed',
      reason: 'BuildFailed',
      revision: 'main@sha1:abc',
      source: 'GitRepository/apps/repo',
    },
  );
  const ready = { ...rowOf('c', ks, obj([cond('Ready', 'True')])), name: 'a' };
  assert.deepEqual([ready, failing].sort(compareRows), [failing, ready]);
});
