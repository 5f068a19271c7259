// `build kustomization` / `diff kustomization` with --recursive, --local-sources, --in-memory-build,
// --strict-substitute, --ignore-not-found and --timeout, against the local control plane. The real flux CLI v2.9.5
// (shared cached build with test/cli-create) runs the same arguments and its output is the expectation; without a
// Go toolchain only the behaviour checks run.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { buildKustomization } from '../../src/cli/shared/kustomization-build.ts';
import { KubeClient, loadKubeConfig, serverSideApply, type KubeObject } from '../../src/kube/index.ts';
import { buildFluxCli } from '../cli-create/flux-cli.ts';
import { useCluster, useNamespace, type TestCluster } from '../support/cluster.ts';
import { fluxts, run, type RunResult } from './support.ts';

const KS = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' };

function kustomization(ns: string, name: string, path: string, spec: Record<string, unknown> = {}): KubeObject {
  return {
    ...KS,
    metadata: { name, namespace: ns },
    spec: { interval: '10m', path, prune: true, sourceRef: { kind: 'GitRepository', name: 'repo' }, ...spec },
  };
}

/** nestedYaml is the Kustomization `root` contains: `apps`, from the same GitRepository (namespace defaulted). */
const nestedYaml = (ns: string, extra = ''): string => `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: apps
  namespace: ${ns}
spec:
  interval: 10m
  path: ./apps
  prune: true
  sourceRef:
    kind: GitRepository
    name: repo
${extra}`;

const appConfigMap = (ns: string, value: string): string => `apiVersion: v1
kind: ConfigMap
metadata:
  name: app-settings
  namespace: ${ns}
data:
  value: ${value}
`;

/** repoDir lays out a local checkout of GitRepository `repo`: ./clusters holds `apps`, ./apps a ConfigMap. */
async function repoDir(ns: string, value = 'one'): Promise<string> {
  const repo = join(await mkdtemp(join(tmpdir(), 'fluxts-recursive-')), 'repo');
  mkdirSync(join(repo, 'clusters'), { recursive: true });
  mkdirSync(join(repo, 'apps'), { recursive: true });
  writeFileSync(join(repo, 'clusters', 'apps.yaml'), nestedYaml(ns));
  writeFileSync(join(repo, 'apps', 'cm.yaml'), appConfigMap(ns, value));
  return repo;
}

describe('build and diff --recursive', { timeout: 30 * 60_000 }, () => {
  let cluster: TestCluster;
  let client: KubeClient;
  let flux: string;
  let env: NodeJS.ProcessEnv;

  before(
    async () => {
      cluster = await useCluster();
      client = new KubeClient(loadKubeConfig(cluster.kubeconfigPath));
      env = { KUBECONFIG: cluster.kubeconfigPath };
      flux = await buildFluxCli(() => undefined);
    },
    { timeout: 25 * 60_000 },
  );

  async function both(args: string[]): Promise<{ ours: RunResult; ref: RunResult }> {
    const ours = await fluxts(args, env);
    const ref = await run(flux, args, env);
    return { ours, ref };
  }

  it('build -r builds the nested Kustomization from --local-sources, as flux does', async (t) => {
    const ns = await useNamespace(t, cluster);
    await client.create(kustomization(ns, 'root', './clusters'));
    const repo = await repoDir(ns);
    const base = ['build', 'ks', 'root', '-n', ns, '--path', join(repo, 'clusters')];

    const plain = await both(base);
    assert.equal(plain.ours.code, 0, plain.ours.stderr);
    assert.doesNotMatch(plain.ours.stdout, /app-settings/);

    const args = [...base, '--recursive', '--local-sources', `GitRepository/${ns}/repo=${repo}`];
    const { ours, ref } = await both(args);
    assert.equal(ours.code, 0, ours.stderr);
    assert.match(ours.stdout, /name: app-settings\n/);
    assert.match(ours.stdout, /kustomize\.toolkit\.fluxcd\.io\/name: apps\n/);
    assert.equal(ref.code, 0, ref.stderr);
    assert.equal(ours.stdout, ref.stdout);
    // Every build is in memory in fluxts: the flag is accepted and changes nothing.
    const inMemory = await fluxts([...args, '--in-memory-build', '-r'], env);
    assert.equal(inMemory.code, 0, inMemory.stderr);
    assert.equal(inMemory.stdout, ours.stdout);

    // A nested Kustomization in the cluster wins over the built one (flux reads the live object first).
    await client.create(kustomization(ns, 'apps', './apps', { targetNamespace: 'elsewhere' }));
    const live = await both(args);
    assert.equal(live.ours.code, 0, live.ours.stderr);
    assert.match(live.ours.stdout, /namespace: elsewhere\n/);
    assert.equal(live.ours.stdout, live.ref.stdout);
  });

  it('build -r without the nested source in --local-sources fails naming the key', async (t) => {
    const ns = await useNamespace(t, cluster);
    await client.create(kustomization(ns, 'root', './clusters'));
    const repo = await repoDir(ns);
    const { ours, ref } = await both(['build', 'ks', 'root', '-n', ns, '--path', join(repo, 'clusters'), '-r']);
    assert.equal(ours.code, 1);
    assert.match(
      ours.stderr,
      new RegExp(`^✗ cannot get local path for GitRepository/${ns}/repo of kustomization apps$`, 'm'),
    );
    assert.notEqual(ref.code, 0);
    assert.match(ref.stderr, new RegExp(`cannot get local path for GitRepository/${ns}/repo of kustomization apps`));
    const bad = await fluxts(['build', 'ks', 'root', '-n', ns, '--path', repo, '--local-sources', 'no-equals'], env);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /"no-equals" must be formatted as Kind\/namespace\/name=path/);
  });

  it('build -r --dry-run uses the built nested Kustomization without the cluster', async () => {
    const ns = 'dry';
    const repo = await repoDir(ns);
    const file = join(dirname(repo), 'root.yaml');
    writeFileSync(file, JSON.stringify(kustomization(ns, 'root', './clusters')));
    const args = [
      'build',
      'ks',
      'root',
      '-n',
      ns,
      '--path',
      join(repo, 'clusters'),
      '--kustomization-file',
      file,
      '--dry-run',
      '-r',
      '--local-sources',
      `GitRepository/${ns}/repo=${repo}`,
    ];
    const ours = await fluxts(args, { KUBECONFIG: '/nonexistent' });
    assert.equal(ours.code, 0, ours.stderr);
    assert.match(ours.stdout, /name: app-settings\n/);
    const ref = await run(flux, args, { KUBECONFIG: '/nonexistent' });
    assert.equal(ref.code, 0, ref.stderr);
    assert.equal(ours.stdout, ref.stdout);
  });

  it('diff -r reports the nested Kustomization changes under 📁, as flux does', async (t) => {
    const ns = await useNamespace(t, cluster);
    await client.create(kustomization(ns, 'root', './clusters'));
    const repo = await repoDir(ns, 'one');
    // What the controllers applied: root's objects (the apps Kustomization), then apps' ConfigMap.
    const rootBuilt = await buildKustomization({ name: 'root', namespace: ns, path: join(repo, 'clusters'), client });
    for (const obj of rootBuilt.objects) await serverSideApply(client, obj, 'kustomize-controller', false);
    const appsBuilt = await buildKustomization({ name: 'apps', namespace: ns, path: join(repo, 'apps'), client });
    for (const obj of appsBuilt.objects) await serverSideApply(client, obj, 'kustomize-controller', false);

    const args = [
      'diff',
      'ks',
      'root',
      '-n',
      ns,
      '--path',
      join(repo, 'clusters'),
      '--progress-bar=false',
      '--recursive',
      '--local-sources',
      `GitRepository/${ns}/repo=${repo}`,
    ];
    const clean = await both(args);
    assert.equal(clean.ours.code, 0, clean.ours.stderr);
    assert.equal(clean.ours.stdout, '');
    assert.equal(clean.ref.code, 0, clean.ref.stderr);

    writeFileSync(join(repo, 'apps', 'cm.yaml'), appConfigMap(ns, 'two'));
    const drift = await both(args);
    assert.equal(drift.ours.code, 1, drift.ours.stderr);
    assert.match(
      drift.ours.stdout,
      new RegExp(`^📁 Kustomization/${ns}/apps changed\\n► ConfigMap/${ns}/app-settings drifted\\n`, 'm'),
    );
    assert.equal(drift.ref.code, 1, drift.ref.stderr);
    assert.equal(drift.ours.stdout, drift.ref.stdout);
    // Without -r the nested change is not seen.
    const flat = await fluxts(args.slice(0, 8), env);
    assert.equal(flat.code, 0, flat.stderr);
  });

  it('diff --strict-substitute fails on a variable without value; --ignore-not-found needs the file', async (t) => {
    const ns = await useNamespace(t, cluster);
    await client.create(kustomization(ns, 'app', './app', { postBuild: { substitute: { A: 'a' } } }));
    const dir = join(await mkdtemp(join(tmpdir(), 'fluxts-strict-')), 'app');
    mkdirSync(dir);
    writeFileSync(join(dir, 'cm.yaml'), appConfigMap(ns, '${MISSING}'));
    const args = ['diff', 'ks', 'app', '-n', ns, '--path', dir, '--progress-bar=false', '--strict-substitute'];
    const strict = await both(args);
    assert.equal(strict.ours.code, 2, strict.ours.stderr);
    assert.match(strict.ours.stderr, /MISSING/);
    assert.equal(strict.ref.code, 2, strict.ref.stderr);

    const noFile = await both(['diff', 'ks', 'new', '-n', ns, '--path', dir, '--ignore-not-found']);
    assert.equal(noFile.ours.code, 2);
    assert.match(noFile.ours.stderr, /kustomization file is required when assuming new kustomizations/);
    assert.equal(noFile.ref.code, 2, noFile.ref.stderr);

    const file = join(dirname(dir), 'new.yaml');
    writeFileSync(file, JSON.stringify(kustomization(ns, 'new', './app')));
    writeFileSync(join(dir, 'cm.yaml'), appConfigMap(ns, 'x'));
    const fresh = await both([
      'diff',
      'ks',
      'new',
      '-n',
      ns,
      '--path',
      dir,
      '--progress-bar=false',
      '--ignore-not-found',
      '--kustomization-file',
      file,
    ]);
    assert.equal(fresh.ours.code, 1, fresh.ours.stderr);
    assert.equal(fresh.ours.stdout, `► ConfigMap/${ns}/app-settings created\n`);
    assert.equal(fresh.ref.code, 1, fresh.ref.stderr);
    assert.equal(fresh.ours.stdout, fresh.ref.stdout);
  });

  describe('--timeout bounds the operation', () => {
    let server: Server;
    const sockets: Socket[] = [];
    let kubeconfig: string;
    before(async () => {
      // An apiserver that accepts connections and never answers.
      server = createServer((s) => void sockets.push(s));
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const port = (server.address() as { port: number }).port;
      kubeconfig = join(await mkdtemp(join(tmpdir(), 'fluxts-timeout-')), 'kubeconfig');
      writeFileSync(
        kubeconfig,
        `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "http://127.0.0.1:${port}"}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
`,
      );
    });
    after(() => {
      sockets.forEach((s) => s.destroy());
      server.close();
    });

    for (const verb of ['build', 'diff']) {
      it(`${verb} fails after --timeout with one line`, async () => {
        const dir = await repoDir('ns');
        const started = Date.now();
        const r = await fluxts(
          [verb, 'ks', 'root', '-n', 'ns', '--path', dir, '--timeout=1s', '--progress-bar=false'].filter(
            (a) => verb === 'diff' || a !== '--progress-bar=false',
          ),
          { KUBECONFIG: kubeconfig },
        );
        assert.ok(Date.now() - started < 15_000, `took ${Date.now() - started} ms`);
        assert.equal(r.code, verb === 'diff' ? 2 : 1, r.stderr);
        assert.match(r.stderr, new RegExp(`^✗ ${verb} failed: context deadline exceeded \\(--timeout 1s\\)$`, 'm'));
      });
    }
  });
});
