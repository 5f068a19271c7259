import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { KubeClient } from '../kube/index.ts';
import * as conditions from './conditions.ts';
import type { ReconcileRequest } from './controller.ts';
import type { Informer } from './informer.ts';
import type { Manager } from './manager.ts';
import { done, isSuccess, retry, stalled } from './result.ts';
import type { FluxObject } from './flux-object.ts';
import { objectReconciler, summarize } from './shape.ts';

function flux(generation: number, requestedAt?: string): FluxObject {
  return {
    metadata: {
      name: 'n',
      namespace: 'ns',
      generation,
      ...(requestedAt ? { annotations: { 'reconcile.fluxcd.io/requestedAt': requestedAt } } : {}),
    },
    status: { observedGeneration: 1 },
  };
}

void test('success advances observedGeneration, clears Reconciling and echoes requestedAt', () => {
  const obj = flux(2, 'token-1');
  conditions.markReconciling(obj, 'Progressing', 'working');
  conditions.markTrue(obj, 'Ready', 'Succeeded', 'ok');
  summarize(obj, done());
  assert.equal(obj.status?.observedGeneration, 2);
  assert.equal(obj.status?.lastHandledReconcileAt, 'token-1');
  assert.equal(conditions.has(obj, 'Reconciling'), false);
});

void test('transient failure keeps observedGeneration and sets Ready=False when the pipeline did not', () => {
  const obj = flux(2);
  conditions.markReconciling(obj, 'Progressing', 'working');
  summarize(obj, retry(new Error('boom')));
  assert.equal(obj.status?.observedGeneration, 1);
  assert.equal(conditions.get(obj, 'Ready')?.reason, 'ReconciliationFailed');
  assert.equal(conditions.get(obj, 'Ready')?.message, 'boom');
  assert.ok(conditions.isReconciling(obj));
  assert.equal(conditions.get(obj, 'Reconciling')?.reason, 'ProgressingWithRetry');
  assert.equal(conditions.get(obj, 'Reconciling')?.message, 'boom');
});

void test('stalled failure marks Stalled with the Ready reason and advances observedGeneration', () => {
  const obj = flux(3);
  conditions.markFalse(obj, 'Ready', 'InvalidURL', 'bad url');
  summarize(obj, stalled(new Error('bad url')));
  assert.ok(conditions.isStalled(obj));
  assert.equal(conditions.get(obj, 'Stalled')?.reason, 'InvalidURL');
  assert.equal(conditions.get(obj, 'Ready')?.reason, 'InvalidURL');
  assert.equal(obj.status?.observedGeneration, 3);
});

void test('a status patch the apiserver refuses is logged and retried, never dropped silently', async () => {
  const obj: FluxObject = {
    apiVersion: 'example.com/v1',
    kind: 'Widget',
    metadata: { name: 'n', namespace: 'ns', generation: 1, finalizers: ['finalizers.fluxcd.io'] },
    status: {},
  };
  const refused = new Error('Widget.example.com "n" is invalid: status.conditions[0].message: Too long');
  const client = {
    patch: () => Promise.reject(refused),
  } as unknown as KubeClient;
  const metrics = { recordDuration() {}, recordReadiness() {}, recordCondition() {}, recordSuspend() {} };
  const manager = { client, metrics, jitter: (ms: number) => ms, name: 'test-controller' } as unknown as Manager;
  const informer = { get: () => obj } as unknown as Informer<FluxObject>;
  const logged: { level: string; fields: unknown; msg: string }[] = [];
  const log = {
    error: (fields: unknown, msg: string) => logged.push({ level: 'error', fields, msg }),
    info: () => undefined,
  } as unknown as ReconcileRequest['log'];
  const request = {
    key: 'ns/n',
    namespace: 'ns',
    name: 'n',
    reconcileID: 'r',
    log,
    signal: new AbortController().signal,
  };

  for (const outcome of [done(), retry(new Error('build failed'))]) {
    logged.length = 0;
    const reconcile = objectReconciler({
      manager,
      type: { apiVersion: 'example.com/v1', kind: 'Widget' },
      informer,
      reconcile: (o) => {
        conditions.markFalse(o, 'Ready', 'Whatever', `attempt ${Math.random()}`);
        return Promise.resolve(outcome);
      },
    });
    const result = await reconcile(request);
    assert.ok(result.error, 'the reconcile is retried');
    assert.deepEqual(
      logged.map((l) => [l.level, l.msg, (l.fields as { error: string }).error]),
      [['error', 'status patch failed', refused.message]],
    );
  }
});

void test('a cache that still shows the version its own status patch replaced is waited for, not reconciled', async () => {
  let cached: FluxObject = {
    apiVersion: 'example.com/v1',
    kind: 'Widget',
    metadata: {
      name: 'n',
      namespace: 'ns',
      generation: 1,
      resourceVersion: '10',
      finalizers: ['finalizers.fluxcd.io'],
    },
    status: {},
  };
  let nextVersion = 11;
  const client = {
    patch: () => Promise.resolve({ metadata: { resourceVersion: String(nextVersion++) } }),
  } as unknown as KubeClient;
  const metrics = { recordDuration() {}, recordReadiness() {}, recordCondition() {}, recordSuspend() {} };
  const manager = { client, metrics, jitter: (ms: number) => ms, name: 'test-controller' } as unknown as Manager;
  const informer = { get: () => cached } as unknown as Informer<FluxObject>;
  const log = { error: () => undefined, info: () => undefined } as unknown as ReconcileRequest['log'];
  const request = {
    key: 'ns/n',
    namespace: 'ns',
    name: 'n',
    reconcileID: 'r',
    log,
    signal: new AbortController().signal,
  };
  let runs = 0;
  const reconcile = objectReconciler({
    manager,
    type: { apiVersion: 'example.com/v1', kind: 'Widget' },
    informer,
    reconcile: (o) => {
      runs++;
      conditions.markTrue(o, 'Ready', 'Succeeded', `run ${runs}`);
      return Promise.resolve(done());
    },
  });

  await reconcile(request); // writes status: version 10 -> 11
  assert.equal(runs, 1);
  const waited = await reconcile(request); // the cache still holds version 10
  assert.equal(runs, 1, 'no work on a status the controller itself has replaced');
  assert.ok(isSuccess(waited) && waited.requeueAfter > 0, 'looks again later');

  cached = { ...cached, metadata: { ...cached.metadata, resourceVersion: '11' } };
  await reconcile(request);
  assert.equal(runs, 2, 'the caught-up cache is reconciled');
  cached = { ...cached, metadata: { ...cached.metadata, resourceVersion: '99' } }; // someone else's write
  await reconcile(request);
  assert.equal(runs, 3);
});
