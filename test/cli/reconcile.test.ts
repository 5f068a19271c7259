// reconcile, suspend and resume against the local apiserver, with an in-test controller that handles reconcile
// requests like a Flux controller (copies requestedAt to lastHandledReconcileAt and marks the object Ready).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { KubeClient, type KubeObject } from '../../src/kube/index.ts';
import { type TestCluster, useCluster, useNamespace } from '../support/cluster.ts';
import { fakeController, runCli } from './support.ts';

const GIT = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository' };
const KS = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' };

let cluster: TestCluster;
let client: KubeClient;
let kc: string;
const stops: (() => void)[] = [];

before(async () => {
  cluster = await useCluster();
  client = new KubeClient(cluster.kubeConfig);
  kc = `--kubeconfig=${cluster.kubeconfigPath}`;
});
after(() => stops.forEach((s) => s()));

async function objects(ns: string): Promise<void> {
  await client.create({
    ...GIT,
    metadata: { name: 'podinfo', namespace: ns },
    spec: { interval: '1m', url: 'https://example.com/podinfo.git', ref: { branch: 'main' } },
  });
  await client.create({
    ...KS,
    metadata: { name: 'apps', namespace: ns },
    spec: { interval: '10m', path: './apps', prune: true, sourceRef: { kind: 'GitRepository', name: 'podinfo' } },
  });
  stops.push(
    fakeController(client, ns, [GIT, KS], (obj) =>
      obj.kind === 'GitRepository'
        ? {
            artifact: {
              path: 'x.tar.gz',
              url: 'http://x/x.tar.gz',
              revision: 'main@sha1:1234',
              digest: 'sha256:00',
              lastUpdateTime: '2026-01-01T00:00:00Z',
            },
          }
        : { lastAppliedRevision: 'main@sha1:1234' },
    ),
  );
}

const annotation = (obj: KubeObject): string | undefined =>
  obj.metadata.annotations?.['reconcile.fluxcd.io/requestedAt'];

describe('reconcile', () => {
  test('annotates, waits for the token to be handled and prints flux lines', async (t) => {
    const ns = await useNamespace(t, cluster);
    await objects(ns);
    const r = await runCli(['reconcile', 'source', 'git', 'podinfo', '-n', ns, kc]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stderr,
      `► annotating GitRepository podinfo in ${ns} namespace\n` +
        '✔ GitRepository annotated\n' +
        '◎ waiting for GitRepository reconciliation\n' +
        '✔ GitRepository reconciliation completed\n' +
        '✔ fetched revision main@sha1:1234\n',
    );
    const obj = await client.get<KubeObject>(GIT, { namespace: ns, name: 'podinfo' });
    const token = annotation(obj);
    assert.match(token ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    assert.equal((obj.status as { lastHandledReconcileAt?: string }).lastHandledReconcileAt, token);
  });

  test('--with-source reconciles the GitRepository first', async (t) => {
    const ns = await useNamespace(t, cluster);
    await objects(ns);
    const r = await runCli(['reconcile', 'ks', 'apps', '--with-source', '-n', ns, kc]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stderr.split('\n');
    assert.equal(lines[0], `► annotating GitRepository podinfo in ${ns} namespace`);
    assert.ok(lines.includes(`► annotating Kustomization apps in ${ns} namespace`), r.stderr);
    assert.ok(lines.includes('✔ applied revision main@sha1:1234'), r.stderr);
  });

  test('a timeout with no controller answer fails with one line', async (t) => {
    const ns = await useNamespace(t, cluster);
    await client.create({
      ...GIT,
      metadata: { name: 'orphan', namespace: ns },
      spec: { interval: '1m', url: 'https://example.com/x.git' },
    });
    const r = await runCli(['reconcile', 'source', 'git', 'orphan', '-n', ns, '--timeout', '1s', kc]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /✗ GitRepository '.*\/orphan' reconciliation: timed out waiting for the condition\n/);
  });
});

describe('suspend and resume', () => {
  test('suspend patches spec.suspend, reconcile refuses, resume waits for Ready', async (t) => {
    const ns = await useNamespace(t, cluster);
    await objects(ns);
    const s = await runCli(['suspend', 'kustomization', 'apps', '-n', ns, kc]);
    assert.equal(s.code, 0, s.stderr);
    assert.equal(s.stderr, `► suspending Kustomization apps in ${ns} namespace\n✔ Kustomization suspended\n`);
    let ks = await client.get<KubeObject>(KS, { namespace: ns, name: 'apps' });
    assert.equal((ks.spec as { suspend?: boolean }).suspend, true);

    const refused = await runCli(['reconcile', 'ks', 'apps', '-n', ns, kc]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^✗ Kustomization '.*\/apps' is suspended\n {2}hint: resume it first/);

    const r = await runCli(['resume', 'ks', 'apps', '-n', ns, kc]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stderr,
      `► resuming Kustomization apps in ${ns} namespace\n✔ Kustomization resumed\n` +
        '◎ waiting for Kustomization reconciliation\n✔ Kustomization reconciliation completed\n' +
        '✔ applied revision main@sha1:1234\n',
    );
    ks = await client.get<KubeObject>(KS, { namespace: ns, name: 'apps' });
    assert.equal((ks.spec as { suspend?: boolean }).suspend, false);
  });

  test('suspend --all suspends every object of the kind; name and --all together are refused', async (t) => {
    const ns = await useNamespace(t, cluster);
    await objects(ns);
    await client.create({
      ...GIT,
      metadata: { name: 'second', namespace: ns },
      spec: { interval: '1m', url: 'https://example.com/x.git' },
    });
    const r = await runCli(['suspend', 'source', 'git', '--all', '-n', ns, kc]);
    assert.equal(r.code, 0, r.stderr);
    const list = await client.list<KubeObject>(GIT, { namespace: ns });
    assert.deepEqual(
      list.items.map((i) => (i.spec as { suspend?: boolean }).suspend),
      [true, true],
    );
    const both = await runCli(['suspend', 'source', 'git', 'podinfo', '--all', '-n', ns, kc]);
    assert.equal(both.code, 1);
    assert.equal(both.stderr.split('\n')[0], '✗ pass either a GitRepository name or --all, not both');
  });
});

describe('delete', () => {
  test('delete --silent removes the object', async (t) => {
    const ns = await useNamespace(t, cluster);
    await objects(ns);
    const r = await runCli(['delete', 'ks', 'apps', '--silent', '-n', ns, kc]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, `► deleting kustomization apps in ${ns} namespace\n✔ kustomization deleted\n`);
    const left = await client.list<KubeObject>(KS, { namespace: ns });
    assert.equal(left.items.length, 0);
    const again = await runCli(['delete', 'ks', 'apps', '--silent', '-n', ns, kc]);
    assert.equal(again.code, 1);
    assert.match(
      again.stderr,
      /^✗ Kustomization '.*\/apps' not found\n {2}hint: list them with: fluxts get kustomizations/,
    );
  });
});
