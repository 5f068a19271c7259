import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { KubeObject } from '../kube/client/index.ts';
import type { Controller } from './controller.ts';
import type { Informer, InformerHandlers } from './informer.ts';
import type { Manager } from './manager.ts';
import { addWatch, artifactChanged, becameReady, resourceVersionChanged } from './watches.ts';

const obj = (name: string, status: unknown = {}, rv = '1'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Thing',
  metadata: { name, namespace: 'ns', resourceVersion: rv },
  status,
});
const ready = (status: string, lastAppliedRevision?: string) => ({
  conditions: [{ type: 'Ready', status }],
  ...(lastAppliedRevision ? { lastAppliedRevision } : {}),
});

test('artifactChanged looks only at the artifact revision and digest', () => {
  const a = obj('s', { artifact: { revision: 'r1', digest: 'd1' }, conditions: [] });
  assert.equal(artifactChanged(a, obj('s', { artifact: { revision: 'r1', digest: 'd1' }, conditions: [{}] })), false);
  assert.equal(artifactChanged(a, obj('s', { artifact: { revision: 'r2', digest: 'd1' } })), true);
  assert.equal(artifactChanged(a, obj('s', { artifact: { revision: 'r1', digest: 'd2' } })), true);
  assert.equal(artifactChanged(obj('s'), obj('s', { artifact: { revision: 'r1' } })), true);
});

test('becameReady: turning Ready, or Ready at a new applied revision; never a dependency turning not ready', () => {
  assert.equal(becameReady(obj('d', ready('Unknown')), obj('d', ready('True', 'a'))), true);
  assert.equal(becameReady(obj('d', ready('True', 'a')), obj('d', ready('True', 'b'))), true);
  assert.equal(becameReady(obj('d', ready('True', 'a')), obj('d', ready('True', 'a'))), false);
  assert.equal(becameReady(obj('d', ready('True', 'a')), obj('d', ready('Unknown', 'a'))), false);
});

test('resourceVersionChanged skips resync re-deliveries', () => {
  assert.equal(resourceVersionChanged(obj('c', {}, '1'), obj('c', {}, '1')), false);
  assert.equal(resourceVersionChanged(obj('c', {}, '1'), obj('c', {}, '2')), true);
});

test('addWatch enqueues the referrers filed under the watched object, on the chosen events only', () => {
  const handlers: InformerHandlers<KubeObject>[] = [];
  const watched = {
    addHandlers: (h: InformerHandlers<KubeObject>) => handlers.push(h),
  } as unknown as Informer<KubeObject>;
  const requested: unknown[] = [];
  const manager = {
    informerFor: (type: unknown, opts: unknown) => (requested.push({ type, opts }), watched),
  } as unknown as Manager;
  const index = new Map([['Secret/ns/creds', [obj('a'), obj('b')]]]);
  const queued: string[] = [];
  const controller = {
    informer: { byIndex: (name: string, value: string) => (name === 'configRefs' ? (index.get(value) ?? []) : []) },
    queue: { add: (key: string) => queued.push(key) },
  } as unknown as Controller<KubeObject>;

  const informer = addWatch(manager, controller, {
    type: { apiVersion: 'v1', kind: 'Secret' },
    labelSelector: 'reconcile.fluxcd.io/watch=Enabled',
    index: 'configRefs',
    key: (o: KubeObject) => `Secret/${o.metadata.namespace}/${o.metadata.name}`,
    on: ['update', 'delete'],
    when: resourceVersionChanged,
  });
  assert.equal(informer, watched);
  assert.deepEqual(requested, [
    { type: { apiVersion: 'v1', kind: 'Secret' }, opts: { labelSelector: 'reconcile.fluxcd.io/watch=Enabled' } },
  ]);
  const h = handlers[0]!;
  assert.ok(!('add' in h), 'no add handler');
  h.update!(obj('creds', {}, '1'), obj('creds', {}, '1'));
  assert.deepEqual(queued, []);
  h.update!(obj('creds', {}, '1'), obj('creds', {}, '2'));
  h.delete!(obj('other'));
  assert.deepEqual(queued, ['ns/a', 'ns/b']);
});
