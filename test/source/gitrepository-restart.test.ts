// A source-controller restart on a new storage address (a new Pod IP): the stored artifact must be advertised at
// the new address even when the first fetch after the restart fails, or every consumer fails with ArtifactFailed
// although the artifact is on disk; and a stored file that lost its digest is rebuilt, not served.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { Command } from 'commander';

import type { GitRepository } from '../../src/api/index.ts';
import { ArtifactStorage, serveStorage } from '../../src/artifacts/index.ts';
import { gitRepositoryType, sourceController } from '../../src/controllers/source/setup.ts';
import { KubeClient } from '../../src/kube/index.ts';
import { controllerOptionsFrom, createLogger, registerControllerFlags, startManager } from '../../src/runtime/index.ts';
import { useCluster, useNamespace } from '../support/cluster.ts';
import { eventually } from '../support/eventually.ts';
import { startGitServer } from '../support/git-server.ts';

void test('after a restart on a new storage address, the artifact URL moves even when the fetch fails', async (t) => {
  const cluster = await useCluster();
  const client = new KubeClient(cluster.kubeConfig);
  const ns = await useNamespace(t, cluster);
  const git = await startGitServer();
  t.after(() => git.close());
  const storageDir = await mkdtemp(join(tmpdir(), 'fluxts-restart-storage-'));
  t.after(() => rm(storageDir, { recursive: true, force: true }));
  const flags = registerControllerFlags(new Command()).parse(
    ['--metrics-addr=127.0.0.1:0', '--health-addr=127.0.0.1:0', '--max-retry-delay=2s', '--log-level=error'],
    { from: 'user' },
  );
  const options = { ...controllerOptionsFrom(flags.opts()), watchAllNamespaces: false, runtimeNamespace: ns };
  const start = async (): Promise<{ address: string; stop(): Promise<void> }> => {
    const server = await serveStorage(storageDir, { host: '127.0.0.1', port: 0 });
    const storage = new ArtifactStorage({ root: storageDir, advertisedAddress: server.address });
    const running = await startManager(options, [sourceController({ storage })], {
      kubeConfig: cluster.kubeConfig,
      logger: createLogger('error'),
    });
    return { address: server.address, stop: async () => (await running.stop(), await server.close()) };
  };
  const get = (): Promise<GitRepository> =>
    client.get<GitRepository>(gitRepositoryType, { namespace: ns, name: 'app' });
  const ready = (o: GitRepository): { status?: string; reason?: string } | undefined =>
    o.status?.conditions?.find((c) => c.type === 'Ready');

  const repo = git.createRepo(`${ns}-app`);
  const tip = await repo.commit({ files: { 'app.yaml': 'kind: ConfigMap\n' } });
  await client.create({
    ...gitRepositoryType,
    metadata: { name: 'app', namespace: ns },
    spec: { url: git.repoUrl(`${ns}-app`), interval: '1h', ref: { branch: 'main' } },
  });
  const first = await start();
  const before = await eventually('Ready', async () =>
    ((o) => (ready(o)?.status === 'True' ? o : undefined))(await get()),
  );
  assert.equal(before.status?.artifact?.url, `http://${first.address}/gitrepository/${ns}/app/${tip}.tar.gz`);
  await first.stop();

  // The new process listens elsewhere, and the Git host now refuses the fetch.
  await client.patch(gitRepositoryType, { namespace: ns, name: 'app' }, 'merge', {
    spec: { url: git.repoUrl(`${ns}-gone`) },
  });
  const second = await start();
  t.after(() => second.stop());
  const after = await eventually('fetch failed after the restart', async () => {
    const o = await get();
    return ready(o)?.status === 'False' && ready(o)?.reason === 'GitOperationFailed' ? o : undefined;
  });
  const url = `http://${second.address}/gitrepository/${ns}/app/${tip}.tar.gz`;
  assert.equal(after.status?.artifact?.url, url, 'advertised at the new address');
  assert.equal((await fetch(url)).status, 200, 'and served there');

  // A stored file that no longer has its digest is removed and rebuilt from Git, never served as is.
  await client.patch(gitRepositoryType, { namespace: ns, name: 'app' }, 'merge', {
    spec: { url: git.repoUrl(`${ns}-app`) },
  });
  await eventually('Ready again', async () => ((o) => (ready(o)?.status === 'True' ? o : undefined))(await get()));
  const path = join(storageDir, 'gitrepository', ns, 'app', `${tip}.tar.gz`);
  await writeFile(path, 'tampered');
  await client.patch(gitRepositoryType, { namespace: ns, name: 'app' }, 'merge', {
    metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': 'verify' } },
  });
  const rebuilt = await eventually('rebuilt', async () => {
    const o = await get();
    return o.status?.lastHandledReconcileAt === 'verify' && ready(o)?.status === 'True' ? o : undefined;
  });
  const res = await fetch(rebuilt.status?.artifact?.url ?? '');
  const digest = `sha256:${(await import('node:crypto'))
    .createHash('sha256')
    .update(Buffer.from(await res.arrayBuffer()))
    .digest('hex')}`;
  assert.equal(digest, rebuilt.status?.artifact?.digest);
});
