import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { GitRepository } from '../../src/api/source/gitrepository.ts';
import { KubeClient } from '../../src/kube/client/index.ts';
import * as conditions from '../../src/runtime/conditions.ts';
import { createLogger } from '../../src/runtime/logger.ts';
import { requeueAfter, retry } from '../../src/runtime/result.ts';
import { startManager } from '../../src/runtime/run.ts';
import { intervalOf, objectReconciler } from '../../src/runtime/shape.ts';
import { testOptions } from './options.ts';
import { useCluster, useNamespace } from '../support/cluster.ts';
import { eventually } from '../support/eventually.ts';

const gitRepositoryType = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository' };

void test('status written by the runtime is accepted by the real GitRepository CRD schema', async (t) => {
  const cluster = await useCluster();
  const client = new KubeClient(cluster.kubeConfig);
  const ns = await useNamespace(t, cluster);
  const options = testOptions(ns);
  // A toy source controller: fails once with its own reason, then succeeds.
  let attempts = 0;
  const running = await startManager(
    options,
    [
      {
        name: 'source-controller',
        setup(manager) {
          const informer = manager.informerFor<GitRepository>(gitRepositoryType);
          manager.addController<GitRepository>({
            name: 'gitrepository',
            type: gitRepositoryType,
            reconcile: objectReconciler<GitRepository>({
              manager,
              type: gitRepositoryType,
              informer,
              reconcile: (obj) => {
                conditions.markReconciling(obj, 'Progressing', `building artifact: attempt ${++attempts}`);
                if (attempts === 1) {
                  conditions.markTrue(
                    obj,
                    'FetchFailed',
                    'GitOperationFailed',
                    'failed to checkout: connection refused',
                  );
                  conditions.markFalse(obj, 'Ready', 'GitOperationFailed', 'failed to checkout: connection refused');
                  return Promise.resolve(retry(new Error('failed to checkout: connection refused')));
                }
                conditions.remove(obj, 'FetchFailed');
                conditions.markTrue(obj, 'ArtifactInStorage', 'Succeeded', 'stored artifact for revision main@sha1:0f');
                conditions.markTrue(obj, 'Ready', 'Succeeded', 'stored artifact for revision main@sha1:0f');
                return Promise.resolve(requeueAfter(intervalOf(obj)));
              },
            }),
          });
        },
      },
    ],
    { kubeConfig: cluster.kubeConfig, logger: createLogger('silent') },
  );
  t.after(() => running.stop());

  await client.create<GitRepository>({
    ...gitRepositoryType,
    metadata: { name: 'podinfo', namespace: ns, annotations: { 'reconcile.fluxcd.io/requestedAt': 'first' } },
    spec: { url: 'https://example.com/podinfo', interval: '1m', ref: { branch: 'main' } },
  } as unknown as GitRepository);
  const ready = await eventually(
    'GitRepository Ready',
    async () => {
      const repo = await client.get<GitRepository>(gitRepositoryType, { namespace: ns, name: 'podinfo' });
      return conditions.isReady(repo) ? repo : undefined;
    },
    { timeoutMs: 20_000 },
  );
  assert.equal(attempts, 2, 'the transient failure was retried');
  assert.deepEqual(
    ready.status?.conditions?.map((c) => `${c.type}=${c.status}/${c.reason}`),
    ['Ready=True/Succeeded', 'ArtifactInStorage=True/Succeeded'],
  );
  assert.equal(ready.status?.observedGeneration, 1);
  assert.equal(ready.status?.lastHandledReconcileAt, 'first');
  assert.deepEqual(ready.metadata.finalizers, ['finalizers.fluxcd.io']);
  const managers = (ready.metadata['managedFields'] as { manager: string; subresource?: string }[]).map(
    (f) => `${f.manager}${f.subresource ? `/${f.subresource}` : ''}`,
  );
  assert.ok(managers.includes('source-controller/status'), managers.join(','));
  assert.ok(managers.includes('source-controller'), 'the finalizer patch is owned by the controller');
});
