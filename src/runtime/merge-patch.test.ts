import assert from 'node:assert/strict';
import { test } from 'node:test';

import { deepEqual, mergePatch } from './merge-patch.ts';
import { StatusPatcher } from './status-patcher.ts';
import type { KubeClient } from '../kube/client/index.ts';

void test('mergePatch is undefined when nothing changed', () => {
  assert.equal(mergePatch({ a: 1, b: { c: [1, 2] } }, { a: 1, b: { c: [1, 2] } }), undefined);
});

void test('mergePatch carries only changed leaves, nulls removed keys and replaces arrays whole', () => {
  const before = {
    observedGeneration: 1,
    artifact: { revision: 'a', size: 10 },
    conditions: [{ type: 'Ready' }],
    gone: 'x',
  };
  const after = {
    observedGeneration: 2,
    artifact: { revision: 'b', size: 10 },
    conditions: [{ type: 'Ready' }, { type: 'X' }],
  };
  assert.deepEqual(mergePatch(before, after), {
    observedGeneration: 2,
    artifact: { revision: 'b' },
    conditions: [{ type: 'Ready' }, { type: 'X' }],
    gone: null,
  });
});

void test('mergePatch treats undefined members as absent', () => {
  assert.equal(mergePatch({ a: 1 }, { a: 1, b: undefined }), undefined);
  assert.deepEqual(mergePatch({ a: 1, b: 2 }, { a: 1, b: undefined }), { b: null });
  assert.ok(deepEqual({ a: undefined }, {}));
});

void test('StatusPatcher diffs against the snapshot taken at load, not against later mutations', () => {
  const client = {} as KubeClient;
  const obj = { apiVersion: 'x/v1', kind: 'K', metadata: { name: 'n' }, status: { a: 1, nested: { keep: true } } };
  const patcher = new StatusPatcher(client, obj, 'test');
  assert.equal(patcher.diff(obj), undefined);
  obj.status.a = 2;
  obj.status.nested.keep = true;
  assert.deepEqual(patcher.diff(obj), { status: { a: 2 } });
});
