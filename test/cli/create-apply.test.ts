// `fluxts create …` without --export: applies to the local apiserver and waits for Ready, printing flux v2.9.5's
// progress lines (cmd/flux/create_*.go) on stderr. stderr is not a terminal here, so no spinner, no colour.
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { KubeClient, type KubeObject, type TypeRef, isNotFound } from '../../src/kube/index.ts';
import { type TestCluster, useCluster, useNamespace } from '../support/cluster.ts';
import { makeApplyCreated } from '../../src/cli/commands/create-apply.ts';
import { buildGitRepository } from '../../src/cli/commands/create/index.ts';
import { readyStatus, runCli, setStatus } from './support.ts';

const GIT = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository' };
const KS = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' };
const PROVIDER = { apiVersion: 'notification.toolkit.fluxcd.io/v1beta3', kind: 'Provider' };
const SECRET = { apiVersion: 'v1', kind: 'Secret' };

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

/** readyMaker marks every object of the types Ready at its generation, like a controller finishing a reconcile. */
function readyMaker(ns: string, types: TypeRef[], extra: (obj: KubeObject) => Record<string, unknown>): void {
  let stopped = false;
  stops.push(() => (stopped = true));
  void (async () => {
    while (!stopped) {
      for (const type of types) {
        const list = await client.list<KubeObject>(type, { namespace: ns }).catch(() => undefined);
        for (const obj of list?.items ?? []) {
          const gen = obj.metadata.generation ?? 1;
          if ((obj.status as { observedGeneration?: number } | undefined)?.observedGeneration === gen) continue;
          await setStatus(client, type, ns, obj.metadata.name ?? '', readyStatus(gen, 'ok', extra(obj))).catch(
            () => undefined,
          );
        }
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
}

const artifact = {
  path: 'x.tar.gz',
  url: 'http://x/x.tar.gz',
  revision: 'main@sha1:1234',
  digest: 'sha256:00',
  lastUpdateTime: '2026-01-01T00:00:00Z',
};

describe('create without --export', () => {
  test('source git with credentials, then kustomization: applied, waited for, flux lines', async (t) => {
    const ns = await useNamespace(t, cluster);
    readyMaker(ns, [GIT, KS], (obj) =>
      obj.kind === 'GitRepository' ? { artifact } : { lastAppliedRevision: 'main@sha1:1234' },
    );
    const git = await runCli([
      'create',
      'source',
      'git',
      'podinfo',
      '--url=https://example.com/podinfo.git',
      '--branch=main',
      '-u',
      'git',
      '-p',
      'secret',
      '-n',
      ns,
      kc,
    ]);
    assert.equal(git.code, 0, git.stderr);
    assert.equal(git.stdout, '');
    assert.equal(
      git.stderr,
      '✚ generating GitRepository source\n' +
        '► applying secret with repository credentials\n' +
        '✔ authentication configured\n' +
        '► applying GitRepository source\n' +
        '✔ GitRepository source created\n' +
        '◎ waiting for GitRepository source reconciliation\n' +
        '✔ GitRepository source reconciliation completed\n' +
        '✔ fetched revision: main@sha1:1234\n',
    );
    const repo = await client.get<KubeObject<{ secretRef?: { name: string } }>>(GIT, {
      namespace: ns,
      name: 'podinfo',
    });
    assert.equal(repo.spec?.secretRef?.name, 'podinfo');
    await client.get(SECRET, { namespace: ns, name: 'podinfo' });

    const ks = await runCli([
      'create',
      'kustomization',
      'podinfo',
      '--source=GitRepository/podinfo',
      '--path=./kustomize',
      '--prune=true',
      '-n',
      ns,
      kc,
    ]);
    assert.equal(ks.code, 0, ks.stderr);
    assert.equal(
      ks.stderr,
      '✚ generating Kustomization\n' +
        '► applying Kustomization\n' +
        '✔ Kustomization created\n' +
        '◎ waiting for Kustomization reconciliation\n' +
        '✔ Kustomization podinfo is ready\n' +
        '✔ applied revision main@sha1:1234\n',
    );

    // A second create of the same object is an update.
    const again = await runCli(['create', 'ks', 'podinfo', '--source=podinfo', '--path=./other', '-n', ns, kc]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /^✔ Kustomization updated$/m);
  });

  test('on a terminal a spinner runs while waiting, and is cleared', async (t) => {
    const ns = await useNamespace(t, cluster);
    let err = '';
    const apply = makeApplyCreated({ out: () => undefined, err: (text) => void (err += text), tty: true });
    setTimeout(() => readyMaker(ns, [GIT], () => ({ artifact })), 600);
    const objects = await buildGitRepository(
      'spin',
      { interval: 60_000_000_000n, export: false, label: [], namespace: ns, kubeFlags: {}, timeout: 60_000_000_000n },
      { url: 'https://example.com/x', branch: 'main' },
    );
    await apply(objects, {
      namespace: ns,
      kubeconfig: cluster.kubeconfigPath,
      context: undefined,
      kubeFlags: {},
      timeoutNs: 60_000_000_000n,
      command: ['source', 'git'],
    });
    assert.match(err, /\r⠋ waiting for GitRepository source reconciliation/);
    const esc = '\u001b';
    assert.ok(
      err.includes(`\r${esc}[K${esc}[32m✔${esc}[0m GitRepository source reconciliation completed\n`),
      JSON.stringify(err),
    );
  });

  test('alert-provider is static: waits only for it to exist', async (t) => {
    const ns = await useNamespace(t, cluster);
    const r = await runCli(['create', 'alert-provider', 'slack', '--type=slack', '--channel=general', '-n', ns, kc]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stderr,
      '✚ generating Provider\n' +
        '► applying Provider\n' +
        '✔ Provider created\n' +
        '◎ waiting for Provider reconciliation\n' +
        '✔ Provider slack is ready\n',
    );
    await client.get(PROVIDER, { namespace: ns, name: 'slack' });
  });

  test('create secret prints flux line and applies the Secret', async (t) => {
    const ns = await useNamespace(t, cluster);
    const r = await runCli([
      'create',
      'secret',
      'git',
      'auth',
      '--url=https://example.com/x',
      '-u',
      'a',
      '-p',
      'b',
      '-n',
      ns,
      kc,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, `► git secret 'auth' created in '${ns}' namespace\n`);
    const s = await client.get<KubeObject & { data?: Record<string, string> }>(SECRET, { namespace: ns, name: 'auth' });
    assert.equal(Buffer.from(s.data?.['password'] ?? '', 'base64').toString(), 'b');
  });

  test('tenant: namespaces, service accounts and role bindings with flux lines; a new cluster role rebinds', async (t) => {
    const suffix = Math.random().toString(16).slice(2, 8);
    const [a, b] = [`tenant-a-${suffix}`, `tenant-b-${suffix}`];
    const NS = { apiVersion: 'v1', kind: 'Namespace' };
    const RB = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding' };
    t.after(async () => {
      for (const name of [a, b]) await client.delete(NS, { name }).catch(() => undefined);
    });
    const r = await runCli(['create', 'tenant', 'team', `--with-namespace=${a},${b}`, '--label=env=dev', kc]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stderr,
      [a, b]
        .map(
          (ns) =>
            `► applying namespace ${ns}\n► applying service account team\n► applying role binding team-reconciler\n`,
        )
        .join('') + '✔ tenant setup completed\n',
    );
    const ns = await client.get<KubeObject>(NS, { name: b });
    assert.deepEqual(ns.metadata.labels?.['toolkit.fluxcd.io/tenant'], 'team');
    const rb = await client.get<KubeObject & { roleRef?: { name: string }; subjects?: { name: string }[] }>(RB, {
      namespace: a,
      name: 'team-reconciler',
    });
    assert.equal(rb.roleRef?.name, 'cluster-admin');
    assert.deepEqual(
      rb.subjects?.map((s) => s.name),
      [`gotk:${a}:reconciler`, 'team'],
    );
    const again = await runCli([
      'create',
      'tenant',
      'team',
      `--with-namespace=${a}`,
      '--cluster-role=view',
      '--skip-namespace',
      kc,
    ]);
    assert.equal(again.code, 0, again.stderr);
    assert.doesNotMatch(again.stderr, /applying namespace/);
    const rebound = await client.get<KubeObject & { roleRef?: { name: string } }>(RB, {
      namespace: a,
      name: 'team-reconciler',
    });
    assert.equal(rebound.roleRef?.name, 'view');
    const missing = await runCli(['create', 'tenant', 'team', kc]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^✗ with-namespace is required/m);
  });

  test('--timeout bounds the wait: one error line, non-zero exit', async (t) => {
    const ns = await useNamespace(t, cluster);
    const started = Date.now();
    const r = await runCli([
      'create',
      'source',
      'git',
      'never',
      '--url=https://example.com/x',
      '--branch=main',
      '--timeout=2s',
      '-n',
      ns,
      kc,
    ]);
    assert.equal(r.code, 1);
    assert.ok(Date.now() - started < 30_000);
    assert.match(r.stderr, /^✗ GitRepository\/.*\/never not Ready before the timeout$/m);
    assert.match(r.stderr, /^ {2}hint: /m);
  });

  test('bad input creates nothing', async (t) => {
    const ns = await useNamespace(t, cluster);
    const bad = await runCli(['create', 'ks', 'xx', '--source=y', '--path=./a', '--timeout=5 minutes', '-n', ns, kc]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /"5 minutes"/);
    const missing = await runCli(['create', 'source', 'git', 'xx', '--branch=main', '-n', ns, kc]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^✗ url is required: set --url/m);
    await assert.rejects(client.get(GIT, { namespace: ns, name: 'xx' }), (err) => isNotFound(err));
    const noNs = await runCli(['create', 'ks', 'xx', '--source=y', '--path=./a', '-n', `${ns}-missing`, kc]);
    assert.equal(noNs.code, 1);
    assert.equal(noNs.stderr.split('\n').filter((l) => l.startsWith('✗')).length, 1, noNs.stderr);
    await assert.rejects(client.get(KS, { namespace: ns, name: 'xx' }), (err) => isNotFound(err));
  });

  test('unreachable cluster: one line and a hint', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fluxts-create-'));
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
    const r = await runCli(['create', 'ks', 'xx', '--source=y', '--path=./a', `--kubeconfig=${path}`]);
    assert.equal(r.code, 1);
    const lines = r.stderr.split('\n').filter((l) => l !== '');
    assert.equal(lines.length, 2, r.stderr);
    assert.match(lines[0] ?? '', /^✗ cannot reach the Kubernetes API server/);
  });
});
