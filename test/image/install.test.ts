// `fluxts install` for real: the controllers come up as pods of the image `npm run image` built, run under runc by
// the dev cluster's pod runner (src/devcluster/pods/) with their own service-account tokens, in-cluster config and
// only the RBAC the install grants, and reconcile a GitRepository (from a Git server on the host, reached through
// a Service whose EndpointSlice points at the node) and a Kustomization (whose artifact comes from the in-cluster
// source-controller Service) in a tenant namespace; a killed controller is restarted and resumes.
//
// Runs with `npm run test:image` only (see test/support/image.ts).
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { DEFAULT_COMPONENTS } from '../../src/cli/shared/install-manifests.ts';
import { stderrProgress } from '../../src/devcluster/go-build.ts';
import { buildImage } from '../../src/devcluster/image/build.ts';
import { findImage } from '../../src/devcluster/image/oci-layout.ts';
import { unpackedRootfs } from '../../src/devcluster/image/rootfs.ts';
import { HOST_IP } from '../../src/devcluster/pod-simulator.ts';
import { containerMemoryBytes, RUNC_ROOT } from '../../src/devcluster/pods/runc.ts';
import { KubeClient, type KubeObject } from '../../src/kube/index.ts';
import { cliEntry, type CliResult, runCli } from '../cli/support.ts';
import { type TestCluster, useCluster } from '../support/cluster.ts';
import { eventually } from '../support/eventually.ts';
import { type GitServer, startGitServer } from '../support/git-server.ts';
import { IMAGE_TESTS_SKIP } from '../support/image.ts';

const root = join(import.meta.dirname, '..', '..');
// The default components are the ones fluxts implements (the registry decides); install is run without
// --components so that a planned controller slipping into the defaults would crash-loop here.
const COMPONENTS = DEFAULT_COMPONENTS;

function runCliFor(timeout: number, args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cliEntry(), ...args],
      { cwd: root, env: { ...process.env, FLUXTS_POLL_INTERVAL_MS: '500', NO_COLOR: '1' }, timeout },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

interface Pod extends KubeObject {
  status?: {
    phase?: string;
    conditions?: { type: string; status: string }[];
    containerStatuses?: { ready: boolean; restartCount: number; containerID?: string; imageID?: string }[];
  };
}

interface Condition {
  type: string;
  status: string;
  message?: string;
}

describe('fluxts install on a cluster that runs pods', { skip: IMAGE_TESTS_SKIP }, () => {
  const ns = `fluxts-it-${randomBytes(3).toString('hex')}`;
  const tenant = `${ns}-tenant`;
  let cluster: TestCluster;
  let client: KubeClient;
  let kc: string;
  let git: GitServer;
  let repo: ReturnType<GitServer['createRepo']>;

  before(async () => {
    const built = await buildImage({ root, progress: stderrProgress });
    // The image is "pulled" (unpacked) before the clock starts, as on a node that has it already.
    const image = await findImage(built.layoutDir, built.name);
    assert.ok(image, `${built.name} is not in ${built.layoutDir}`);
    await unpackedRootfs(built.layoutDir, image);
    cluster = await useCluster();
    client = new KubeClient(cluster.kubeConfig);
    kc = `--kubeconfig=${cluster.kubeconfigPath}`;
    git = await startGitServer();
  });
  after(async () => {
    await runCli(['uninstall', '-n', ns, '--silent', kc]).catch(() => undefined);
    for (const name of [tenant]) {
      await client.delete({ apiVersion: 'v1', kind: 'Namespace' }, { name }).catch(() => undefined);
    }
    await git?.close();
  });

  const pods = async (): Promise<Pod[]> =>
    (await client.list<Pod>({ apiVersion: 'v1', kind: 'Pod' }, { namespace: ns })).items;
  const condition = async (apiVersion: string, kind: string, name: string): Promise<Condition | undefined> => {
    const obj = await client.get<KubeObject & { status?: { conditions?: Condition[] } }>(
      { apiVersion, kind },
      { name, namespace: tenant },
    );
    return obj.status?.conditions?.find((c) => c.type === 'Ready');
  };

  test('install brings every controller pod up from the image, Ready, and check agrees', async (t) => {
    const started = Date.now();
    // On a loaded 2-core machine a controller can miss its first liveness probes and be restarted, as a kubelet
    // would: give the install its own five minutes rather than runCli's two.
    const r = await runCliFor(300_000, ['install', '-n', ns, '--timeout=5m', kc]);
    const seconds = (Date.now() - started) / 1000;
    assert.equal(r.code, 0, r.stderr);
    for (const c of COMPONENTS) assert.match(r.stderr, new RegExp(`^✔ ${c}: deployment ready$`, 'm'));
    t.diagnostic(`install to all pods Ready: ${seconds.toFixed(1)}s`);
    const running = await pods();
    assert.equal(running.length, COMPONENTS.length);
    for (const pod of running) {
      const status = pod.status?.containerStatuses?.[0];
      assert.equal(pod.status?.phase, 'Running', pod.metadata.name);
      assert.match(status?.containerID ?? '', /^runc:\/\//, `${pod.metadata.name} runs under runc`);
      assert.match(status?.imageID ?? '', /^ghcr\.io\/fluxts\/fluxts@sha256:[0-9a-f]{64}$/);
      // What each controller holds when idle: the memory of its container's cgroup.
      const bytes = containerMemoryBytes(status?.containerID?.slice('runc://'.length) ?? '');
      assert.ok(bytes !== undefined, `${pod.metadata.name}: the memory of its cgroup`);
      t.diagnostic(`${pod.metadata.name}: ${(bytes / 2 ** 20).toFixed(0)} MiB`);
    }
    const check = await runCli(['check', '-n', ns, `--components=${COMPONENTS.join(',')}`, kc]);
    assert.equal(check.code, 0, check.stderr);
    assert.match(check.stderr, /✔ all checks passed\n$/);
  });

  test('a GitRepository and a Kustomization reconcile from inside the cluster', async () => {
    repo = git.createRepo('fleet');
    await repo.commit({
      files: {
        'apps/kustomization.yaml': 'resources: [config.yaml]\n',
        'apps/config.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: greeting\n  namespace: ${tenant}\ndata:\n  hello: world\n`,
      },
    });
    const port = Number(new URL(git.baseUrl).port);
    const objects: KubeObject[] = [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: tenant } },
      // The Git server runs on the host: a Service without selector and an EndpointSlice at the node's address.
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'git', namespace: tenant },
        spec: { ports: [{ name: 'http', port: 80, targetPort: port }] },
      },
      {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: 'git-host', namespace: tenant, labels: { 'kubernetes.io/service-name': 'git' } },
        addressType: 'IPv4',
        ports: [{ name: 'http', port, protocol: 'TCP' }],
        endpoints: [{ addresses: [HOST_IP], conditions: { ready: true } }],
      },
      {
        apiVersion: 'source.toolkit.fluxcd.io/v1',
        kind: 'GitRepository',
        metadata: { name: 'fleet', namespace: tenant },
        spec: { interval: '10s', url: `http://git.${tenant}.svc.cluster.local./fleet.git`, ref: { branch: 'main' } },
      },
      {
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
        kind: 'Kustomization',
        metadata: { name: 'apps', namespace: tenant },
        spec: {
          interval: '10s',
          path: './apps',
          prune: true,
          sourceRef: { kind: 'GitRepository', name: 'fleet' },
        },
      },
    ];
    for (const obj of objects) await client.create(obj);
    const source = await eventually(
      'the GitRepository to be Ready',
      async () => {
        const c = await condition('source.toolkit.fluxcd.io/v1', 'GitRepository', 'fleet');
        return c?.status === 'True' ? c : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 1000 },
    );
    assert.match(source.message ?? '', /stored artifact for revision 'main@sha1:[0-9a-f]{40}'/);
    await eventually(
      'the Kustomization to be Ready',
      async () =>
        (await condition('kustomize.toolkit.fluxcd.io/v1', 'Kustomization', 'apps'))?.status === 'True'
          ? true
          : undefined,
      { timeoutMs: 120_000, intervalMs: 1000 },
    );
    const cm = await client.get<KubeObject & { data?: Record<string, string> }>(
      { apiVersion: 'v1', kind: 'ConfigMap' },
      { name: 'greeting', namespace: tenant },
    );
    assert.equal(cm.data?.['hello'], 'world');
  });

  test('a killed controller is restarted and resumes', async () => {
    const pod = (await pods()).find((p) => p.metadata.name?.startsWith('kustomize-controller-'));
    const id = pod?.status?.containerStatuses?.[0]?.containerID?.slice('runc://'.length);
    assert.ok(id, 'the kustomize-controller pod runs a container');
    assert.equal(spawnSync('runc', ['--root', RUNC_ROOT, 'kill', id, 'KILL']).status, 0);
    await eventually(
      'the kustomize-controller container to restart and be Ready',
      async () => {
        const now = (await pods()).find((p) => p.metadata.name === pod?.metadata.name);
        const status = now?.status?.containerStatuses?.[0];
        return status && status.restartCount >= 1 && status.ready ? true : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 1000 },
    );
    await repo.commit({
      files: {
        'apps/config.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: greeting\n  namespace: ${tenant}\ndata:\n  hello: again\n`,
      },
    });
    await eventually(
      'the restarted controller to apply the new commit',
      async () => {
        const cm = await client.get<KubeObject & { data?: Record<string, string> }>(
          { apiVersion: 'v1', kind: 'ConfigMap' },
          { name: 'greeting', namespace: tenant },
        );
        return cm.data?.['hello'] === 'again' ? true : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 1000 },
    );
  });

  test('uninstall removes the controllers, their pods and containers, and leaves the workloads', async () => {
    const uids = (await pods()).map((p) => p.metadata.uid?.slice(0, 8) ?? '');
    const r = await runCli(['uninstall', '-n', ns, '--silent', kc]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Kustomization\/\S+\/apps finalizers deleted/);
    await eventually(
      `namespace ${ns} to be gone`,
      async () => {
        const left = await client
          .get({ apiVersion: 'v1', kind: 'Namespace' }, { name: ns })
          .then(() => true)
          .catch(() => false);
        return left ? undefined : true;
      },
      { timeoutMs: 120_000, intervalMs: 1000 },
    );
    const containers = existsSync(RUNC_ROOT) ? readdirSync(RUNC_ROOT) : [];
    assert.deepEqual(
      containers.filter((id) => uids.some((u) => id.includes(u))),
      [],
      'no container of the uninstalled pods is left',
    );
    const cm = await client.get<KubeObject & { data?: Record<string, string> }>(
      { apiVersion: 'v1', kind: 'ConfigMap' },
      { name: 'greeting', namespace: tenant },
    );
    assert.equal(cm.data?.['hello'], 'again', 'what the controllers applied stays');
  });
});
