// `get` tables of every kind compared with the real flux CLI v2.9.5 (built once into the cache, see
// test/cli-create/flux-cli.ts) on the same objects: column headers, TruncateHex on revisions and messages, OCI
// HelmRepositories printed Ready, RFC 3339 times, --show-source, -A; a failed flux build fails the tests.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { KubeClient, type TypeRef } from '../../src/kube/index.ts';
import { buildFluxCli } from '../cli-create/flux-cli.ts';
import { run } from '../cli-build-diff/support.ts';
import { type TestCluster, useCluster, useNamespace } from '../support/cluster.ts';
import { readyStatus, runCli, setStatus } from './support.ts';

const SRC = 'source.toolkit.fluxcd.io/v1';
const T = {
  git: { apiVersion: SRC, kind: 'GitRepository' },
  oci: { apiVersion: SRC, kind: 'OCIRepository' },
  helm: { apiVersion: SRC, kind: 'HelmRepository' },
  chart: { apiVersion: SRC, kind: 'HelmChart' },
  bucket: { apiVersion: SRC, kind: 'Bucket' },
  ks: { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' },
  hr: { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease' },
  imageRepo: { apiVersion: 'image.toolkit.fluxcd.io/v1', kind: 'ImageRepository' },
  imagePolicy: { apiVersion: 'image.toolkit.fluxcd.io/v1', kind: 'ImagePolicy' },
  imageUpdate: { apiVersion: 'image.toolkit.fluxcd.io/v1', kind: 'ImageUpdateAutomation' },
  alert: { apiVersion: 'notification.toolkit.fluxcd.io/v1beta3', kind: 'Alert' },
  provider: { apiVersion: 'notification.toolkit.fluxcd.io/v1beta3', kind: 'Provider' },
  receiver: { apiVersion: 'notification.toolkit.fluxcd.io/v1', kind: 'Receiver' },
  external: { apiVersion: SRC, kind: 'ExternalArtifact' },
  generator: { apiVersion: 'source.extensions.fluxcd.io/v1beta1', kind: 'ArtifactGenerator' },
} as const;

const SHA = '0123456789abcdef0123456789abcdef01234567';
const DIGEST = 'sha256:' + 'ab'.repeat(32);
const artifact = (revision: string) => ({
  artifact: {
    path: 'x/y/z.tar.gz',
    url: 'http://source-controller/x.tar.gz',
    revision,
    digest: DIGEST,
    lastUpdateTime: '2026-01-01T00:00:00Z',
  },
});

let cluster: TestCluster;
let client: KubeClient;
let kc: string;
let flux: string;

before(
  async () => {
    cluster = await useCluster();
    client = new KubeClient(cluster.kubeConfig);
    kc = `--kubeconfig=${cluster.kubeconfigPath}`;
    flux = await buildFluxCli(() => undefined);
  },
  { timeout: 25 * 60_000 },
);

async function make(
  ns: string,
  type: TypeRef,
  name: string,
  spec: Record<string, unknown>,
  status?: Record<string, unknown>,
): Promise<void> {
  await client.create({ ...type, metadata: { name, namespace: ns }, spec });
  if (status) await setStatus(client, type, ns, name, status);
}

/** objects creates two of most kinds: one Ready with hex-laden revision/message, one suspended or not yet ready. */
async function objects(ns: string): Promise<void> {
  const msg = (what: string) => `stored artifact for revision 'main@sha1:${SHA}' (${what})`;
  await make(
    ns,
    T.git,
    'podinfo',
    { interval: '1m', url: 'https://example.com/podinfo.git', ref: { branch: 'main' } },
    readyStatus(1, msg('git'), artifact(`main@sha1:${SHA}`)),
  );
  await make(ns, T.git, 'idle', {
    interval: '1m',
    url: 'https://example.com/idle.git',
    ref: { branch: 'main' },
    suspend: true,
  });
  await make(
    ns,
    T.oci,
    'manifests',
    { interval: '5m', url: 'oci://ghcr.io/example/manifests', ref: { tag: 'latest' } },
    readyStatus(1, `stored artifact for digest 'latest@${DIGEST}'`, artifact(`latest@${DIGEST}`)),
  );
  await make(
    ns,
    T.helm,
    'charts',
    { interval: '10m', url: 'https://charts.example.com' },
    readyStatus(1, `stored artifact: revision '${DIGEST}'`, artifact(DIGEST)),
  );
  await make(ns, T.helm, 'oci-charts', { interval: '10m', type: 'oci', url: 'oci://ghcr.io/example/charts' });
  await make(
    ns,
    T.chart,
    'podinfo-chart',
    { interval: '10m', chart: 'podinfo', sourceRef: { kind: 'HelmRepository', name: 'charts' } },
    readyStatus(1, `packaged 'podinfo' chart with version '6.5.4' from ${SHA}`, artifact('6.5.4')),
  );
  // A chart built from a Git directory: Revision strategy's `+<hex>` version, and one failing to package.
  await make(
    ns,
    T.chart,
    'git-chart',
    {
      interval: '10m',
      chart: './charts/podinfo',
      reconcileStrategy: 'Revision',
      sourceRef: { kind: 'GitRepository', name: 'podinfo' },
    },
    readyStatus(
      2,
      `packaged 'podinfo' chart with version '6.5.4+0123456789ab.2' and merged values files [charts/podinfo/values.yaml]`,
      artifact('6.5.4+0123456789ab.2'),
    ),
  );
  await make(
    ns,
    T.chart,
    'broken-chart',
    { interval: '10m', chart: './charts/nowhere', sourceRef: { kind: 'GitRepository', name: 'podinfo' } },
    {
      observedGeneration: 1,
      conditions: [
        {
          type: 'Ready',
          status: 'False',
          reason: 'InvalidChartReference',
          message: `invalid chart reference: stat charts/nowhere: no such file or directory (${SHA})`,
          lastTransitionTime: '2026-01-01T00:00:00Z',
        },
      ],
    },
  );
  await make(
    ns,
    T.bucket,
    'bucket',
    { interval: '5m', bucketName: 'manifests', endpoint: 'minio.example.com' },
    readyStatus(1, `stored artifact: revision 'sha256:${SHA}${SHA.slice(0, 24)}'`, artifact(`sha256:${SHA}`)),
  );
  await make(
    ns,
    T.ks,
    'apps',
    { interval: '10m', path: './apps', prune: true, sourceRef: { kind: 'GitRepository', name: 'podinfo' } },
    readyStatus(1, `Applied revision: main@sha1:${SHA}`, { lastAppliedRevision: `main@sha1:${SHA}` }),
  );
  await make(ns, T.ks, 'infra', {
    interval: '10m',
    path: './infra',
    prune: true,
    sourceRef: { kind: 'OCIRepository', name: 'manifests', namespace: 'flux-system' },
    suspend: true,
  });
  await make(
    ns,
    T.hr,
    'podinfo',
    {
      interval: '10m',
      chart: { spec: { chart: 'podinfo', sourceRef: { kind: 'HelmRepository', name: 'charts' } } },
    },
    readyStatus(1, `Helm install succeeded for release ${ns}/podinfo.v1 with chart podinfo@6.5.4 ${SHA}`, {
      history: [
        {
          name: 'podinfo',
          namespace: ns,
          version: 1,
          chartName: 'podinfo',
          chartVersion: '6.5.4',
          configDigest: DIGEST,
          digest: DIGEST,
          firstDeployed: '2026-01-01T00:00:00Z',
          lastDeployed: '2026-01-01T00:00:00Z',
          status: 'deployed',
        },
      ],
    }),
  );
  await make(
    ns,
    T.hr,
    'by-ref',
    { interval: '10m', chartRef: { kind: 'OCIRepository', name: 'manifests' } },
    { observedGeneration: 1, lastAttemptedRevision: '1.0.0' },
  );
  await make(
    ns,
    T.imageRepo,
    'app',
    { interval: '5m', image: 'ghcr.io/example/app' },
    readyStatus(1, 'successful scan: found 3 tags', {
      lastScanResult: { tagCount: 3, scanTime: '2026-01-02T03:04:05Z' },
    }),
  );
  await make(ns, T.imageRepo, 'idle', { interval: '5m', image: 'ghcr.io/example/idle', suspend: true });
  await make(
    ns,
    T.imagePolicy,
    'app',
    { imageRepositoryRef: { name: 'app' }, policy: { semver: { range: '1.x' } } },
    readyStatus(1, "Latest image tag for 'ghcr.io/example/app' resolved to 1.2.3", {
      latestRef: { name: 'ghcr.io/example/app', tag: '1.2.3' },
    }),
  );
  await make(
    ns,
    T.imageUpdate,
    'app',
    {
      interval: '30m',
      sourceRef: { kind: 'GitRepository', name: 'podinfo' },
      git: { commit: { author: { name: 'fluxbot', email: 'fluxbot@example.com' } } },
    },
    readyStatus(1, `repository up-to-date at ${SHA}`, { lastAutomationRunTime: '2026-01-03T04:05:06Z' }),
  );
  await make(ns, T.provider, 'slack', { type: 'slack', channel: 'general' });
  await make(ns, T.alert, 'on-call', {
    providerRef: { name: 'slack' },
    eventSources: [{ kind: 'GitRepository', name: '*' }],
  });
  await make(ns, T.alert, 'muted', {
    providerRef: { name: 'slack' },
    eventSources: [{ kind: 'Kustomization', name: '*' }],
    suspend: true,
  });
  await make(
    ns,
    T.receiver,
    'github',
    { type: 'github', resources: [{ kind: 'GitRepository', name: 'podinfo' }], secretRef: { name: 'token' } },
    readyStatus(1, 'Receiver initialized for path: /hook/abc', { webhookPath: '/hook/abc' }),
  );
  const generator = {
    sources: [{ alias: 'repo', kind: 'GitRepository', name: 'podinfo' }],
    artifacts: [{ name: 'apps', copy: [{ from: '@repo/apps/**', to: '@artifact/' }] }],
  };
  await make(ns, T.generator, 'gen', generator, readyStatus(1, `reconciliation succeeded for revision ${SHA}`, {}));
  await client.create({
    ...T.generator,
    metadata: { name: 'gen-off', namespace: ns, annotations: { 'source.extensions.fluxcd.io/reconcile': 'disabled' } },
    spec: generator,
  });
  await make(
    ns,
    T.external,
    'apps',
    { sourceRef: { apiVersion: 'source.extensions.fluxcd.io/v1beta1', kind: 'ArtifactGenerator', name: 'gen' } },
    readyStatus(1, `Artifact stored for revision latest@${DIGEST}`, artifact(`latest@${DIGEST}`)),
  );
  await make(ns, T.external, 'orphan', {});
}

const COMMANDS = [
  ['sources', 'git'],
  ['sources', 'oci'],
  ['sources', 'helm'],
  ['sources', 'chart'],
  ['sources', 'bucket'],
  ['sources', 'external'],
  ['artifacts', 'generators'],
  ['artifact', 'generator', 'gen'],
  ['kustomizations'],
  ['kustomizations', '--show-source'],
  ['helmreleases'],
  ['helmreleases', '--show-source'],
  ['images', 'repository'],
  ['images', 'policy'],
  ['images', 'update'],
  ['alerts'],
  ['alert-providers'],
  ['receivers'],
  ['sources', 'all'],
  ['images', 'all'],
  ['all'],
];

describe('get tables', () => {
  let ns: string;
  const cleanups: (() => Promise<void> | void)[] = [];
  before(async () => {
    ns = await useNamespace({ name: 'get-tables', after: (fn) => void cleanups.push(fn) }, cluster);
    await objects(ns);
  });
  after(async () => {
    for (const fn of cleanups) await fn();
  });

  for (const words of COMMANDS) {
    test(`get ${words.join(' ')} prints what flux prints`, async () => {
      const args = ['get', ...words, '-n', ns, kc];
      const ours = await runCli(args, { TZ: 'UTC' });
      assert.equal(ours.code, 0, ours.stderr);
      const ref = await run(flux, args, { TZ: 'UTC' });
      assert.equal(ref.code, 0, ref.stderr);
      assert.equal(ours.stdout, ref.stdout);
    });
  }

  test('export source external and export artifact generator print what flux prints', async () => {
    for (const words of [
      ['source', 'external', '--all'],
      ['artifact', 'generator', '--all'],
      ['artifact', 'generator', 'gen-off'],
    ]) {
      const args = ['export', ...words, '-n', ns, kc];
      const ours = await runCli(args);
      assert.equal(ours.code, 0, ours.stderr);
      const ref = await run(flux, args);
      assert.equal(ref.code, 0, ref.stderr);
      assert.equal(ours.stdout, ref.stdout);
    }
  });

  test('nothing found: same exit code and message as flux', async () => {
    for (const args of [
      ['get', 'receivers', '-n', `${ns}-empty`, kc],
      ['get', 'sources', 'git', 'absent', '-n', ns, kc],
    ]) {
      const ours = await runCli(args);
      assert.equal(ours.code, 1, ours.stderr);
      const ref = await run(flux, args);
      assert.equal(ours.code, ref.code, ours.stderr);
      assert.equal(ours.stderr, ref.stderr);
    }
  });

  test('hand-checked cells: hex cut to 8, OCI HelmRepository Ready, providers without SUSPENDED', async () => {
    const git = await runCli(['get', 'sources', 'git', '-n', ns, kc]);
    assert.match(
      git.stdout,
      /main@sha1:01234567 *\tFalse *\tTrue *\tstored artifact for revision 'main@sha1:01234567'/,
    );
    const helm = await runCli(['get', 'sources', 'helm', '-n', ns, kc]);
    assert.match(helm.stdout, /^oci-charts *\t *\tFalse *\tTrue *\tHelm repository is Ready *\t$/m);
    const providers = await runCli(['get', 'alert-providers', '-n', ns, kc]);
    assert.equal(providers.stdout, 'NAME \tREADY\tMESSAGE           \nslack\tTrue \tProvider is Ready\t\n');
    const ks = await runCli(['get', 'ks', '--show-source', '-n', ns, kc]);
    assert.match(ks.stdout, /^NAME *\tSOURCE *\tREVISION/);
    assert.match(ks.stdout, /^infra *\tOCIRepository\/flux-system\/manifests *\t/m);
    const images = await runCli(['get', 'images', 'repository', '-n', ns, kc], { TZ: 'Asia/Kolkata' });
    assert.match(images.stdout, /^app *\t2026-01-02T08:34:05\+05:30\t/m);
  });
});
