// Bad input: one line on stderr saying what is wrong (plus a hint line where there is one), a non-zero exit code,
// and nothing created.
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';

import { KubeClient, isNotFound } from '../../src/kube/index.ts';
import { type TestCluster, useCluster } from '../support/cluster.ts';
import { runCli } from './support.ts';

let cluster: TestCluster;
let kc: string;

before(async () => {
  cluster = await useCluster();
  kc = `--kubeconfig=${cluster.kubeconfigPath}`;
});

/** lines splits stderr, dropping the hint line. */
const errorLines = (stderr: string): string[] => stderr.split('\n').filter((l) => l !== '' && !l.startsWith('  hint:'));

describe('bad input', () => {
  test('unknown kind', async () => {
    const r = await runCli(['get', 'gitrepos', kc]);
    assert.equal(r.code, 1);
    assert.equal(errorLines(r.stderr)[0], "error: unknown command 'gitrepos'");
  });

  test('missing name', async () => {
    const r = await runCli(['reconcile', 'kustomization', kc]);
    assert.equal(r.code, 1);
    assert.deepEqual(errorLines(r.stderr), ["error: missing required argument 'name'"]);
  });

  test('bad duration', async () => {
    const r = await runCli(['reconcile', 'ks', 'apps', '--timeout', '5 minutes', kc]);
    assert.equal(r.code, 1);
    assert.equal(errorLines(r.stderr).length, 1);
    assert.match(r.stderr, /"5 minutes" is not a duration \(use a Go duration such as 30s, 5m or 1h30m\)/);
  });

  test('unreachable cluster', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fluxts-cli-bad-'));
    const path = join(dir, 'kubeconfig');
    await writeFile(
      path,
      `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
`,
    );
    const r = await runCli(['get', 'ks', `--kubeconfig=${path}`]);
    assert.equal(r.code, 1);
    const lines = r.stderr.split('\n').filter((l) => l !== '');
    assert.equal(lines.length, 2, r.stderr);
    assert.match(lines[0] ?? '', /^✗ cannot reach the Kubernetes API server: /);
    assert.match(lines[1] ?? '', /^ {2}hint: check that the cluster is running/);
  });

  test('unknown context', async () => {
    const r = await runCli(['get', 'ks', '--context', 'nope', kc]);
    assert.equal(r.code, 1);
    assert.equal(errorLines(r.stderr)[0], '✗ context "nope" not found in the kubeconfig');
  });

  test('install with an unknown component creates nothing', async () => {
    const ns = 'fluxts-bad-install';
    const r = await runCli(['install', '-n', ns, '--components=source-controller,web-controller', kc]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.equal(errorLines(r.stderr)[0], '✗ component "web-controller" is not a Flux component');
    const client = new KubeClient(cluster.kubeConfig);
    await assert.rejects(client.get({ apiVersion: 'v1', kind: 'Namespace' }, { name: ns }), (e) => isNotFound(e));
  });

  test('unsupported shell for completion', async () => {
    const r = await runCli(['completion', 'tcsh']);
    assert.equal(r.code, 1);
    assert.match(
      errorLines(r.stderr)[0] ?? '',
      /"tcsh" is not a supported shell \(use bash, zsh, fish or powershell\)/,
    );
  });

  test('every command has --help with examples', async () => {
    for (const args of [
      ['get', 'kustomizations'],
      ['reconcile', 'source', 'git'],
      ['install'],
      ['tree', 'ks'],
      ['events'],
    ]) {
      const r = await runCli([...args, '--help']);
      assert.equal(r.code, 0, args.join(' '));
      assert.match(r.stdout, /Examples:\n {2}/, args.join(' '));
    }
  });
});
