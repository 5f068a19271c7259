import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as conditions from './conditions.ts';
import { done, retry, stalled } from './result.ts';
import { summarize, type FluxObject } from './shape.ts';

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
