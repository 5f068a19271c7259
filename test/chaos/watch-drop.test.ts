// Watches that drop: the controllers reach the apiserver through a TCP proxy that resets every open connection
// every 2 seconds (what an idle-timeout load balancer or a conntrack flush does, here far more often than the
// 30 s of the issue, so that a short test sees many drops). Requests in flight fail with the watches; each must be
// retried and each watch resumed or re-listed, so that a commit, a new Kustomization and a deleted one are all
// handled while the drops go on.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { kustomizationType } from '../../src/controllers/kustomize/index.ts';
import { freePort } from '../../src/devcluster/ports.ts';
import { KubeClient } from '../../src/kube/index.ts';
import { useCluster, useNamespace } from '../support/cluster.ts';
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
import { startTcpProxy } from './tcp-proxy.ts';

const APPS = 8;
const CUT_EVERY_MS = 2_000;

void test('watches cut every 2 s: commits, new and deleted Kustomizations are all handled', async (t) => {
  const cluster = await useCluster();
  const client = new KubeClient(cluster.kubeConfig);
  const ns = await useNamespace(t, cluster);
  const git = await startGitServer();
  t.after(() => git.close());
  const work = await mkdtemp(join(tmpdir(), 'fluxts-chaos-watch-'));
  t.after(() => rm(work, { recursive: true, force: true }));
  // The same kubeconfig, with the server behind the proxy (TLS passes through; the certificate is for 127.0.0.1).
  const original = await readFile(cluster.kubeconfigPath, 'utf8');
  const server = /server: https:\/\/127\.0\.0\.1:(\d+)/.exec(original);
  assert.ok(server?.[1], 'the test kubeconfig names a loopback apiserver');
  const proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(server[1]) });
  t.after(() => proxy.close());
  const kubeconfig = join(work, 'kubeconfig');
  await writeFile(kubeconfig, original.replace(server[0], `server: https://127.0.0.1:${proxy.port}`), {
    mode: 0o600,
  });

  const repo = git.createRepo('apps');
  const v1 = revisionOf(await repo.commit({ files: appFiles(APPS + 1, 'v1', true), message: 'v1' }));
  await createBystander(client, ns);
  await createSources(client, ns, git.repoUrl('apps'), APPS);
  const controllers = await startControllerProcess({
    name: 'controllers',
    controllers: ['source-controller', 'kustomize-controller'],
    kubeconfig,
    namespace: ns,
    storageDir: join(work, 'storage'),
    storagePort: await freePort(),
    logDir: work,
  });
  t.after(() => controllers.stop());
  const cutter = setInterval(() => proxy.cutAll(), CUT_EVERY_MS);
  t.after(() => clearInterval(cutter));

  await waitAllReady(client, ns, APPS, v1);
  const v2 = revisionOf(await repo.commit({ files: appFiles(APPS + 1, 'v2', false), message: 'v2' }));
  await createKustomization(client, ns, appName(APPS));
  await client.delete(kustomizationType, { namespace: ns, name: appName(0) });
  await waitAllReady(client, ns, APPS, v2);
  await eventually(
    `${appName(0)} finalized`,
    async () => {
      const left = await client.list(kustomizationType, { namespace: ns });
      return left.items.some((k) => k.metadata.name === appName(0)) ? undefined : true;
    },
    { timeoutMs: 60_000 },
  );
  clearInterval(cutter);
  await assertIntended(client, ns, range(APPS, 1), 'v2', false);
  const cms = await client.list({ apiVersion: 'v1', kind: 'ConfigMap' }, { namespace: ns });
  assert.ok(!cms.items.some((c) => (c.metadata.name ?? '').startsWith(`${appName(0)}-`)), 'the deleted one was pruned');
  // The fault really happened, many times over.
  assert.ok(proxy.cuts >= 10, `connections cut: ${proxy.cuts}`);
  t.diagnostic(`${proxy.cuts} connections cut, ${proxy.connections} made`);
});
