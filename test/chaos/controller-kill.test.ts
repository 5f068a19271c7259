// The controller process SIGKILLed in the middle of applying 50 Kustomizations, then restarted (a Pod evicted
// without grace, an OOM kill): once while the first apply is under way, once while a commit that prunes is being
// applied. After each restart every Kustomization reaches the commit, each inventory is exactly what was applied,
// what the commit removed is pruned and nothing else is.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { freePort } from '../../src/devcluster/ports.ts';
import { KubeClient } from '../../src/kube/index.ts';
import { useCluster, useNamespace } from '../support/cluster.ts';
import { eventually } from '../support/eventually.ts';
import { startGitServer } from '../support/git-server.ts';
import { type ControllerProcess, startControllerProcess } from './controller-process.ts';
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

const APPS = 50;
/** Killed once at least this many Kustomizations are done, so the kill lands mid-way. */
const KILL_AFTER = 5;

void test('SIGKILL mid-apply of 50 Kustomizations and mid-prune: after a restart every object is as committed', async (t) => {
  const cluster = await useCluster();
  const client = new KubeClient(cluster.kubeConfig);
  const ns = await useNamespace(t, cluster);
  const git = await startGitServer();
  t.after(() => git.close());
  const work = await mkdtemp(join(tmpdir(), 'fluxts-chaos-kill-'));
  t.after(() => rm(work, { recursive: true, force: true }));
  const storagePort = await freePort();
  let current: ControllerProcess | undefined;
  t.after(() => current?.stop());
  let runs = 0;
  const start = async (): Promise<ControllerProcess> =>
    (current = await startControllerProcess({
      name: `controllers-${runs++}`,
      controllers: ['source-controller', 'kustomize-controller'],
      kubeconfig: cluster.kubeconfigPath,
      namespace: ns,
      storageDir: join(work, 'storage'),
      storagePort,
      logDir: work,
    }));
  const killMidway = async (revision: string): Promise<number> => {
    const proc = current;
    assert.ok(proc);
    const done = await eventually(
      `${KILL_AFTER} Kustomizations at ${revision}`,
      async () => {
        const n = await readyAt(client, ns, revision);
        return n >= KILL_AFTER ? n : undefined;
      },
      { timeoutMs: 180_000, intervalMs: 100 },
    );
    proc.kill('SIGKILL');
    assert.equal(await proc.exited, 'SIGKILL');
    return done;
  };

  const repo = git.createRepo('apps');
  const v1 = revisionOf(await repo.commit({ files: appFiles(APPS, 'v1', true), message: 'v1' }));
  await createBystander(client, ns);
  // All 50 exist before the controllers start, so the kill lands among them and not behind the test's creates.
  await createSources(client, ns, git.repoUrl('apps'), APPS);
  await start();

  await killMidway(v1);
  const atKill = await readyAt(client, ns, v1);
  assert.ok(atKill < APPS, `the kill landed mid-apply (${atKill} of ${APPS} done)`);
  await start();
  await waitAllReady(client, ns, APPS, v1);
  await assertIntended(client, ns, range(APPS), 'v1', true);

  // v2 drops every `b` ConfigMap and changes every `a`: the kill lands while some are pruned and others not yet.
  const v2 = revisionOf(await repo.commit({ files: appFiles(APPS, 'v2', false), message: 'v2' }));
  await killMidway(v2);
  const atSecondKill = await readyAt(client, ns, v2);
  assert.ok(atSecondKill < APPS, `the kill landed mid-prune (${atSecondKill} of ${APPS} done)`);
  await start();
  await waitAllReady(client, ns, APPS, v2);
  await assertIntended(client, ns, range(APPS), 'v2', false);
  t.diagnostic(`killed at ${atKill}/${APPS} applied, then at ${atSecondKill}/${APPS} pruned`);
});
