// ArtifactGenerator end to end on the real control plane: the source-controller serves a GitRepository and a
// Bucket, the source-watcher composes and decomposes them into ExternalArtifacts served from its own storage, and a
// Kustomization (ExternalArtifact feature gate on) applies one. A change in one part of the monorepo moves only the
// artifacts built from it; outputs that leave the spec are deleted; the flux2-kustomize-helm-example generator
// builds; invalid specs stall, missing sources and failing copies fail with source-watcher's reasons.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { Command } from 'commander';

import type { ArtifactGenerator, ExternalArtifact } from '../../src/api/index.ts';
import { ArtifactStorage, fetchArtifact, serveStorage, type StorageServer } from '../../src/artifacts/index.ts';
import { kustomizeController } from '../../src/controllers/kustomize/setup.ts';
import { gitRepositoryType, sourceController } from '../../src/controllers/source/setup.ts';
import { artifactGeneratorType, sourceWatcher } from '../../src/controllers/sourcewatcher/index.ts';
import { KubeClient, type KubeObject } from '../../src/kube/index.ts';
import {
  controllerOptionsFrom,
  createLogger,
  registerControllerFlags,
  startManager,
  type RunningManager,
} from '../../src/runtime/index.ts';
import { useCluster, useNamespace, type TestCluster } from '../support/cluster.ts';
import { eventually } from '../support/eventually.ts';
import { startGitServer, type GitServer } from '../support/git-server.ts';
import { SHARED_FIXTURES } from '../support/fixtures.ts';
import { configMapYaml, fixtureFiles, type Condition } from '../kustomize-controller/harness.ts';

const EA = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'ExternalArtifact' };
const KS = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' };

let cluster: TestCluster;
let client: KubeClient;
let git: GitServer;
let running: RunningManager;
const servers: StorageServer[] = [];
const dirs: string[] = [];

async function storage(): Promise<ArtifactStorage> {
  const root = await mkdtemp(join(tmpdir(), 'fluxts-ag-storage-'));
  dirs.push(root);
  const server = await serveStorage(root, { host: '127.0.0.1', port: 0 });
  servers.push(server);
  return new ArtifactStorage({ root, advertisedAddress: server.address });
}

before(async () => {
  cluster = await useCluster();
  client = new KubeClient(cluster.kubeConfig);
  git = await startGitServer();
  const flags = registerControllerFlags(new Command()).parse(
    [
      '--metrics-addr=127.0.0.1:0',
      '--health-addr=127.0.0.1:0',
      '--max-retry-delay=3s',
      '--log-level=error',
      '--feature-gates=ExternalArtifact=true',
    ],
    { from: 'user' },
  );
  running = await startManager(
    controllerOptionsFrom(flags.opts()),
    [
      sourceController({ storage: await storage() }),
      sourceWatcher({ storage: await storage() }),
      kustomizeController({ healthCheckIntervalMs: 1000 }),
    ],
    { kubeConfig: cluster.kubeConfig, logger: createLogger('error') },
  );
});

after(async () => {
  await running?.stop();
  await Promise.all(servers.map((s) => s.close()));
  await git?.close();
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const repos = new Map<string, ReturnType<GitServer['createRepo']>>();

async function gitRepository(ns: string, name: string, files: Record<string, string>): Promise<string> {
  const repo = git.createRepo(`${ns}-${name}`);
  repos.set(`${ns}-${name}`, repo);
  const sha = await repo.commit({ files, message: 'init' });
  await client.create({
    ...gitRepositoryType,
    metadata: { name, namespace: ns },
    spec: { url: git.repoUrl(`${ns}-${name}`), interval: '2s', ref: { branch: 'main' } },
  });
  return sha;
}

async function generator(ns: string, name: string, spec: ArtifactGenerator['spec']): Promise<void> {
  await client.create({ ...artifactGeneratorType, metadata: { name, namespace: ns }, spec });
}

const getGen = (ns: string, name: string): Promise<ArtifactGenerator> =>
  client.get<ArtifactGenerator>(artifactGeneratorType, { namespace: ns, name });
const getEa = (ns: string, name: string): Promise<ExternalArtifact> =>
  client.get<ExternalArtifact>(EA, { namespace: ns, name });
const cond = (o: KubeObject, type: string): Condition | undefined =>
  ((o.status as { conditions?: Condition[] } | undefined)?.conditions ?? []).find((c) => c.type === type);

function waitGen(
  ns: string,
  name: string,
  status: 'True' | 'False',
  reason: string,
  extra: (o: ArtifactGenerator) => boolean = () => true,
): Promise<ArtifactGenerator> {
  return eventually(
    `ArtifactGenerator ${ns}/${name} Ready=${status} ${reason}`,
    async () => {
      const o = await getGen(ns, name);
      const r = cond(o, 'Ready');
      return r?.status === status && r.reason === reason && extra(o) ? o : undefined;
    },
    { timeoutMs: 60_000 },
  );
}

async function files(ea: ExternalArtifact): Promise<Record<string, string>> {
  const a = ea.status?.artifact;
  assert.ok(a, `ExternalArtifact ${ea.metadata.name} has an artifact`);
  const fetched = await fetchArtifact(a.url, a.digest);
  try {
    const out: Record<string, string> = {};
    const walk = (rel: string): void => {
      for (const e of readdirSync(join(fetched.dir, rel), { withFileTypes: true })) {
        const p = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) walk(p);
        else out[p] = readFileSync(join(fetched.dir, p), 'utf8');
      }
    };
    walk('');
    return out;
  } finally {
    await fetched.cleanup();
  }
}

test('a monorepo decomposes into artifacts that move independently, and one is applied', async (t) => {
  const ns = await useNamespace(t, cluster);
  const repoFiles = {
    'deploy/frontend/cm.yaml': configMapYaml('frontend', { v: '1' }),
    'deploy/frontend/README.md': 'docs',
    'deploy/backend/cm.yaml': configMapYaml('backend', { v: '1' }),
    'values/prod.yaml': 'replicas: 3\nimage:\n  tag: v2\n',
  };
  const sha = await gitRepository(ns, 'mono', repoFiles);
  await generator(ns, 'apps', {
    sources: [{ alias: 'repo', kind: 'GitRepository', name: 'mono' }],
    artifacts: [
      {
        name: 'frontend',
        originRevision: '@repo',
        copy: [{ from: '@repo/deploy/frontend/**', to: '@artifact/', exclude: ['*.md'] }],
      },
      { name: 'backend', revision: '@repo', copy: [{ from: '@repo/deploy/backend/', to: '@artifact/' }] },
    ],
  });
  const ready = await waitGen(ns, 'apps', 'True', 'Succeeded');
  assert.equal(cond(ready, 'Ready')?.message, 'reconciliation succeeded, generated 2 artifact(s)');
  assert.deepEqual(
    ready.status?.inventory?.map((i) => i.name),
    ['frontend', 'backend'],
  );
  const frontend = await getEa(ns, 'frontend');
  assert.match(frontend.status?.artifact?.revision ?? '', /^latest@sha256:[0-9a-f]{64}$/);
  assert.equal(frontend.status?.artifact?.revision, `latest@${frontend.status?.artifact?.digest}`);
  assert.equal(frontend.status?.artifact?.metadata?.['org.opencontainers.image.revision'], `main@sha1:${sha}`);
  assert.match(frontend.status?.artifact?.path ?? '', new RegExp(`^externalartifact/${ns}/frontend/\\d+\\.tar\\.gz$`));
  assert.equal(frontend.metadata.labels?.['source.extensions.fluxcd.io/generator'], ready.metadata.uid);
  assert.deepEqual(frontend.spec?.sourceRef, {
    apiVersion: artifactGeneratorType.apiVersion,
    kind: 'ArtifactGenerator',
    name: 'apps',
    namespace: ns,
  });
  assert.equal(cond(frontend, 'Ready')?.status, 'True');
  assert.deepEqual(Object.keys(await files(frontend)), ['cm.yaml']);
  const backend = await getEa(ns, 'backend');
  assert.equal(backend.status?.artifact?.revision, `main@sha1:${sha}`);
  assert.deepEqual(Object.keys(await files(backend)), ['backend/cm.yaml']);

  await client.create({
    ...KS,
    metadata: { name: 'frontend', namespace: ns },
    spec: {
      interval: '10m',
      prune: true,
      path: './',
      targetNamespace: ns,
      sourceRef: { kind: 'ExternalArtifact', name: 'frontend' },
    },
  });
  await eventually('frontend ConfigMap applied', async () =>
    client.get({ apiVersion: 'v1', kind: 'ConfigMap' }, { namespace: ns, name: 'frontend' }).catch(() => undefined),
  );

  // Only the frontend changes: its artifact moves, the backend's digest stays.
  const repo = repos.get(`${ns}-mono`);
  assert.ok(repo);
  await repo.commit({ files: { 'deploy/frontend/cm.yaml': configMapYaml('frontend', { v: '2' }) }, message: 'fe' });
  const moved = await eventually('frontend artifact moved', async () => {
    const ea = await getEa(ns, 'frontend');
    return ea.status?.artifact?.digest !== frontend.status?.artifact?.digest ? ea : undefined;
  });
  assert.ok(moved);
  const backendAfter = await getEa(ns, 'backend');
  assert.equal(backendAfter.status?.artifact?.digest, backend.status?.artifact?.digest);
  await eventually('frontend ConfigMap updated', async () => {
    const cm = await client.get<KubeObject>(
      { apiVersion: 'v1', kind: 'ConfigMap' },
      { namespace: ns, name: 'frontend' },
    );
    return (cm['data'] as Record<string, string>)['v'] === '2' ? cm : undefined;
  });

  // An output that leaves the spec is deleted with its artifact.
  await client.patch(artifactGeneratorType, { namespace: ns, name: 'apps' }, 'json', [
    { op: 'remove', path: '/spec/artifacts/1' },
  ]);
  await eventually('backend ExternalArtifact deleted', async () =>
    (await getEa(ns, 'backend').then(
      () => false,
      () => true,
    ))
      ? true
      : undefined,
  );
});

test('Merge strategy composes chart values like helm --values', async (t) => {
  const ns = await useNamespace(t, cluster);
  await gitRepository(ns, 'chart', {
    'podinfo/Chart.yaml': 'apiVersion: v2\nname: podinfo\nversion: 1.0.0\n',
    'podinfo/values.yaml': 'replicas: 1\nimage:\n  repository: ghcr.io/stefanprodan/podinfo\n  tag: v1\nlist: [a, b]\n',
  });
  await gitRepository(ns, 'vals', { 'prod.yaml': 'replicas: 3\nimage:\n  tag: v2\nlist: [c]\n' });
  await generator(ns, 'compose', {
    sources: [
      { alias: 'chart', kind: 'GitRepository', name: 'chart' },
      { alias: 'git', kind: 'GitRepository', name: 'vals' },
    ],
    artifacts: [
      {
        name: 'podinfo',
        copy: [
          { from: '@chart/podinfo/', to: '@artifact/' },
          { from: '@git/prod.yaml', to: '@artifact/podinfo/values.yaml', strategy: 'Merge' },
        ],
      },
    ],
  });
  await waitGen(ns, 'compose', 'True', 'Succeeded');
  const out = await files(await getEa(ns, 'podinfo'));
  assert.equal(
    out['podinfo/values.yaml'],
    'image:\n  repository: ghcr.io/stefanprodan/podinfo\n  tag: v2\nlist:\n- c\nreplicas: 3\n',
  );
  assert.ok(out['podinfo/Chart.yaml']);
});

test('the flux2-kustomize-helm-example generator builds its infrastructure and apps artifacts', async (t) => {
  const ns = await useNamespace(t, cluster);
  const example = join(SHARED_FIXTURES, 'flux2-kustomize-helm-example');
  await gitRepository(ns, 'flux-system', fixtureFiles(example) as Record<string, string>);
  const manifest = readFileSync(join(example, 'clusters/staging/artifacts.yaml'), 'utf8');
  const spec = (await import('yaml')).parse(manifest.replace(/^---\n/, '')) as { spec: ArtifactGenerator['spec'] };
  await generator(ns, 'flux-system', spec.spec);
  await waitGen(ns, 'flux-system', 'True', 'Succeeded');
  const infra = Object.keys(await files(await getEa(ns, 'infrastructure')));
  assert.ok(
    infra.some((f) => f.startsWith('controllers/')) && infra.some((f) => f.startsWith('configs/')),
    infra.join(),
  );
  const apps = Object.keys(await files(await getEa(ns, 'apps')));
  assert.ok(apps.some((f) => f.startsWith('base/')) && apps.some((f) => f.startsWith('staging/')), apps.join());
});

test('invalid specs stall; missing sources and failing copies fail with their reasons', async (t) => {
  const ns = await useNamespace(t, cluster);
  await gitRepository(ns, 'src', { 'a.yaml': 'a: 1\n' });
  await generator(ns, 'dup', {
    sources: [
      { alias: 'x', kind: 'GitRepository', name: 'src' },
      { alias: 'x', kind: 'GitRepository', name: 'src' },
    ],
    artifacts: [{ name: 'out', copy: [{ from: '@x/a.yaml', to: '@artifact/' }] }],
  });
  const dup = await waitGen(ns, 'dup', 'False', 'ValidationFailed', (o) => cond(o, 'Stalled')?.status === 'True');
  assert.equal(cond(dup, 'Ready')?.message, "duplicate source alias 'x' found");

  await generator(ns, 'missing', {
    sources: [{ alias: 'x', kind: 'Bucket', name: 'absent' }],
    artifacts: [{ name: 'out2', copy: [{ from: '@x/a.yaml', to: '@artifact/' }] }],
  });
  const missing = await waitGen(ns, 'missing', 'False', 'SourceFetchFailed');
  assert.match(cond(missing, 'Ready')?.message ?? '', /^get sources failed: Bucket '.*\/absent' not found/);

  await generator(ns, 'nomatch', {
    sources: [{ alias: 'x', kind: 'GitRepository', name: 'src' }],
    artifacts: [{ name: 'out3', copy: [{ from: '@x/*.json', to: '@artifact/' }] }],
  });
  const nomatch = await waitGen(ns, 'nomatch', 'False', 'BuildFailed');
  assert.equal(
    cond(nomatch, 'Ready')?.message,
    "out3 build failed: failed to apply copy operation from '@x/*.json' to '@artifact/': no files match pattern '*.json' in source 'x'",
  );
});
