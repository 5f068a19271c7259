import assert from 'node:assert/strict';
import { test } from 'node:test';

import { KubeClient } from '../../src/kube/client/index.ts';
import { Informer } from '../../src/runtime/informer.ts';
import { clientListWatch, type ListWatch } from '../../src/runtime/list-watch.ts';
import { useCluster, useNamespace } from '../support/cluster.ts';
import { eventually } from '../support/eventually.ts';
import { ensureWidgetCrd, widget, widgetType, type Widget } from './widget.ts';

void test('informer sees create, update and delete from the API server', async (t) => {
  const cluster = await useCluster();
  const client = new KubeClient(cluster.kubeConfig);
  await ensureWidgetCrd(client);
  const ns = await useNamespace(t, cluster);
  await client.create(widget(ns, 'before'));

  const informer = new Informer<Widget>(clientListWatch(client, widgetType, { namespace: ns }));
  const seen: string[] = [];
  informer.addHandlers({
    add: (o) => seen.push(`add ${o.metadata.name}`),
    update: (_o, n) => seen.push(`update ${n.metadata.name} size=${n.spec?.size}`),
    delete: (o) => seen.push(`delete ${o.metadata.name}`),
  });
  informer.start();
  t.after(() => informer.stop());
  await informer.waitForSync();
  assert.ok(informer.get(`${ns}/before`), 'the initial list is cached');
  assert.ok((await client.get<Widget>(widgetType, { namespace: ns, name: 'before' })).metadata['managedFields']);
  assert.equal(informer.get(`${ns}/before`)?.metadata['managedFields'], undefined, 'managedFields are not cached');

  await client.create(widget(ns, 'w', { size: 1 }));
  await eventually('add seen', () => Promise.resolve(seen.includes('add w') ? true : undefined), { timeoutMs: 10_000 });
  await client.patch(widgetType, { namespace: ns, name: 'w' }, 'merge', { spec: { size: 2 } });
  await eventually('update seen', () => Promise.resolve(seen.includes('update w size=2') ? true : undefined), {
    timeoutMs: 10_000,
  });
  assert.equal(informer.get(`${ns}/w`)?.spec?.size, 2);
  await client.delete(widgetType, { namespace: ns, name: 'w' });
  await eventually('delete seen', () => Promise.resolve(seen.includes('delete w') ? true : undefined), {
    timeoutMs: 10_000,
  });
  assert.equal(informer.get(`${ns}/w`), undefined);
  assert.deepEqual(seen, ['add before', 'add w', 'update w size=2', 'delete w']);
});

void test('informer re-lists after the API server answers 410 Gone to a too-old resourceVersion', async (t) => {
  const cluster = await useCluster();
  const client = new KubeClient(cluster.kubeConfig);
  await ensureWidgetCrd(client);
  const ns = await useNamespace(t, cluster);
  await client.create(widget(ns, 'a'));

  // The first watch starts from resourceVersion 1, long compacted out of the watch cache: the server must answer
  // 410 and the informer must recover by listing again (and then see everything created meanwhile).
  const real = clientListWatch<Widget>(client, widgetType, { namespace: ns });
  let first = true;
  const answers: string[] = [];
  const lw: ListWatch<Widget> = {
    list: () => real.list(),
    watch: async (rv, signal) => {
      const from = first ? '1' : rv;
      first = false;
      const events = await real.watch(from, signal);
      return (async function* () {
        for await (const e of events) {
          if (e.type === 'ERROR') answers.push(String((e.object as { code?: number }).code));
          yield e;
        }
      })();
    },
  };
  const informer = new Informer<Widget>(lw, { retryMs: 50 });
  informer.start();
  t.after(() => informer.stop());
  await informer.waitForSync();
  await client.create(widget(ns, 'b'));
  await eventually('b cached after the re-list', () => Promise.resolve(informer.get(`${ns}/b`)), { timeoutMs: 15_000 });
  assert.equal(informer.stats.gone, 1, `answers: ${answers.join(',')}`);
  assert.ok(informer.stats.lists >= 2);
  assert.ok(informer.get(`${ns}/a`));
});
