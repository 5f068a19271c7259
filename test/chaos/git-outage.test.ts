// The Git host down for a while (connections refused on its port; open ones reset). While it is down the
// GitRepository says so (Ready=False, the fetch failure in the message), the last good artifact is still served
// with its digest, and what was applied stays applied. When it is back, the commit made meanwhile is applied.
// The outage lasts seconds, not minutes: the controller's behaviour depends on fetches failing (several times,
// with a 1 s interval) and not on the wall-clock length, which only CI time would pay for.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import type { GitRepository } from '../../src/api/index.ts';
import { gitRepositoryType } from '../../src/controllers/source/setup.ts';
import { freePort } from '../../src/devcluster/ports.ts';
import { KubeClient } from '../../src/kube/index.ts';
import { useCluster, useNamespace } from '../support/cluster.ts';
import { eventually } from '../support/eventually.ts';
import { startGitServer } from '../support/git-server.ts';
import { startControllerProcess } from './controller-process.ts';
import {
  appFiles,
  assertIntended,
  createBystander,
  createSources,
  range,
  readyAt,
  revisionOf,
  waitAllReady,
} from './support.ts';
import { startTcpProxy } from './tcp-proxy.ts';

const APPS = 5;
/** How long the host stays down after the first failure is reported. */
const OUTAGE_MS = 5_000;

void test('git host down: Ready=False says why, the last artifact is still served, nothing applied is lost', async (t) => {
  const cluster = await useCluster();
  const client = new KubeClient(cluster.kubeConfig);
  const ns = await useNamespace(t, cluster);
  const git = await startGitServer();
  t.after(() => git.close());
  const gitPort = Number(new URL(git.baseUrl).port);
  const proxy = await startTcpProxy({ host: '127.0.0.1', port: gitPort });
  t.after(() => proxy.close());
  const work = await mkdtemp(join(tmpdir(), 'fluxts-chaos-git-'));
  t.after(() => rm(work, { recursive: true, force: true }));

  const repo = git.createRepo('apps');
  const v1 = revisionOf(await repo.commit({ files: appFiles(APPS, 'v1', true), message: 'v1' }));
  await createBystander(client, ns);
  await createSources(client, ns, `http://127.0.0.1:${proxy.port}/apps.git`, APPS, '1s');
  const controllers = await startControllerProcess({
    name: 'controllers',
    controllers: ['source-controller', 'kustomize-controller'],
    kubeconfig: cluster.kubeconfigPath,
    namespace: ns,
    storageDir: join(work, 'storage'),
    storagePort: await freePort(),
    logDir: work,
  });
  t.after(() => controllers.stop());
  await waitAllReady(client, ns, APPS, v1);

  await proxy.down();
  const v2 = revisionOf(await repo.commit({ files: appFiles(APPS, 'v2', false), message: 'v2' }));
  const getRepo = (): Promise<GitRepository> =>
    client.get<GitRepository>(gitRepositoryType, { namespace: ns, name: 'repo' });
  // Said while it happens: Ready=False with the fetch failure, FetchFailed beside it, the old artifact kept.
  const failing = await eventually(
    'GitRepository Ready=False while the host is down',
    async () => {
      const obj = await getRepo();
      const ready = obj.status?.conditions?.find((c) => c.type === 'Ready');
      return ready?.status === 'False' ? obj : undefined;
    },
    { timeoutMs: 60_000 },
  );
  const ready = failing.status?.conditions?.find((c) => c.type === 'Ready');
  assert.equal(ready?.reason, 'GitOperationFailed');
  assert.match(ready?.message ?? '', /127\.0\.0\.1|connect|refused/i, 'the message names the failure');
  assert.equal(failing.status?.conditions?.find((c) => c.type === 'FetchFailed')?.status, 'True');
  assert.equal(failing.status?.artifact?.revision, v1, 'the last good artifact stays in status');
  // Several fetches fail (the interval is 1 s) and Ready stays False, saying so, the whole time.
  const until = Date.now() + OUTAGE_MS;
  while (Date.now() < until) {
    const r = (await getRepo()).status?.conditions?.find((c) => c.type === 'Ready');
    assert.equal(r?.status, 'False', 'Ready stays False during the outage');
    assert.equal(r?.reason, 'GitOperationFailed');
    await new Promise((res) => setTimeout(res, 500));
  }
  const artifact = failing.status?.artifact;
  assert.ok(artifact?.url && artifact.digest);
  const served = await fetch(artifact.url, { signal: AbortSignal.timeout(10_000) });
  assert.equal(served.status, 200, 'the last good artifact is still served');
  const digest = `sha256:${createHash('sha256')
    .update(Buffer.from(await served.arrayBuffer()))
    .digest('hex')}`;
  assert.equal(digest, artifact.digest, 'served with its digest');
  assert.equal(await readyAt(client, ns, v1), APPS, 'every Kustomization stays Ready at the last revision');
  await assertIntended(client, ns, range(APPS), 'v1', true);

  await proxy.up();
  await waitAllReady(client, ns, APPS, v2);
  const recovered = await getRepo();
  assert.equal(recovered.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
  assert.equal(
    recovered.status?.conditions?.find((c) => c.type === 'FetchFailed'),
    undefined,
  );
  await assertIntended(client, ns, range(APPS), 'v2', false);
});
