import assert from 'node:assert/strict';
import { test } from 'node:test';

import { isNotFound, KubeClient } from '../../src/kube/client/index.ts';
import * as conditions from '../../src/runtime/conditions.ts';
import { addFinalizer, fluxFinalizer, removeFinalizer } from '../../src/runtime/finalizers.ts';
import { StatusPatcher } from '../../src/runtime/status-patcher.ts';
import { useCluster, useNamespace } from '../support/cluster.ts';
import { eventually } from '../support/eventually.ts';
import { ensureWidgetCrd, widget, widgetType, type Widget } from './widget.ts';

void test('status patcher sends only what changed and keeps fields written by others', async (t) => {
  const cluster = await useCluster();
  const client = new KubeClient(cluster.kubeConfig);
  await ensureWidgetCrd(client);
  const ns = await useNamespace(t, cluster);
  const key = { namespace: ns, name: 'w' };
  await client.create(widget(ns, 'w'));
  await client.patch(
    widgetType,
    key,
    'merge',
    { status: { ours: 'old', shared: { a: 1, b: 1 } } },
    { subresource: 'status' },
  );

  const loaded = await client.get<Widget>(widgetType, key);
  const patcher = new StatusPatcher(client, loaded, 'fluxts-test');
  // Another writer changes a field we never touch, after our snapshot.
  await client.patch(
    widgetType,
    key,
    'merge',
    { status: { theirs: 'kept', shared: { b: 2 } } },
    { subresource: 'status' },
  );

  loaded.status!['ours'] = 'new';
  (loaded.status!['shared'] as Record<string, number>)['a'] = 5;
  conditions.markTrue(loaded, 'Ready', 'Succeeded', 'done');
  assert.deepEqual(Object.keys(patcher.diff(loaded)?.['status'] as object).sort(), ['conditions', 'ours', 'shared']);
  assert.equal(await patcher.patch(loaded), true);
  assert.equal(await patcher.patch(loaded), false, 'nothing left to send');

  const after = await client.get<Widget>(widgetType, key);
  assert.equal(after.status?.['ours'], 'new');
  assert.equal(after.status?.['theirs'], 'kept', 'a field we did not change survives');
  assert.deepEqual(after.status?.['shared'], { a: 5, b: 2 }, 'only the changed leaf was sent');
  assert.equal(after.status?.conditions?.[0]?.type, 'Ready');
  assert.equal(after.spec === undefined || typeof after.spec === 'object', true);
});

void test('finalizers are added and removed; a finalized object waits for removal before it is deleted', async (t) => {
  const cluster = await useCluster();
  const client = new KubeClient(cluster.kubeConfig);
  await ensureWidgetCrd(client);
  const ns = await useNamespace(t, cluster);
  const key = { namespace: ns, name: 'w' };
  await client.create({
    ...widget(ns, 'w'),
    metadata: { name: 'w', namespace: ns, finalizers: ['example.com/other'] },
  });

  const obj = await client.get<Widget>(widgetType, key);
  assert.equal(await addFinalizer(client, obj, 'fluxts-test'), true);
  assert.equal(await addFinalizer(client, obj, 'fluxts-test'), false, 'idempotent');
  assert.deepEqual((await client.get<Widget>(widgetType, key)).metadata.finalizers, [
    'example.com/other',
    fluxFinalizer,
  ]);

  await client.delete(widgetType, key);
  const deleting = await client.get<Widget>(widgetType, key);
  assert.ok(deleting.metadata.deletionTimestamp, 'held by finalizers');
  assert.equal(await removeFinalizer(client, deleting, 'fluxts-test'), true);
  assert.deepEqual((await client.get<Widget>(widgetType, key)).metadata.finalizers, ['example.com/other']);
  await removeFinalizer(client, deleting, 'fluxts-test', 'example.com/other');
  await eventually(
    'object deleted',
    async () => {
      try {
        await client.get(widgetType, key);
        return undefined;
      } catch (err) {
        if (isNotFound(err)) return true;
        throw err;
      }
    },
    { timeoutMs: 10_000 },
  );
});

void test('a stale resourceVersion makes a finalizer patch fail with a conflict instead of dropping changes', async (t) => {
  const cluster = await useCluster();
  const client = new KubeClient(cluster.kubeConfig);
  await ensureWidgetCrd(client);
  const ns = await useNamespace(t, cluster);
  await client.create(widget(ns, 'w'));
  const stale = await client.get<Widget>(widgetType, { namespace: ns, name: 'w' });
  await client.patch(widgetType, { namespace: ns, name: 'w' }, 'merge', {
    metadata: { finalizers: ['example.com/x'] },
  });
  await assert.rejects(
    addFinalizer(client, stale, 'fluxts-test'),
    (err: Error & { statusCode?: number }) => err.statusCode === 409,
  );
});

void test('a condition message over 32 KiB reaches the live object trimmed instead of failing the status patch', async (t) => {
  const cluster = await useCluster();
  const client = new KubeClient(cluster.kubeConfig);
  const ns = await useNamespace(t, cluster);
  const type = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository' };
  const key = { namespace: ns, name: 'huge-error' };
  await client.create({
    ...type,
    metadata: key,
    spec: { url: 'https://example.com/repo', interval: '1m' },
  });
  const loaded = await client.get<Widget>(type, key);
  const patcher = new StatusPatcher(client, loaded, 'fluxts-test');
  // An error that quotes a whole manifest can be this long; the CRD caps condition messages at 32768.
  const message = `kustomize build failed: ${'resource too large; '.repeat(3000)}`;
  conditions.markFalse(loaded, 'Ready', 'BuildFailed', message);
  assert.equal(await patcher.patch(loaded), true);
  const live = conditions.get(await client.get<Widget>(type, key), 'Ready');
  assert.equal(live?.reason, 'BuildFailed');
  assert.ok(live?.message.startsWith('kustomize build failed: resource too large;'));
  assert.ok(live?.message.endsWith('...'));
  assert.equal(Buffer.byteLength(live?.message ?? ''), conditions.MAX_MESSAGE_BYTES);
});
