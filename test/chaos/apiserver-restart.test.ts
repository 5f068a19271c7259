// The kube-apiserver stopped and started again while the controllers run (an upgrade, a crash, a control-plane
// reboot): their watches break, their requests fail for a while, and when it is back the informers must re-list
// and watch again. Nothing may stay stuck: a commit made while it was down is applied, a Kustomization created
// after it came back is reconciled, one deleted after it came back is finalized (its objects pruned).
// It stops the apiserver of a private control plane, not the shared one other test files use.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { kustomizationType } from '../../src/controllers/kustomize/index.ts';
import { startDevCluster, stopDevCluster } from '../../src/devcluster/cluster.ts';
import { stopClusterProcess } from '../../src/devcluster/process-restart.ts';
import { freePort } from '../../src/devcluster/ports.ts';
import { KubeClient, KubeConfig } from '../../src/kube/index.ts';
import { eventually } from '../support/eventually.ts';
import { startGitServer } from '../support/git-server.ts';
import { startControllerProcess } from './controller-process.ts';
import {
  appFiles,
  appName,
  assertIntended,
  createBystander,
  createKustomization,
  createSources,
  range,
  revisionOf,
  waitAllReady,
} from './support.ts';

const APPS = 5;
/** How long the apiserver stays down: long enough for every controller request and watch to fail. */
const DOWN_MS = 6_000;

void test('kube-apiserver stopped and restarted while controllers run: informers re-list, nothing stays stuck', async (t) => {
  const work = await mkdtemp(join(tmpdir(), 'fluxts-chaos-apiserver-'));
  const stateDir = join(work, 'cluster');
  // One hook, in this order: the state file names the restarted apiserver's pid, so it must be read (to stop
  // that process) before the directory holding it is removed; after hooks run in the order they were added.
  t.after(async () => {
    await stopDevCluster(stateDir);
    await rm(work, { recursive: true, force: true });
  });
  const state = await startDevCluster({ stateDir, ownerPid: process.pid, progress: () => undefined });
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(state.kubeconfig);
  const client = new KubeClient(kubeConfig);
  const ns = 'chaos-apiserver';
  await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  const git = await startGitServer();
  t.after(() => git.close());
  const repo = git.createRepo('apps');
  const v1 = revisionOf(await repo.commit({ files: appFiles(APPS, 'v1', true), message: 'v1' }));
  await createBystander(client, ns);
  const controllers = await startControllerProcess({
    name: 'controllers',
    controllers: ['source-controller', 'kustomize-controller'],
    kubeconfig: state.kubeconfig,
    namespace: ns,
    storageDir: join(work, 'storage'),
    storagePort: await freePort(),
    logDir: work,
  });
  t.after(() => controllers.stop());
  await createSources(client, ns, git.repoUrl('apps'), APPS);
  await waitAllReady(client, ns, APPS, v1);

  const apiserver = await stopClusterProcess(stateDir, 'kube-apiserver');
  await assert.rejects(client.get({ apiVersion: 'v1', kind: 'Namespace' }, { name: ns }), 'the apiserver is down');
  // A commit while it is down: v2 drops the `b` ConfigMaps and adds app 5.
  const v2 = revisionOf(await repo.commit({ files: appFiles(APPS + 1, 'v2', false), message: 'v2' }));
  await new Promise((r) => setTimeout(r, DOWN_MS));
  await apiserver.start();
  // Objects written after the restart reach the controllers only through a new list and watch. (The apiserver
  // answers 503 until it has installed the CRDs' paths again: the writes are retried until it takes them.)
  await eventually(
    'the apiserver is back and takes a new Kustomization',
    () => createKustomization(client, ns, appName(APPS)).then(() => true),
    { timeoutMs: 60_000 },
  );
  await client.delete(kustomizationType, { namespace: ns, name: appName(0) });

  await waitAllReady(client, ns, APPS, v2, 120_000);
  await eventually(
    `${appName(0)} finalized`,
    async () => {
      const left = await client.list(kustomizationType, { namespace: ns });
      return left.items.some((k) => k.metadata.name === appName(0)) ? undefined : true;
    },
    { timeoutMs: 60_000 },
  );
  await assertIntended(client, ns, range(APPS, 1), 'v2', false);
  const cms = await client.list({ apiVersion: 'v1', kind: 'ConfigMap' }, { namespace: ns });
  const names = cms.items.map((c) => c.metadata.name);
  assert.ok(!names.includes(`${appName(0)}-a`), 'the deleted Kustomization pruned its objects');
  assert.match(controllers.log(), /list\/watch failed, retrying/, 'the controllers saw the apiserver go away');
});
