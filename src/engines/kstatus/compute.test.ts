import assert from 'node:assert/strict';
import { test } from 'node:test';

import { compileHealthChecks } from './cel.ts';
import { computeStatus, readStatus } from './compute.ts';

// kstatus itself is compared with Flux's Go code in test/kstatus; these cover the reader chain around it.

const job = (conditions: object[], extra: object = {}): Record<string, unknown> => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'migrate', namespace: 'apps', generation: 1 },
  spec: { completions: 1 },
  status: { startTime: '2026-01-01T00:00:00Z', active: 1, conditions },
  ...extra,
});

test('readStatus: a running Job is InProgress for Flux (kstatus alone says Current)', () => {
  const obj = job([]);
  assert.equal(computeStatus(obj).status, 'Current');
  assert.deepEqual(readStatus(obj), {
    ref: { group: 'batch', kind: 'Job', namespace: 'apps', name: 'migrate' },
    status: 'InProgress',
    message: 'Job in progress. success:0, active: 1, failed: 0',
  });
  assert.equal(readStatus(job([{ type: 'Complete', status: 'True' }])).status, 'Current');
  assert.equal(readStatus(job([{ type: 'Failed', status: 'True' }])).status, 'Failed');
});

const widget = (status: object): Record<string, unknown> => ({
  apiVersion: 'example.com/v1',
  kind: 'Widget',
  metadata: { name: 'w', namespace: 'apps', generation: 1 },
  status: { observedGeneration: 1, ...status },
});

test('readStatus: healthCheckExprs replace kstatus for their kind; kind-specific entries win over group-wide', () => {
  const custom = compileHealthChecks([
    { apiVersion: 'example.com/v1', current: 'true' },
    {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      current: "status.phase == 'Ready'",
      failed: "status.phase == 'Error'",
    },
  ]);
  const ready = widget({ phase: 'Ready', conditions: [{ type: 'Ready', status: 'False' }] });
  assert.equal(readStatus(ready).status, 'InProgress');
  assert.equal(readStatus(ready, { custom }).status, 'Current');
  assert.equal(readStatus(widget({ phase: 'Error' }), { custom }).status, 'Failed');
  assert.equal(readStatus(widget({ phase: 'Pending' }), { custom }).status, 'InProgress');
  const gadget = { ...widget({}), kind: 'Gadget' };
  assert.equal(readStatus(gadget, { custom }).status, 'Current');
});

test('readStatus: a CEL evaluation error is Unknown with the error', () => {
  const custom = compileHealthChecks([
    { apiVersion: 'example.com/v1', kind: 'Widget', current: 'status.missing == 1' },
  ]);
  const s = readStatus(widget({}), { custom });
  assert.equal(s.status, 'Unknown');
  assert.match(s.error ?? '', /^failed to evaluate the CEL expression 'status.missing == 1': /);
});

test('readStatus: healthCheckExprs for batch/Job are shadowed by the Job rule, as in Flux', () => {
  const custom = compileHealthChecks([{ apiVersion: 'batch/v1', kind: 'Job', current: 'true' }]);
  assert.equal(readStatus(job([]), { custom }).status, 'InProgress');
});

test('compileHealthChecks: invalid configurations carry Flux wording', () => {
  assert.throws(
    () => compileHealthChecks([{ apiVersion: 'example.com/v1', kind: 'Widget', current: '' }]),
    /^HealthCheckConfigError: failed to create custom status evaluator for healthchecks\[0\]: expression Current not specified$/,
  );
  assert.throws(
    () =>
      compileHealthChecks([
        { apiVersion: 'example.com/v1', kind: 'Widget', current: 'true' },
        { apiVersion: 'example.com/v2', kind: 'Widget', current: 'false' },
      ]),
    /duplicate custom health check for GroupKind Widget.example.com at healthchecks\[1\]/,
  );
  assert.throws(
    () => compileHealthChecks([{ apiVersion: 'v1', kind: 'ConfigMap', current: 'true', inProgress: '((' }]),
    /healthchecks\[0\]: failed to parse the expression InProgress: failed to parse the CEL expression '\(\(': /,
  );
});

const sts = {
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'db', namespace: 'apps', generation: 1 },
  spec: { replicas: 2 },
  status: { observedGeneration: 1, replicas: 2, readyReplicas: 1 },
};
const pod = (name: string, status: object, meta: object = {}): Record<string, unknown> => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'apps', ...meta },
  status,
});
const crashing = {
  phase: 'Running',
  containerStatuses: [{ name: 'db', state: { waiting: { reason: 'CrashLoopBackOff' } } }],
};

test('readStatus: failed Pods fail an InProgress StatefulSet, except deleted or unschedulable ones', () => {
  assert.equal(readStatus(sts).status, 'InProgress');
  assert.deepEqual(readStatus(sts, { pods: [pod('db-0', { phase: 'Running' }), pod('db-1', crashing)] }), {
    ref: { group: 'apps', kind: 'StatefulSet', namespace: 'apps', name: 'db' },
    status: 'Failed',
    message: '1 pods have failed',
  });
  const deleting = pod('db-1', crashing, { deletionTimestamp: '2026-01-01T00:00:00Z' });
  assert.equal(readStatus(sts, { pods: [deleting] }).status, 'InProgress');
  const unschedulable = pod(
    'db-1',
    { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }] },
    { creationTimestamp: '2020-01-01T00:00:00Z' },
  );
  assert.equal(readStatus(sts, { pods: [unschedulable] }).status, 'InProgress');
});

test('computeStatus: an unschedulable Pod is InProgress for 15 seconds after creation, then Failed', () => {
  const p = pod(
    'web',
    { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }] },
    { creationTimestamp: '2026-01-01T00:00:00Z' },
  );
  assert.equal(computeStatus(p, { now: new Date('2026-01-01T00:00:10Z') }).status, 'InProgress');
  assert.equal(computeStatus(p, { now: new Date('2026-01-01T00:00:16Z') }).status, 'Failed');
});

test('readStatus: malformed status fields are Unknown, not a crash', () => {
  const s = readStatus({
    apiVersion: 'example.com/v1',
    kind: 'Widget',
    metadata: { name: 'w' },
    status: { conditions: 'x' },
  });
  assert.equal(s.status, 'Unknown');
  assert.ok(s.error);
});
