// Kustomization `spec.ignore` end to end: a field another manager owns is left alone on every reconcile from Git,
// while the same edit on an object the rule does not select is reverted.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { useNamespace } from '../support/cluster.ts';
import { eventually } from '../support/eventually.ts';
import {
  configMapYaml as configMap,
  getObject,
  gitRepository,
  type Harness,
  kustomization,
  requestReconcile,
  startHarness,
  waitReady,
} from './harness.ts';

let h: Harness;

before(async () => {
  h = await startHarness();
});

after(async () => {
  await h?.stop();
});

const cmType = { apiVersion: 'v1', kind: 'ConfigMap' };

const dataOf = async (ns: string, name: string): Promise<Record<string, string> | undefined> =>
  (await getObject(h, 'v1', 'ConfigMap', ns, name))?.['data'] as Record<string, string> | undefined;

describe('Kustomization spec.ignore', () => {
  test('an ignored field owned by another manager survives reconciles; unselected objects are reverted', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    const repo = h.git.createRepo(`${ns}-ignore`);
    await repo.commit({
      files: {
        'app/kept.yaml': configMap('kept', { a: '1', b: '1' }),
        'app/reverted.yaml': configMap('reverted', { a: '1' }),
      },
    });
    await gitRepository(h, ns, 'repo', `${ns}-ignore`);
    await kustomization(h, ns, 'app', {
      path: './app',
      targetNamespace: ns,
      interval: '1h',
      ignore: [{ paths: ['/data/a'], target: { kind: 'ConfigMap', name: 'kept' } }],
    });
    await waitReady(h, ns, 'app', 'True', 'ReconciliationSucceeded');

    // Another controller takes data.a of both ConfigMaps with a forced server-side apply.
    for (const name of ['kept', 'reverted']) {
      await h.client.patch(
        cmType,
        { namespace: ns, name },
        'apply',
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data: { a: 'other' } },
        { fieldManager: 'other-controller', force: true },
      );
    }
    await requestReconcile(h, ns, 'app');
    // Both objects are applied in the same run, so once one is reverted the other has been seen too.
    await eventually('the unselected ConfigMap is reverted', async () =>
      (await dataOf(ns, 'reverted'))?.['a'] === '1' ? true : undefined,
    );
    assert.equal((await dataOf(ns, 'kept'))?.['a'], 'other');

    // A new commit changes another field of the selected object: it is applied, the ignored field still is not.
    const second = await repo.commit({
      files: {
        'app/kept.yaml': configMap('kept', { a: '1', b: '2' }),
        'app/reverted.yaml': configMap('reverted', { a: '1' }),
      },
      parent: null,
    });
    await waitReady(h, ns, 'app', 'True', 'ReconciliationSucceeded', { revision: `main@sha1:${second}` });
    assert.deepEqual(await dataOf(ns, 'kept'), { a: 'other', b: '2' });
  });
});
