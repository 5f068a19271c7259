import assert from 'node:assert/strict';
import { test } from 'node:test';

import { KubeApiError, type KubeList, type KubeObject, type WatchEvent } from '../kube/client/index.ts';
import { Informer } from './informer.ts';
import type { ListWatch } from './list-watch.ts';

function obj(name: string, rv: string, source = 'repo'): KubeObject {
  return { metadata: { name, namespace: 'ns', resourceVersion: rv }, spec: { sourceRef: source } };
}

/** scripted is a ListWatch whose lists and watches are queued up by the test. */
function scripted(lists: KubeList[], watches: (WatchEvent[] | Error)[]) {
  const watchedFrom: string[] = [];
  const lw: ListWatch<KubeObject> = {
    list: () => {
      const next = lists.shift();
      return next ? Promise.resolve(next) : new Promise(() => {});
    },
    watch: (rv, signal) => {
      watchedFrom.push(rv);
      const next = watches.shift();
      if (next instanceof Error) return Promise.reject(next);
      async function* events() {
        if (Array.isArray(next)) for (const e of next) yield e;
        else await new Promise((r) => signal.addEventListener('abort', r));
      }
      return Promise.resolve(events());
    },
  };
  return { lw, watchedFrom };
}

void test('informer lists, watches from the list version, and re-lists with a diff after 410', async () => {
  const { lw, watchedFrom } = scripted(
    [
      { metadata: { resourceVersion: '10' }, items: [obj('a', '1'), obj('b', '2')] },
      { metadata: { resourceVersion: '30' }, items: [obj('a', '25'), obj('c', '26')] },
    ],
    [
      [
        { type: 'MODIFIED', object: obj('a', '11') },
        { type: 'BOOKMARK', object: { metadata: { resourceVersion: '15' } } },
        { type: 'ERROR', object: { metadata: {}, kind: 'Status', code: 410, reason: 'Expired', message: 'too old' } },
      ],
    ],
  );
  const informer = new Informer(lw);
  const seen: string[] = [];
  informer.addHandlers({
    add: (o) => seen.push(`add ${o.metadata.name}@${o.metadata.resourceVersion}`),
    update: (_o, n) => seen.push(`update ${n.metadata.name}@${n.metadata.resourceVersion}`),
    delete: (o) => seen.push(`delete ${o.metadata.name}`),
  });
  informer.start();
  await informer.waitForSync();
  while (informer.stats.lists < 2 || watchedFrom.length < 2) await new Promise((r) => setTimeout(r, 1));
  await informer.stop();
  assert.deepEqual(watchedFrom, ['10', '30']);
  assert.deepEqual(seen, ['add a@1', 'add b@2', 'update a@11', 'update a@25', 'add c@26', 'delete b']);
  assert.equal(informer.stats.gone, 1);
  assert.deepEqual(
    informer
      .list()
      .map((o) => o.metadata.name)
      .sort(),
    ['a', 'c'],
  );
});

void test('an HTTP 410 on watch also re-lists', async () => {
  const { lw } = scripted(
    [
      { metadata: { resourceVersion: '1' }, items: [] },
      { metadata: { resourceVersion: '2' }, items: [obj('x', '2')] },
    ],
    [new KubeApiError('GET /apis', 410, { reason: 'Expired', code: 410 })],
  );
  const informer = new Informer(lw);
  informer.start();
  while (informer.stats.lists < 2 || !informer.get('ns/x')) await new Promise((r) => setTimeout(r, 1));
  await informer.stop();
  assert.equal(informer.stats.gone, 1);
});

void test('indexes follow updates and deletes', async () => {
  const { lw } = scripted(
    [{ metadata: { resourceVersion: '5' }, items: [obj('k1', '1', 'git-a'), obj('k2', '2', 'git-a')] }],
    [
      [
        { type: 'MODIFIED', object: obj('k1', '6', 'git-b') },
        { type: 'DELETED', object: obj('k2', '7', 'git-a') },
      ],
    ],
  );
  const informer = new Informer(lw);
  informer.addIndex('sourceRef', (o) => [String((o.spec as { sourceRef: string }).sourceRef)]);
  informer.start();
  await informer.waitForSync();
  assert.deepEqual(
    informer
      .byIndex('sourceRef', 'git-a')
      .map((o) => o.metadata.name)
      .sort(),
    ['k1', 'k2'],
  );
  while (informer.get('ns/k2')) await new Promise((r) => setTimeout(r, 1));
  await informer.stop();
  assert.deepEqual(informer.byIndex('sourceRef', 'git-a'), []);
  assert.deepEqual(
    informer.byIndex('sourceRef', 'git-b').map((o) => o.metadata.name),
    ['k1'],
  );
});

void test('resync re-delivers cached objects as updates', async () => {
  const { lw } = scripted([{ metadata: { resourceVersion: '1' }, items: [obj('a', '1')] }], []);
  const informer = new Informer(lw, { resyncMs: 20 });
  let resyncs = 0;
  informer.addHandlers({ update: (o, n) => void (o === n && resyncs++) });
  informer.start();
  await informer.waitForSync();
  await new Promise((r) => setTimeout(r, 90));
  await informer.stop();
  assert.ok(resyncs >= 2, `resyncs ${resyncs}`);
});
