import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { KubeObject } from '../kube/client/index.ts';
import { Controller } from './controller.ts';
import { indexBySourceRef, sourceRefIndex, sourceRefKey } from './indexes.ts';
import { Informer } from './informer.ts';
import type { ListWatch } from './list-watch.ts';
import { createLogger } from './logger.ts';
import { done } from './result.ts';
import { storeKey } from './store.ts';

function staticListWatch(items: KubeObject[]): ListWatch<KubeObject> {
  return {
    list: () => Promise.resolve({ metadata: { resourceVersion: '1' }, items }),
    watch: (_rv, signal) =>
      Promise.resolve(
        (async function* () {
          await new Promise((r) => signal.addEventListener('abort', r));
          yield* [];
        })(),
      ),
  };
}

const ks = (name: string, sourceRef: object): KubeObject => ({
  metadata: { name, namespace: 'apps', resourceVersion: '1' },
  spec: { sourceRef },
});

void test('indexBySourceRef defaults the namespace to the consumer and skips objects without a ref', () => {
  assert.deepEqual(indexBySourceRef(ks('a', { kind: 'GitRepository', name: 'repo' })), ['GitRepository/apps/repo']);
  assert.deepEqual(indexBySourceRef(ks('b', { kind: 'OCIRepository', name: 'r', namespace: 'flux-system' })), [
    'OCIRepository/flux-system/r',
  ]);
  assert.deepEqual(indexBySourceRef({ metadata: { name: 'c' }, spec: {} }), []);
});

void test('a source event enqueues exactly the consumers indexed under it', async () => {
  const consumers = new Informer(
    staticListWatch([
      ks('uses-repo', { kind: 'GitRepository', name: 'repo' }),
      ks('uses-other', { kind: 'GitRepository', name: 'other' }),
      ks('uses-oci', { kind: 'OCIRepository', name: 'repo' }),
    ]),
  );
  consumers.addIndex(sourceRefIndex, indexBySourceRef);
  const sources = new Informer(
    staticListWatch([{ kind: 'GitRepository', metadata: { name: 'repo', namespace: 'apps', resourceVersion: '1' } }]),
  );
  const reconciled: string[] = [];
  const controller = new Controller({
    name: 'kustomization',
    type: { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' },
    informer: consumers,
    concurrent: 1,
    logger: createLogger('silent'),
    reconcile: (req) => {
      reconciled.push(req.key);
      return Promise.resolve(done());
    },
  });
  consumers.start();
  await consumers.waitForSync();
  controller.start();
  await new Promise((r) => setTimeout(r, 20));
  reconciled.length = 0;
  controller.watches(sources, (src) =>
    consumers
      .byIndex(sourceRefIndex, sourceRefKey('GitRepository', src.metadata.namespace ?? '', src.metadata.name ?? ''))
      .map(storeKey),
  );
  sources.start();
  await sources.waitForSync();
  await new Promise((r) => setTimeout(r, 20));
  await controller.stop();
  await sources.stop();
  await consumers.stop();
  assert.deepEqual(reconciled, ['apps/uses-repo']);
});
