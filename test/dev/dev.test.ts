// `fluxts dev` end to end, as a user runs it: the real binary against the run's control plane, a commit in its
// local repository reaching the cluster, and Ctrl-C stopping everything cleanly.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

import { CoreV1Api } from '@kubernetes/client-node';

import { useCluster } from '../support/cluster.ts';
import { eventually } from '../support/eventually.ts';

const FLUXTS = fileURLToPath(new URL('../../bin/fluxts.js', import.meta.url));

test('fluxts dev applies the example app, follows a commit, and stops on Ctrl-C', async (t) => {
  const cluster = await useCluster();
  const stateDir = await mkdtemp(join(tmpdir(), 'fluxts-dev-test-'));
  t.after(() => rm(stateDir, { recursive: true, force: true }));
  const child = spawn(
    process.execPath,
    [FLUXTS, 'dev', '--kubeconfig', cluster.kubeconfigPath, '--state-dir', stateDir],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  t.after(() => void child.kill('SIGKILL'));

  await eventually('dev to apply the example app', () => (output.includes('Watching') ? true : undefined), {
    timeoutMs: 180_000,
  });
  // The first apply lists what it created (on a fresh cluster, everything).
  assert.match(output, /applied 4 objects: 4 created, 0 unchanged/);
  assert.match(output, /^ {4}Deployment\/fluxts-demo\/web created$/m);
  const core = cluster.clientNode.makeApiClient(CoreV1Api);
  const before = await core.readNamespacedConfigMap({ name: 'greeting', namespace: 'fluxts-demo' });
  assert.equal(before.data?.['message'], 'Hello from fluxts');

  const repo = join(stateDir, 'git', 'dev-app');
  const file = join(repo, 'configmap.yaml');
  await writeFile(file, (await readFile(file, 'utf8')).replace('Hello from fluxts', 'Hello from a commit'));
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 't',
    GIT_AUTHOR_EMAIL: 't@t',
    GIT_COMMITTER_NAME: 't',
    GIT_COMMITTER_EMAIL: 't@t',
  };
  const beforeCommit = output.length;
  assert.equal(spawnSync('git', ['commit', '-qam', 'new greeting'], { cwd: repo, env }).status, 0);
  const started = Date.now();
  await eventually(
    'the commit to reach the cluster',
    async () => {
      const cm = await core.readNamespacedConfigMap({ name: 'greeting', namespace: 'fluxts-demo' });
      return cm.data?.['message'] === 'Hello from a commit' ? true : undefined;
    },
    { timeoutMs: 60_000 },
  );
  t.diagnostic(`commit reached the cluster in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  // The commit's apply lists only what it changed, not the inventory again.
  await eventually(
    'dev to list what the commit changed',
    () => (/applied 4 objects: 1 configured, 3 unchanged/.test(output) ? true : undefined),
    { timeoutMs: 60_000 },
  );
  assert.match(output, /^ {4}ConfigMap\/fluxts-demo\/greeting configured$/m);
  assert.doesNotMatch(output.slice(beforeCommit), /Deployment\/fluxts-demo\/web/);

  // fluxts check sees dev's controllers as running processes, not as missing Deployments.
  const checkArgs = [FLUXTS, 'check', '--kubeconfig', cluster.kubeconfigPath];
  const check = spawnSync(process.execPath, [...checkArgs, '--components=source-controller,kustomize-controller'], {
    encoding: 'utf8',
  });
  assert.equal(check.status, 0, check.stderr);
  assert.match(check.stderr, /✔ source-controller: running as a local process \(fluxts dev on .*, pid \d+\)/);

  child.kill('SIGINT');
  assert.equal(await exited, 0);
  assert.match(output, /✔ stopped/);
  const gone = spawnSync(process.execPath, [...checkArgs, '--components=source-controller'], { encoding: 'utf8' });
  assert.match(gone.stderr, /✗ source-controller: deployment not found/, 'a stopped dev no longer counts');
});
