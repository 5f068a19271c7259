// get and export against the local apiserver: objects with hand-written statuses, the CLI run as a child process,
// and the expected tables/YAML written out by hand in flux's format (tablewriter: cells padded to the column width,
// each followed by a tab; export: `---` then keys sorted as sigs.k8s.io/yaml sorts them).
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import { parseAllDocuments } from 'yaml';

import { KubeClient } from '../../src/kube/index.ts';
import { type TestCluster, useCluster, useNamespace } from '../support/cluster.ts';
import { readyStatus, runCli, setStatus } from './support.ts';

const GIT = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository' };
const KS = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' };

let cluster: TestCluster;
let client: KubeClient;
let kc: string;

before(async () => {
  cluster = await useCluster();
  client = new KubeClient(cluster.kubeConfig);
  kc = `--kubeconfig=${cluster.kubeconfigPath}`;
});

async function gitRepo(ns: string, name: string, extra: Record<string, unknown> = {}): Promise<void> {
  await client.create({
    ...GIT,
    metadata: { name, namespace: ns, labels: { team: 'web' } },
    spec: { interval: '1m0s', url: `https://example.com/${name}.git`, ref: { branch: 'main' }, ...extra },
  });
}

const artifact = (revision: string) => ({
  artifact: {
    path: 'gitrepository/x/y/z.tar.gz',
    url: 'http://source-controller/x.tar.gz',
    revision,
    digest: 'sha256:0000000000000000000000000000000000000000000000000000000000000000',
    lastUpdateTime: '2026-01-01T00:00:00Z',
  },
});

describe('get', () => {
  test('get sources git prints flux table', async (t) => {
    const ns = await useNamespace(t, cluster);
    await gitRepo(ns, 'podinfo');
    await gitRepo(ns, 'app', { suspend: true });
    await setStatus(
      client,
      GIT,
      ns,
      'podinfo',
      readyStatus(1, "stored artifact for revision 'main@sha1:abc'", artifact('main@sha1:abc')),
    );
    const r = await runCli(['get', 'sources', 'git', '-n', ns, kc]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      'NAME   \tREVISION     \tSUSPENDED\tREADY\tMESSAGE                                      \n' +
        'app    \t             \tTrue     \tFalse\twaiting to be reconciled                    \t\n' +
        "podinfo\tmain@sha1:abc\tFalse    \tTrue \tstored artifact for revision 'main@sha1:abc'\t\n",
    );

    const one = await runCli(['get', 'source', 'git', 'podinfo', '-n', ns, '--no-header', kc]);
    assert.equal(one.stdout, "podinfo\tmain@sha1:abc\tFalse\tTrue\tstored artifact for revision 'main@sha1:abc'\t\n");

    await setStatus(client, GIT, ns, 'app', {
      conditions: [
        {
          type: 'Ready',
          status: 'False',
          reason: 'GitOperationFailed',
          message: 'auth failed',
          lastTransitionTime: '2026-01-01T00:00:00Z',
        },
      ],
    });
    const notReady = await runCli(['get', 'sources', 'git', '-n', ns, '--status-selector', 'ready=false', kc]);
    assert.match(notReady.stdout, /^app /m);
    assert.doesNotMatch(notReady.stdout, /podinfo/);
  });

  test('get -A puts NAMESPACE first and -o yaml prints the objects', async (t) => {
    const ns = await useNamespace(t, cluster);
    await client.create({
      ...KS,
      metadata: { name: 'apps', namespace: ns },
      spec: { interval: '10m', path: './apps', prune: true, sourceRef: { kind: 'GitRepository', name: 'podinfo' } },
    });
    await setStatus(
      client,
      KS,
      ns,
      'apps',
      readyStatus(1, 'Applied revision: main@sha1:abc', { lastAppliedRevision: 'main@sha1:abc' }),
    );
    const r = await runCli(['get', 'ks', '-A', kc]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    assert.match(lines[0] ?? '', /^NAMESPACE\s*\tNAME\s*\tREVISION\s*\tSUSPENDED\tREADY\tMESSAGE +$/);
    const row = lines.find((l) => l.startsWith(`${ns}\t`) || l.startsWith(`${ns} `));
    assert.ok(row, r.stdout);
    assert.deepEqual(
      row.split('\t').map((c) => c.trimEnd()),
      [ns, 'apps', 'main@sha1:abc', 'False', 'True', 'Applied revision: main@sha1:abc', ''],
    );

    const y = await runCli(['get', 'kustomizations', 'apps', '-n', ns, '-o', 'yaml', kc]);
    assert.equal(y.code, 0, y.stderr);
    const docs = parseAllDocuments(y.stdout).map((d) => d.toJS() as { kind: string; spec: { path: string } });
    assert.equal(docs.length, 1);
    assert.equal(docs[0]?.kind, 'Kustomization');
    assert.equal(docs[0]?.spec.path, './apps');
  });

  test('get all prefixes names with the kind and ends each table with a blank line', async (t) => {
    const ns = await useNamespace(t, cluster);
    await gitRepo(ns, 'podinfo');
    await client.create({
      ...KS,
      metadata: { name: 'apps', namespace: ns },
      spec: { interval: '10m', path: './apps', prune: true, sourceRef: { kind: 'GitRepository', name: 'podinfo' } },
    });
    const r = await runCli(['get', 'all', '-n', ns, kc]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      'NAME                 \tREVISION\tSUSPENDED\tREADY\tMESSAGE                  \n' +
        'gitrepository/podinfo\t        \tFalse    \tFalse\twaiting to be reconciled\t\n\n' +
        'NAME              \tREVISION\tSUSPENDED\tREADY\tMESSAGE                  \n' +
        'kustomization/apps\t        \tFalse    \tFalse\twaiting to be reconciled\t\n\n',
    );
  });

  test('get --watch prints the header once, then a row per change, until the timeout', async (t) => {
    const ns = await useNamespace(t, cluster);
    await gitRepo(ns, 'first');
    const watching = runCli(['get', 'sources', 'git', '-n', ns, '--watch', '--timeout=8s', kc]);
    await new Promise((r) => setTimeout(r, 3000));
    await gitRepo(ns, 'second');
    const r = await watching;
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n').filter((l) => l !== '');
    assert.equal(lines.filter((l) => l.startsWith('NAME')).length, 1, r.stdout);
    assert.ok(lines[0]?.startsWith('NAME'), r.stdout);
    assert.deepEqual(
      lines.slice(1).map((l) => l.split('\t')[0]?.trimEnd()),
      ['first', 'second'],
    );
  });

  test('nothing found is a failure line on stderr', async (t) => {
    const ns = await useNamespace(t, cluster);
    const r = await runCli(['get', 'hr', '-n', ns, kc]);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, `✗ no HelmRelease objects found in "${ns}" namespace\n`);
  });
});

describe('export', () => {
  test('export prints the object without status and server fields', async (t) => {
    const ns = await useNamespace(t, cluster);
    await gitRepo(ns, 'podinfo');
    await setStatus(client, GIT, ns, 'podinfo', readyStatus(1, 'ok', artifact('main@sha1:abc')));
    const r = await runCli(['export', 'source', 'git', 'podinfo', '-n', ns, kc]);
    assert.equal(r.code, 0, r.stderr);
    // The apiserver defaults spec.timeout (60s) from the CRD schema; the rest is what was created.
    assert.equal(
      r.stdout,
      `---
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  labels:
    team: web
  name: podinfo
  namespace: ${ns}
spec:
  interval: 1m0s
  ref:
    branch: main
  timeout: 60s
  url: https://example.com/podinfo.git
`,
    );
  });

  test('export --all separates documents with ---', async (t) => {
    const ns = await useNamespace(t, cluster);
    await gitRepo(ns, 'a');
    await gitRepo(ns, 'b');
    const r = await runCli(['export', 'source', 'git', '--all', '-n', ns, kc]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.match(/^---$/gm)?.length, 2);
    assert.deepEqual(
      parseAllDocuments(r.stdout).map((d) => (d.toJS() as { metadata: { name: string } }).metadata.name),
      ['a', 'b'],
    );
    assert.doesNotMatch(r.stdout, /status:|resourceVersion|uid:|managedFields|creationTimestamp/);
  });
});
