import assert from 'node:assert/strict';
import { test } from 'node:test';

import { isNotFound, KubeClient, type KubeObject } from '../../src/kube/client/index.ts';
import * as conditions from '../../src/runtime/conditions.ts';
import { createLogger } from '../../src/runtime/logger.ts';
import type { Manager } from '../../src/runtime/manager.ts';
import { requeueAfter, stalled } from '../../src/runtime/result.ts';
import { startManager, type ControllerSetup } from '../../src/runtime/run.ts';
import { intervalOf, objectReconciler } from '../../src/runtime/shape.ts';
import { useCluster, useNamespace } from '../support/cluster.ts';
import { eventually } from '../support/eventually.ts';
import { testOptions } from './options.ts';
import { ensureWidgetCrd, widget, widgetType, type Widget } from './widget.ts';

/** widgetController is a minimal controller on the shared shape: Ready=True with the spec size in the message. */
function widgetController(reconciled: string[]): ControllerSetup {
  return {
    name: 'widget-controller',
    setup(manager: Manager) {
      const informer = manager.informerFor<Widget>(widgetType);
      manager.addController<Widget>({
        name: 'widget',
        type: widgetType,
        reconcile: objectReconciler<Widget>({
          manager,
          type: widgetType,
          informer,
          reconcile: (obj) => {
            reconciled.push(obj.metadata.name ?? '');
            if ((obj.spec?.size ?? 0) < 0) {
              conditions.markFalse(obj, 'Ready', 'InvalidSize', 'size must not be negative');
              return Promise.resolve(stalled(new Error('size must not be negative')));
            }
            conditions.markTrue(obj, 'Ready', 'Succeeded', `size ${obj.spec?.size ?? 0}`);
            manager.events.event(obj, { severity: 'info', reason: 'Succeeded', message: 'reconciled' });
            return Promise.resolve(requeueAfter(intervalOf(obj)));
          },
        }),
      });
    },
  };
}

async function text(url: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.text() };
}

void test('manager reconciles a kind end to end: finalizer, conditions, requestedAt, suspend, metrics, probes, delete', async (t) => {
  const cluster = await useCluster();
  const client = new KubeClient(cluster.kubeConfig);
  await ensureWidgetCrd(client);
  const ns = await useNamespace(t, cluster);
  const otherNs = await useNamespace(t, cluster);
  const reconciled: string[] = [];
  const running = await startManager(testOptions(ns), [widgetController(reconciled)], {
    kubeConfig: cluster.kubeConfig,
    logger: createLogger('silent'),
  });
  t.after(() => running.stop());
  const key = { namespace: ns, name: 'w' };

  await client.create(widget(ns, 'w', { interval: '10m', size: 3 }));
  await client.create(widget(otherNs, 'elsewhere', { interval: '10m' }));
  const ready = await eventually(
    'Widget Ready',
    async () => {
      const w = await client.get<Widget>(widgetType, key);
      return conditions.isReady(w) ? w : undefined;
    },
    { timeoutMs: 20_000 },
  );
  assert.deepEqual(ready.metadata.finalizers, ['finalizers.fluxcd.io']);
  assert.equal(ready.status?.observedGeneration, ready.metadata.generation);
  assert.equal(conditions.get(ready, 'Ready')?.message, 'size 3');
  assert.equal(reconciled.includes('elsewhere'), false, '--watch-all-namespaces=false keeps to the runtime namespace');

  // requestedAt triggers a reconcile at once and is echoed in status.
  await client.patch(widgetType, key, 'merge', {
    metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': 'now-1' } },
  });
  await eventually(
    'requestedAt handled',
    async () => {
      const w = await client.get<Widget>(widgetType, key);
      return w.status?.lastHandledReconcileAt === 'now-1' ? true : undefined;
    },
    { timeoutMs: 10_000 },
  );

  // A terminal error stalls, keeps Ready=False with its own reason, and is not retried.
  await client.patch(widgetType, key, 'merge', { spec: { size: -1 } });
  const stalledObj = await eventually(
    'Stalled',
    async () => {
      const w = await client.get<Widget>(widgetType, key);
      return conditions.isStalled(w) ? w : undefined;
    },
    { timeoutMs: 10_000 },
  );
  assert.equal(conditions.get(stalledObj, 'Ready')?.reason, 'InvalidSize');
  assert.equal(stalledObj.status?.observedGeneration, stalledObj.metadata.generation);
  const attempts = reconciled.length;
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(reconciled.length, attempts, 'a stalled object is not retried');

  // Suspend stops reconciling and shows in gotk_suspend_status.
  await client.patch(widgetType, key, 'merge', { spec: { suspend: true, size: 4 } });
  const base = `http://127.0.0.1:${running.metricsPort}/metrics`;
  await eventually(
    'suspend metric',
    async () => {
      const { body } = await text(base);
      return body.includes(`gotk_suspend_status{kind="Widget",name="w",namespace="${ns}"} 1`) ? true : undefined;
    },
    { timeoutMs: 10_000 },
  );
  assert.equal(
    conditions.get(await client.get<Widget>(widgetType, key), 'Ready')?.message,
    'size must not be negative',
  );

  const { status, body } = await text(base);
  assert.equal(status, 200);
  assert.match(body, /# TYPE gotk_reconcile_duration_seconds histogram/);
  assert.match(
    body,
    new RegExp(`gotk_reconcile_duration_seconds_count\\{kind="Widget",name="w",namespace="${ns}"\\} \\d+`),
  );
  assert.ok(
    body.includes(`gotk_reconcile_condition{kind="Widget",name="w",namespace="${ns}",type="Ready",status="False"} 1`),
    body,
  );
  assert.ok(
    body.includes(`gotk_reconcile_condition{kind="Widget",name="w",namespace="${ns}",type="Ready",status="True"} 0`),
  );
  assert.match(body, /controller_runtime_reconcile_total\{controller="widget",result="requeue_after"\} [1-9]/);
  assert.match(body, /controller_runtime_reconcile_errors_total\{controller="widget"\} [1-9]/);
  assert.ok(
    body.includes(`gotk_reconcile_condition{kind="Widget",name="w",namespace="${ns}",type="Stalled",status="True"} 1`),
  );

  assert.deepEqual(await text(`http://127.0.0.1:${running.healthPort}/healthz`), { status: 200, body: 'ok' });
  assert.deepEqual(await text(`http://127.0.0.1:${running.healthPort}/readyz`), { status: 200, body: 'ok' });
  assert.equal((await text(`http://127.0.0.1:${running.healthPort}/nope`)).status, 404);

  // Deletion runs even when suspended: the finalizer is removed and the object goes away.
  await client.delete(widgetType, key);
  await eventually(
    'deleted',
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
  await eventually(
    'deleted metric',
    async () => {
      const { body: after } = await text(base);
      return after.includes(
        `gotk_reconcile_condition{kind="Widget",name="w",namespace="${ns}",type="Ready",status="Deleted"} 1`,
      )
        ? true
        : undefined;
    },
    { timeoutMs: 5_000 },
  );

  const events = await client.list<KubeObject & { reason?: string }>(
    { apiVersion: 'v1', kind: 'Event' },
    { namespace: ns },
  );
  assert.ok(
    events.items.some((e) => e.reason === 'Succeeded'),
    'the reconciler event was recorded',
  );

  await running.stop();
  await running.done;
});

void test(
  'a kind the server does not serve keeps /readyz failing, and stop still returns promptly',
  { timeout: 30_000 },
  async (t) => {
    const cluster = await useCluster();
    const ns = await useNamespace(t, cluster);
    const missing = { apiVersion: 'missing.fluxts.test/v1', kind: 'Missing' };
    const running = await startManager(
      testOptions(ns),
      [
        {
          name: 'missing-controller',
          setup(manager) {
            manager.addController({
              name: 'missing',
              type: missing,
              reconcile: () => Promise.resolve(requeueAfter(0)),
            });
          },
        },
      ],
      { kubeConfig: cluster.kubeConfig, logger: createLogger('silent') },
    );
    t.after(() => running.stop());
    const readyz = await eventually(
      'readyz failing',
      async () => {
        const r = await text(`http://127.0.0.1:${running.healthPort}/readyz`);
        return r.status === 500 ? r : undefined;
      },
      { timeoutMs: 5_000 },
    );
    assert.match(readyz.body, /caches not synced: missing-controller/);
    assert.equal((await text(`http://127.0.0.1:${running.healthPort}/healthz`)).status, 200);
    const start = Date.now();
    await running.stop();
    await running.done;
    assert.ok(Date.now() - start < 3000, `stopped in ${Date.now() - start}ms`);
  },
);
