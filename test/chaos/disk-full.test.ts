// The artifact storage disk full, for real: the source-controller runs with its storage on a 1 MiB tmpfs, mounted
// in a mount namespace of its own (`unshare --mount --map-root-user`, so no privilege is needed where user
// namespaces are allowed, and nothing is mounted on the host). A commit whose artifact does not fit makes
// writes fail with ENOSPC: the process must keep running, the GitRepository must say what failed, the last good
// artifact must still be served and applied, no temporary file may be left, and once the commit that freed the
// space lands everything moves on.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import type { GitRepository } from '../../src/api/index.ts';
import { TEMP_SUFFIX } from '../../src/artifacts/storage.ts';
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

const APPS = 3;
const DISK = '1m';

void test('artifact storage disk full (a 1 MiB tmpfs): the controller survives, says ENOSPC, keeps serving the last artifact', async (t) => {
  const cluster = await useCluster();
  const client = new KubeClient(cluster.kubeConfig);
  const ns = await useNamespace(t, cluster);
  const git = await startGitServer();
  t.after(() => git.close());
  const work = await mkdtemp(join(tmpdir(), 'fluxts-chaos-disk-'));
  t.after(() => rm(work, { recursive: true, force: true }));
  const storage = join(work, 'storage');
  await mkdir(storage);

  const repo = git.createRepo('apps');
  const v1 = revisionOf(await repo.commit({ files: appFiles(APPS, 'v1', true), message: 'v1' }));
  await createBystander(client, ns);
  // A generous fetch timeout: the big commit must fail in storage, not in a slow clone on a loaded machine.
  await createSources(client, ns, git.repoUrl('apps'), APPS, '1s', '60s');
  const controllers = await startControllerProcess({
    name: 'controllers',
    controllers: ['source-controller', 'kustomize-controller'],
    kubeconfig: cluster.kubeconfigPath,
    namespace: ns,
    storageDir: storage,
    storagePort: await freePort(),
    logDir: work,
    wrap: [
      'unshare',
      '--mount',
      '--map-root-user',
      'sh',
      '-c',
      `mount -t tmpfs -o size=${DISK} fluxts-chaos-storage "$0" && exec "$@"`,
      storage,
    ],
  });
  t.after(() => controllers.stop());
  let exited: string | undefined;
  void controllers.exited.then((code) => (exited = code));
  await waitAllReady(client, ns, APPS, v1);
  // The storage as the controller sees it: its mount namespace, through /proc (unshare execs, so the pid is node's).
  const seen = join('/proc', String(controllers.pid), 'root', storage);
  assert.ok(
    (await listFiles(seen)).some((f) => f.endsWith('.tar.gz')),
    'the artifact is on the tmpfs',
  );
  assert.deepEqual(await listFiles(storage), [], 'nothing was written to the host directory under the mount');

  // 1.5 MiB of random bytes, base64: its tar.gz cannot fit in 1 MiB.
  const big = randomBytes(1536 * 1024).toString('base64');
  const v2 = revisionOf(await repo.commit({ files: { 'blob.txt': big }, message: 'too big' }));
  const getRepo = (): Promise<GitRepository> =>
    client.get<GitRepository>(gitRepositoryType, { namespace: ns, name: 'repo' });
  const failing = await eventually(
    'GitRepository Ready=False on a full disk',
    async () => {
      const obj = await getRepo();
      const ready = obj.status?.conditions?.find((c) => c.type === 'Ready');
      return ready?.status === 'False' ? obj : undefined;
    },
    { timeoutMs: 60_000 },
  );
  const ready = failing.status?.conditions?.find((c) => c.type === 'Ready');
  assert.match(ready?.message ?? '', /ENOSPC|no space left/i, 'the message says the disk is full');
  assert.equal(ready?.reason, 'ArchiveOperationFailed', ready?.message);
  assert.equal(failing.status?.conditions?.find((c) => c.type === 'StorageOperationFailed')?.status, 'True');
  assert.equal(failing.status?.artifact?.revision, v1, 'the last good artifact stays in status');
  assert.notEqual(failing.status?.artifact?.revision, v2);
  // A few more failing attempts (the interval is 1 s): the process stays up through them.
  await new Promise((r) => setTimeout(r, 4_000));
  assert.equal(exited, undefined, `the controller process is still running:\n${controllers.log().slice(-2000)}`);
  const leftovers = (await listFiles(seen)).filter((f) => f.endsWith(TEMP_SUFFIX));
  assert.deepEqual(leftovers, [], 'no temporary file is left on the full disk');
  const artifact = failing.status?.artifact;
  assert.ok(artifact?.url && artifact.digest);
  const served = await fetch(artifact.url, { signal: AbortSignal.timeout(10_000) });
  assert.equal(served.status, 200, 'the last good artifact is still served');
  const digest = createHash('sha256')
    .update(Buffer.from(await served.arrayBuffer()))
    .digest('hex');
  assert.equal(`sha256:${digest}`, artifact.digest);
  assert.equal(await readyAt(client, ns, v1), APPS, 'every Kustomization stays Ready at the last revision');

  // Space comes back when the big file goes: the next commit is stored and applied.
  const v3 = revisionOf(
    await repo.commit({ files: { ...appFiles(APPS, 'v3', false), 'blob.txt': null }, message: 'smaller' }),
  );
  await waitAllReady(client, ns, APPS, v3);
  const recovered = await getRepo();
  assert.equal(
    recovered.status?.conditions?.find((c) => c.type === 'StorageOperationFailed'),
    undefined,
  );
  await assertIntended(client, ns, range(APPS), 'v3', false);
  assert.equal(exited, undefined);
});

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => !e.isDirectory()).map((e) => join(e.parentPath, e.name));
}
