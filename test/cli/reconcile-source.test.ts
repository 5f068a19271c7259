// `reconcile source git` against the real source-controller running in this process and a real Git server: the
// CLI's request token must be handled by the controller, and the revision it prints must be the new commit.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { Command } from 'commander';

import { ArtifactStorage, serveStorage, type StorageServer } from '../../src/artifacts/index.ts';
import { gitRepositoryType, sourceController } from '../../src/controllers/source/setup.ts';
import { KubeClient, type KubeObject } from '../../src/kube/index.ts';
import {
  controllerOptionsFrom,
  createLogger,
  registerControllerFlags,
  type RunningManager,
  startManager,
} from '../../src/runtime/index.ts';
import { type TestCluster, useCluster, useNamespace } from '../support/cluster.ts';
import { eventually } from '../support/eventually.ts';
import { type GitServer, startGitServer } from '../support/git-server.ts';
import { runCli } from './support.ts';

let cluster: TestCluster;
let client: KubeClient;
let git: GitServer;
let storageDir: string;
let server: StorageServer;
let running: RunningManager;

before(async () => {
  cluster = await useCluster();
  client = new KubeClient(cluster.kubeConfig);
  git = await startGitServer();
  storageDir = await mkdtemp(join(tmpdir(), 'fluxts-cli-storage-'));
  server = await serveStorage(storageDir, { host: '127.0.0.1', port: 0 });
  const storage = new ArtifactStorage({ root: storageDir, advertisedAddress: server.address });
  const flags = registerControllerFlags(new Command()).parse(
    ['--metrics-addr=127.0.0.1:0', '--health-addr=127.0.0.1:0', '--log-level=error'],
    { from: 'user' },
  );
  running = await startManager(controllerOptionsFrom(flags.opts()), [sourceController({ storage })], {
    kubeConfig: cluster.kubeConfig,
    logger: createLogger('error'),
  });
});

after(async () => {
  await running?.stop();
  await server?.close();
  await git?.close();
  await rm(storageDir, { recursive: true, force: true });
});

test('reconcile source git fetches the new commit through the real source-controller', async (t) => {
  const ns = await useNamespace(t, cluster);
  const repo = git.createRepo(`${ns}-app`);
  const first = await repo.commit({ files: { 'app.yaml': 'a: 1\n' } });
  await client.create({
    ...gitRepositoryType,
    metadata: { name: 'app', namespace: ns },
    // A long interval: only the CLI's request can make the controller fetch the second commit.
    spec: { interval: '1h', url: git.repoUrl(`${ns}-app`), ref: { branch: 'main' } },
  });
  await eventually('first artifact', async () => {
    const obj = await client.get<KubeObject>(gitRepositoryType, { namespace: ns, name: 'app' });
    const rev = (obj.status as { artifact?: { revision?: string } } | undefined)?.artifact?.revision;
    return rev === `main@sha1:${first}` ? true : undefined;
  });
  const second = await repo.commit({ files: { 'app.yaml': 'a: 2\n' } });
  const r = await runCli([
    'reconcile',
    'source',
    'git',
    'app',
    '-n',
    ns,
    '--timeout=60s',
    `--kubeconfig=${cluster.kubeconfigPath}`,
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /✔ GitRepository reconciliation completed\n/);
  assert.match(r.stderr, new RegExp(`✔ fetched revision main@sha1:${second}\\n$`));

  const table = await runCli([
    'get',
    'source',
    'git',
    'app',
    '-n',
    ns,
    '--no-header',
    `--kubeconfig=${cluster.kubeconfigPath}`,
  ]);
  // flux's table cuts the commit hash to 8 characters.
  assert.match(table.stdout, new RegExp(`^app\\tmain@sha1:${second.slice(0, 8)}\\tFalse\\tTrue\\t`));
});
