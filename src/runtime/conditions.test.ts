import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { ConditionsHolder } from './condition-types.ts';
import * as conditions from './conditions.ts';

function object(generation: number): ConditionsHolder {
  return { metadata: { generation } };
}

void test('set stamps observedGeneration and a second-precision UTC transition time', () => {
  const obj = object(3);
  conditions.set(
    obj,
    { type: 'Ready', status: 'True', reason: 'Succeeded', message: 'ok' },
    new Date('2026-01-02T03:04:05.678Z'),
  );
  assert.deepEqual(obj.status?.conditions, [
    {
      type: 'Ready',
      status: 'True',
      reason: 'Succeeded',
      message: 'ok',
      observedGeneration: 3,
      lastTransitionTime: '2026-01-02T03:04:05Z',
    },
  ]);
});

void test('lastTransitionTime moves only when status, reason or message change; generation always updates', () => {
  const obj = object(1);
  const t0 = new Date('2026-01-01T00:00:00Z');
  conditions.set(obj, { type: 'Ready', status: 'False', reason: 'Failed', message: 'x' }, t0);
  obj.metadata.generation = 2;
  conditions.set(
    obj,
    { type: 'Ready', status: 'False', reason: 'Failed', message: 'x' },
    new Date('2026-01-01T00:01:00Z'),
  );
  assert.equal(conditions.get(obj, 'Ready')?.lastTransitionTime, '2026-01-01T00:00:00Z');
  assert.equal(conditions.get(obj, 'Ready')?.observedGeneration, 2);
  conditions.set(
    obj,
    { type: 'Ready', status: 'False', reason: 'Failed', message: 'y' },
    new Date('2026-01-01T00:02:00Z'),
  );
  assert.equal(conditions.get(obj, 'Ready')?.lastTransitionTime, '2026-01-01T00:02:00Z');
  conditions.set(
    obj,
    { type: 'Ready', status: 'True', reason: 'Failed', message: 'y' },
    new Date('2026-01-01T00:03:00Z'),
  );
  assert.equal(conditions.get(obj, 'Ready')?.lastTransitionTime, '2026-01-01T00:03:00Z');
});

void test('conditions sort Stalled, Reconciling, Ready first, then by type', () => {
  const obj = object(1);
  for (const type of ['SourceVerified', 'Ready', 'ArtifactInStorage', 'Reconciling', 'FetchFailed']) {
    conditions.markTrue(obj, type, 'R', '');
  }
  assert.deepEqual(
    obj.status?.conditions?.map((c) => c.type),
    ['Reconciling', 'Ready', 'ArtifactInStorage', 'FetchFailed', 'SourceVerified'],
  );
  conditions.markStalled(obj, 'InvalidURL', 'bad');
  assert.deepEqual(
    obj.status?.conditions?.map((c) => c.type),
    ['Stalled', 'Ready', 'ArtifactInStorage', 'FetchFailed', 'SourceVerified'],
  );
});

void test('markReconciling and markStalled cancel each other', () => {
  const obj = object(1);
  conditions.markStalled(obj, 'InvalidURL', 'bad url');
  assert.ok(conditions.isStalled(obj));
  conditions.markReconciling(obj, 'Progressing', 'working');
  assert.ok(conditions.isReconciling(obj));
  assert.equal(conditions.has(obj, 'Stalled'), false);
  conditions.markStalled(obj, 'InvalidURL', 'bad url');
  assert.equal(conditions.has(obj, 'Reconciling'), false);
});

void test('getters: isTrue/isFalse/isUnknown and remove', () => {
  const obj = object(1);
  assert.ok(conditions.isUnknown(obj, 'Ready'));
  conditions.markFalse(obj, 'Ready', 'Failed', 'no');
  assert.ok(conditions.isFalse(obj, 'Ready'));
  assert.equal(conditions.isReady(obj), false);
  conditions.markUnknown(obj, 'Ready', 'Progressing', '');
  assert.ok(conditions.isUnknown(obj, 'Ready'));
  conditions.remove(obj, 'Ready');
  assert.equal(conditions.has(obj, 'Ready'), false);
});

void test('a message over the CRD maxLength (32768 bytes) is trimmed with "..." as Flux trims it', () => {
  const obj = object(1);
  conditions.markFalse(obj, 'Ready', 'BuildFailed', 'x'.repeat(40_000));
  const message = conditions.get(obj, 'Ready')?.message ?? '';
  assert.equal(Buffer.byteLength(message), conditions.MAX_MESSAGE_BYTES);
  assert.ok(message.endsWith('x...'));
  // Never inside a character: 3-byte characters around the cut.
  const wide = conditions.trimMessage('€'.repeat(20_000));
  assert.ok(Buffer.byteLength(wide) <= conditions.MAX_MESSAGE_BYTES);
  assert.match(wide, /^€+\.\.\.$/u);
  const short = 'fine '.repeat(10);
  assert.equal(conditions.trimMessage(short), short);
});
