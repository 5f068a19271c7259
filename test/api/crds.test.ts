// The Flux CRDs against a real kube-apiserver: fixtures accepted (with the apiserver's defaults equal to ours),
// malformed objects rejected with the field named, kubectl explain/get, and CRUD, apply, status and watch.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { join } from 'node:path';

import { stringify } from 'yaml';

import { findKind, GitRepositoryKind, withDefaults, type FluxObject, type GitRepository } from '../../src/api/index.ts';
import { KubeClient } from '../../src/kube/index.ts';
import { useCluster, useNamespace, type TestCluster } from '../support/cluster.ts';
import { fluxDocuments, installFluxCrds, kubectl, mustKubectl } from './support.ts';
import { SHARED_FIXTURES } from '../support/fixtures.ts';

const FIXTURES = join(SHARED_FIXTURES, 'flux2-kustomize-helm-example');

function gitRepository(namespace: string, name: string, spec: Partial<GitRepository['spec']> = {}): GitRepository {
  return {
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'GitRepository',
    metadata: { name, namespace },
    spec: { url: 'https://github.com/stefanprodan/podinfo', interval: '1m', ...spec },
  };
}

function yamlOf(obj: unknown): string {
  return stringify(obj);
}

void describe('Flux CRDs on a real apiserver', () => {
  let cluster: TestCluster;

  before(async () => {
    cluster = await useCluster();
    await installFluxCrds(cluster.kubeconfigPath);
  });

  for (const dir of ['clusters/production', 'clusters/staging', 'infrastructure']) {
    void it(`accepts every Flux manifest under ${dir}, defaulted as withDefaults predicts`, async (t) => {
      const ns = await useNamespace(t, cluster);
      const docs = fluxDocuments(join(FIXTURES, dir)).map((d) => ({
        ...d,
        metadata: { ...d.metadata, namespace: ns },
      }));
      assert.ok(docs.length >= 2, `fixtures found under ${dir}`);
      const out = await mustKubectl(
        cluster.kubeconfigPath,
        ['apply', '--server-side', '--field-manager=fluxts-test', '-f', '-'],
        docs.map((d) => `---\n${yamlOf(d)}`).join(''),
      );
      assert.equal(out.trim().split('\n').length, docs.length, out);
      for (const doc of docs) {
        const kind = findKind(doc.apiVersion, doc.kind);
        assert.ok(kind, `${doc.apiVersion} ${doc.kind} is a known kind`);
        const got = JSON.parse(
          await mustKubectl(cluster.kubeconfigPath, [
            'get',
            '-n',
            ns,
            '-o',
            'json',
            `${kind.plural}.${kind.group}`,
            doc.metadata.name ?? '',
          ]),
        ) as FluxObject;
        assert.deepEqual(got.spec, withDefaults(doc).spec, `${doc.kind}/${doc.metadata.name ?? ''} spec as stored`);
      }
    });
  }

  void it('rejects malformed objects with a message naming the field', async (t) => {
    const ns = await useNamespace(t, cluster);
    const valid = gitRepository(ns, 'valid');
    const create = (obj: unknown) =>
      kubectl(cluster.kubeconfigPath, ['create', '--dry-run=server', '-f', '-'], yamlOf(obj));
    assert.equal((await create(valid)).code, 0, 'the valid baseline is accepted');

    const cases: { what: string; obj: unknown; expect: RegExp }[] = [
      { what: 'interval in prose', obj: gitRepository(ns, 'a', { interval: '5 minutes' }), expect: /spec\.interval/ },
      { what: 'URL scheme', obj: gitRepository(ns, 'b', { url: 'git@github.com:org/repo' }), expect: /spec\.url/ },
      {
        what: 'enum out of range',
        obj: gitRepository(ns, 'c', { provider: 'gitlab' as 'github' }),
        expect: /spec\.provider.*Unsupported value/s,
      },
      {
        what: 'unknown field',
        obj: { ...valid, spec: { ...valid.spec, intervall: '1m' } },
        expect: /unknown field "spec\.intervall"/,
      },
      {
        what: 'missing required field',
        obj: {
          apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
          kind: 'Kustomization',
          metadata: { name: 'd', namespace: ns },
          spec: { interval: '10m', sourceRef: { kind: 'GitRepository', name: 'x' } },
        },
        expect: /spec\.prune: Required value/,
      },
      {
        what: 'source kind out of range',
        obj: {
          apiVersion: 'helm.toolkit.fluxcd.io/v2',
          kind: 'HelmRelease',
          metadata: { name: 'e', namespace: ns },
          spec: { interval: '10m', chartRef: { kind: 'GitRepository', name: 'x' } },
        },
        expect: /spec\.chartRef\.kind: Unsupported value/,
      },
      {
        what: 'CEL: chart and chartRef together',
        obj: {
          apiVersion: 'helm.toolkit.fluxcd.io/v2',
          kind: 'HelmRelease',
          metadata: { name: 'f', namespace: ns },
          spec: {
            interval: '10m',
            chartRef: { kind: 'OCIRepository', name: 'x' },
            chart: { spec: { chart: 'c', sourceRef: { kind: 'HelmRepository', name: 'r' } } },
          },
        },
        expect: /spec: Invalid value.*either chart or chartRef must be set/s,
      },
      {
        what: 'CEL: STS provider mismatch',
        obj: {
          apiVersion: 'source.toolkit.fluxcd.io/v1',
          kind: 'Bucket',
          metadata: { name: 'g', namespace: ns },
          spec: {
            bucketName: 'b',
            endpoint: 'minio:9000',
            interval: '5m',
            sts: { provider: 'aws', endpoint: 'https://sts.example.com' },
          },
        },
        expect: /'ldap' is the only supported STS provider/,
      },
      {
        what: 'source timeout with hours',
        obj: gitRepository(ns, 'h', { timeout: '1h' }),
        expect: /spec\.timeout/,
      },
    ];
    for (const c of cases) {
      const result = await create(c.obj);
      assert.notEqual(result.code, 0, `${c.what}: rejected`);
      assert.match(result.stderr, c.expect, `${c.what}: ${result.stderr}`);
    }
  });

  void it('serves kubectl explain from our schema', async () => {
    const out = await mustKubectl(cluster.kubeconfigPath, ['explain', 'gitrepository.spec.ref']);
    assert.match(out, /GROUP:\s+source\.toolkit\.fluxcd\.io/);
    assert.match(out, /Git reference to check out and watch\./);
    for (const field of ['branch', 'commit', 'name', 'semver', 'tag'])
      assert.match(out, new RegExp(`^\\s+${field}\\s+<string>`, 'm'));
    const interval = await mustKubectl(cluster.kubeconfigPath, ['explain', 'kustomizations.spec.interval']);
    assert.match(interval, /Period between reconciliations\./);
  });

  void it('prints Flux printer columns and answers to short names and categories', async (t) => {
    const ns = await useNamespace(t, cluster);
    const client = new KubeClient(cluster.kubeConfig);
    await client.create(gitRepository(ns, 'podinfo'));
    await client.patch(
      GitRepositoryKind,
      { namespace: ns, name: 'podinfo' },
      'merge',
      {
        status: {
          conditions: [
            {
              type: 'Ready',
              status: 'True',
              reason: 'Succeeded',
              message: "stored artifact for revision 'master@sha1:0123abc'",
              lastTransitionTime: '2024-01-01T00:00:00Z',
            },
          ],
        },
      },
      { subresource: 'status' },
    );
    const out = await mustKubectl(cluster.kubeconfigPath, ['get', 'gitrepositories', '-n', ns]);
    const [header, row] = out.trim().split('\n');
    assert.deepEqual(header?.trim().split(/\s+/), ['NAME', 'URL', 'AGE', 'READY', 'STATUS']);
    assert.match(
      row ?? '',
      /^podinfo\s+https:\/\/github\.com\/stefanprodan\/podinfo\s+\S+\s+True\s+stored artifact for revision 'master@sha1:0123abc'$/,
    );
    assert.match(
      await mustKubectl(cluster.kubeconfigPath, ['get', 'gitrepo', '-n', ns, '-o', 'name']),
      /gitrepository\.source\.toolkit\.fluxcd\.io\/podinfo/,
    );
    assert.match(
      await mustKubectl(cluster.kubeconfigPath, ['get', 'fluxcd-sources', '-n', ns, '-o', 'name']),
      /gitrepository\.source\.toolkit\.fluxcd\.io\/podinfo/,
    );
    // `ks` resolves (kubectl exits 0) and lists nothing in this namespace.
    assert.equal(await mustKubectl(cluster.kubeconfigPath, ['get', 'ks', '-n', ns, '-o', 'name']), '');
  });

  void it('creates, gets, server-side applies, patches status and watches a GitRepository', async (t) => {
    const ns = await useNamespace(t, cluster);
    const client = new KubeClient(cluster.kubeConfig);
    const key = { namespace: ns, name: 'app' };

    const created = await client.create(gitRepository(ns, 'app'));
    assert.equal(created.spec.timeout, '60s', 'CRD default applied on create');
    assert.equal(created.metadata.generation, 1);

    const got = await client.get<GitRepository>(GitRepositoryKind, key);
    assert.deepEqual(got.spec, withDefaults(GitRepositoryKind, gitRepository(ns, 'app')).spec);
    assert.deepEqual(got.status, { observedGeneration: -1 }, 'status defaults to observedGeneration -1');

    const { items, metadata } = await client.list<GitRepository>(GitRepositoryKind, { namespace: ns });
    assert.equal(items.length, 1);
    const abort = new AbortController();
    const events = await client.watch<GitRepository>(GitRepositoryKind, {
      namespace: ns,
      resourceVersion: metadata.resourceVersion ?? '',
      signal: abort.signal,
    });

    const applied = await client.apply(
      { ...gitRepository(ns, 'app', { interval: '5m', ref: { branch: 'main' } }) },
      { fieldManager: 'fluxts-test', force: true },
    );
    assert.equal(applied.spec.interval, '5m');
    assert.equal(applied.metadata.generation, 2);
    const managers = (applied.metadata.managedFields ?? []) as { manager: string; operation: string }[];
    assert.ok(
      managers.some((m) => m.manager === 'fluxts-test' && m.operation === 'Apply'),
      JSON.stringify(managers),
    );

    const condition = {
      type: 'Ready',
      status: 'True',
      reason: 'Succeeded',
      message: 'ok',
      lastTransitionTime: '2024-01-01T00:00:00Z',
      observedGeneration: 2,
    };
    const patched = await client.patch<GitRepository>(
      GitRepositoryKind,
      key,
      'merge',
      { spec: { interval: '9h' }, status: { observedGeneration: 2, conditions: [condition] } },
      { subresource: 'status', fieldManager: 'source-controller' },
    );
    assert.deepEqual(patched.status?.conditions, [condition]);
    assert.equal(patched.spec.interval, '5m', 'the status subresource ignores spec changes');
    assert.equal(patched.metadata.generation, 2, 'a status patch does not bump the generation');

    const badStatus = await client
      .patch(
        GitRepositoryKind,
        key,
        'merge',
        { status: { conditions: [{ ...condition, status: 'Yes' }] } },
        { subresource: 'status' },
      )
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    assert.match(String(badStatus), /status\.conditions\[0\]\.status/);

    const seen: string[] = [];
    for await (const event of events) {
      seen.push(`${event.type}:${event.object.spec.interval}:${event.object.status?.conditions?.length ?? 0}`);
      if (event.object.status?.conditions?.length === 1) break;
    }
    abort.abort();
    assert.deepEqual(seen, ['MODIFIED:5m:0', 'MODIFIED:5m:1']);
  });
});
