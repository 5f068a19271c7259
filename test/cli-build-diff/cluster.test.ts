// `fluxts build kustomization` and `fluxts diff kustomization` against the local control plane, each run as a
// node child process. The real flux CLI v2.9 (built once into the cache, shared with test/cli-create) runs with the
// same arguments and its output is the expectation; the behaviour checks (exit codes, masking, deletions) hold too.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';

import { buildKustomization } from '../../src/cli/shared/kustomization-build.ts';
import { KubeClient, loadKubeConfig, serverSideApply, type KubeObject } from '../../src/kube/index.ts';
import { buildFluxCli } from '../cli-create/flux-cli.ts';
import { useCluster, useNamespace, type TestCluster } from '../support/cluster.ts';
import { fluxts, run, type RunResult } from './support.ts';

const KS = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' };

function kustomization(ns: string, name: string, spec: Record<string, unknown> = {}): KubeObject {
  return {
    ...KS,
    metadata: { name, namespace: ns },
    spec: { interval: '10m', path: './app', prune: true, sourceRef: { kind: 'GitRepository', name: 'repo' }, ...spec },
  };
}

const configMap = (ns: string, data: Record<string, string>): string => `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: ${ns}
data:
${Object.entries(data)
  .map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`)
  .join('\n')}
`;

const secret = (ns: string, password: string): string => `apiVersion: v1
kind: Secret
metadata:
  name: creds
  namespace: ${ns}
stringData:
  password: ${password}
  user: admin
`;

describe('build and diff against the cluster', { timeout: 30 * 60_000 }, () => {
  let cluster: TestCluster;
  let client: KubeClient;
  let flux: string;
  let env: NodeJS.ProcessEnv;

  before(
    async () => {
      cluster = await useCluster();
      client = new KubeClient(loadKubeConfig(cluster.kubeconfigPath));
      env = { KUBECONFIG: cluster.kubeconfigPath };
      // The flux CLI is shared with test/cli-create (one cached build); a failed build fails the tests.
      flux = await buildFluxCli(() => undefined);
    },
    { timeout: 25 * 60_000 },
  );

  async function both(args: string[]): Promise<{ ours: RunResult; ref: RunResult }> {
    const ours = await fluxts(args, env);
    const ref = await run(flux, args, env);
    return { ours, ref };
  }

  async function workDir(files: Record<string, string>): Promise<string> {
    const dir = join(await mkdtemp(join(tmpdir(), 'fluxts-diff-')), 'app');
    mkdirSync(dir, { recursive: true });
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return dir;
  }

  /** applyAsController applies what `build` makes, as kustomize-controller would. */
  async function applyAsController(ns: string, name: string, path: string): Promise<void> {
    const { objects } = await buildKustomization({ name, namespace: ns, path, client });
    for (const obj of objects) await serverSideApply(client, obj, 'kustomize-controller', false);
  }

  it('build substitutes from a ConfigMap and a Secret read from the cluster', async (t) => {
    const ns = await useNamespace(t, cluster);
    await client.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'vars', namespace: ns },
      data: { COLOR: 'blue', REPLICAS: '3' },
    });
    await client.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'svars', namespace: ns },
      data: { TOKEN: Buffer.from('s3cr3t').toString('base64') },
    });
    await client.create(
      kustomization(ns, 'app', {
        targetNamespace: ns,
        postBuild: {
          substitute: { COLOR: 'overridden-by-nothing' },
          substituteFrom: [
            { kind: 'ConfigMap', name: 'vars' },
            { kind: 'Secret', name: 'svars' },
            { kind: 'ConfigMap', name: 'absent', optional: true },
          ],
        },
      }),
    );
    const dir = await workDir({
      'cm.yaml':
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: out\ndata:\n  color: ${COLOR}\n  token: ${TOKEN}\n  n: "${REPLICAS}"\n  d: ${MISSING:=dflt}\n',
    });
    const { ours, ref } = await both(['build', 'ks', 'app', '-n', ns, '--path', dir]);
    assert.equal(ours.code, 0, ours.stderr);
    assert.equal(ref.code, 0, ref.stderr);
    assert.equal(ours.stdout, ref.stdout);
    // The inline substitute map wins over substituteFrom, as in the controller.
    assert.match(ours.stdout, /color: overridden-by-nothing\n/);
    assert.match(ours.stdout, /token: s3cr3t\n/);
    // Flux substitutes kustomize's output, which dropped the quotes: the value becomes a number.
    assert.match(ours.stdout, /"n": 3\n/);
    assert.match(ours.stdout, /d: dflt\n/);
    assert.match(ours.stdout, new RegExp(`namespace: ${ns}\\n`));
    // --dry-run with the file skips substituteFrom (flux's documented behaviour).
    const ksFile = join(dir, '..', 'ks.yaml');
    writeFileSync(
      ksFile,
      JSON.stringify(
        kustomization(ns, 'app', { postBuild: { substituteFrom: [{ kind: 'ConfigMap', name: 'vars' }] } }),
      ),
    );
    const dry = await fluxts(
      ['build', 'ks', 'app', '-n', ns, '--path', dir, '--kustomization-file', ksFile, '--dry-run'],
      { KUBECONFIG: '/nonexistent' },
    );
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /color: \$\{COLOR\}\n/);
  });

  it('diff: no change exits 0, a changed field exits 1 and shows it, a Secret change is masked', async (t) => {
    const ns = await useNamespace(t, cluster);
    await client.create(kustomization(ns, 'app'));
    const dir = await workDir({
      'cm.yaml': configMap(ns, { a: '1', b: 'hello', script: 'one\ntwo\nthree\n' }),
      'secret.yaml': secret(ns, 'hunter2'),
    });
    await applyAsController(ns, 'app', dir);
    const args = ['diff', 'ks', 'app', '-n', ns, '--path', dir, '--progress-bar=false'];

    const clean = await both(args);
    assert.equal(clean.ours.code, 0, clean.ours.stderr);
    assert.equal(clean.ours.stdout, '');
    assert.equal(clean.ref.code, 0, clean.ref.stderr);

    writeFileSync(
      join(dir, 'cm.yaml'),
      configMap(ns, { a: '1', b: 'world', c: 'new', script: 'one\n2\nthree\nfour\n' }),
    );
    writeFileSync(join(dir, 'secret.yaml'), secret(ns, 'correct-horse'));
    const drift = await both(args);
    assert.equal(drift.ours.code, 1, drift.ours.stderr);
    assert.match(drift.ours.stdout, new RegExp(`► ConfigMap/${ns}/settings drifted\\n`));
    assert.match(drift.ours.stdout, /data\.b\n± value change\n- hello\n\+ world\n/);
    assert.match(drift.ours.stdout, new RegExp(`► Secret/${ns}/creds drifted\\n`));
    assert.match(drift.ours.stdout, /data\.password\n± value change\n- \*\*\* \(before\)\n\+ \*\*\* \(after\)\n/);
    for (const plain of [
      'hunter2',
      'correct-horse',
      Buffer.from('hunter2').toString('base64'),
      Buffer.from('correct-horse').toString('base64'),
    ]) {
      assert.ok(!drift.ours.stdout.includes(plain) && !drift.ours.stderr.includes(plain), 'a Secret value leaked');
    }
    assert.match(drift.ours.stderr, /identified at least one change/);
    assert.equal(drift.ref.code, 1, drift.ref.stderr);
    assert.equal(drift.ours.stdout, drift.ref.stdout);
  });

  it('diff: a Deployment drift reports maps, named lists and scalar changes as flux does', async (t) => {
    const ns = await useNamespace(t, cluster);
    await client.create(kustomization(ns, 'app'));
    const deployment = (o: { replicas: number; image: string; extra: string; env: string; args: string }): string =>
      `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${ns}
  annotations:
    note: keep
${o.extra}
spec:
  replicas: ${o.replicas}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: ${o.image}
        args: ${o.args}
        env:
        - {name: A, value: "1"}
${o.env}
        ports:
        - containerPort: 80
`;
    const dir = await workDir({
      'deploy.yaml': deployment({
        replicas: 1,
        image: 'nginx:1.0',
        extra: '    gone: bye',
        env: '        - {name: B, value: "2"}',
        args: '["a", "b", "c"]',
      }),
    });
    await applyAsController(ns, 'app', dir);
    writeFileSync(
      join(dir, 'deploy.yaml'),
      deployment({
        replicas: 3,
        image: 'nginx:2.0',
        extra: '    added: hi\n  labels:\n    tier: front',
        env: '        - {name: C, value: "3"}',
        args: '["a", "c", "d"]',
      }),
    );
    const res = await both(['diff', 'ks', 'app', '-n', ns, '--path', dir, '--progress-bar=false']);
    assert.equal(res.ours.code, 1, res.ours.stderr);
    assert.match(res.ours.stdout, /spec\.replicas\n± value change\n- 1\n\+ 3\n/);
    assert.match(res.ours.stdout, /spec\.template\.spec\.containers\.web\.image\n/);
    assert.equal(res.ours.stdout, res.ref.stdout);

    // Second round: removals only, an unnamed list entry changed, a nested map added, multiline text to one line.
    await applyAsController(ns, 'app', dir);
    writeFileSync(
      join(dir, 'deploy.yaml'),
      deployment({ replicas: 3, image: 'nginx:2.0', extra: '', env: '', args: '["a"]' })
        .replace('  annotations:\n    note: keep\n\n', '')
        .replace('containerPort: 80', 'containerPort: 8080\n        resources:\n          limits: {cpu: 100m}'),
    );
    writeFileSync(join(dir, 'cm.yaml'), configMap(ns, { script: 'one\ntwo\nthree\n' }));
    await applyAsController(ns, 'app', dir);
    writeFileSync(join(dir, 'cm.yaml'), configMap(ns, { script: 'single line' }));
    writeFileSync(
      join(dir, 'deploy.yaml'),
      deployment({ replicas: 3, image: 'nginx:2.0', extra: '', env: '', args: '["a"]' }).replace(
        'containerPort: 80',
        'containerPort: 9090',
      ),
    );
    const round2 = await both(['diff', 'ks', 'app', '-n', ns, '--path', dir, '--progress-bar=false']);
    assert.equal(round2.ours.code, 1, round2.ours.stderr);
    assert.match(round2.ours.stdout, /ports\.0\.containerPort\n± value change\n- 8080\n\+ 9090\n/);
    assert.match(round2.ours.stdout, /- one map entry removed:\nlimits:\n {2}cpu: 100m\n/);
    assert.equal(round2.ours.stdout, round2.ref.stdout);
  });

  it('diff: new objects are created, objects left in the inventory are deleted', async (t) => {
    const ns = await useNamespace(t, cluster);
    await client.create(kustomization(ns, 'app'));
    const dir = await workDir({ 'cm.yaml': configMap(ns, { a: '1' }), 'secret.yaml': secret(ns, 'pw') });
    await applyAsController(ns, 'app', dir);
    await client.patch(
      KS,
      { namespace: ns, name: 'app' },
      'merge',
      {
        status: {
          inventory: {
            entries: [
              { id: `${ns}_settings__ConfigMap`, v: 'v1' },
              { id: `${ns}_creds__Secret`, v: 'v1' },
              { id: `${ns}_web_apps_Deployment`, v: 'v1' },
            ],
          },
        },
      },
      { subresource: 'status' },
    );
    writeFileSync(
      join(dir, 'extra.yaml'),
      'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: bot\n  namespace: ' + ns + '\n',
    );
    const res = await both(['diff', 'ks', 'app', '-n', ns, '--path', dir, '--progress-bar=false']);
    assert.equal(res.ours.code, 1, res.ours.stderr);
    assert.equal(res.ours.stdout, `► ServiceAccount/${ns}/bot created\n► Deployment/${ns}/web deleted\n`);
    assert.equal(res.ours.stdout, res.ref.stdout);
  });

  it('diff: errors exit 2 with one line on stderr and nothing on stdout', async (t) => {
    const ns = await useNamespace(t, cluster);
    const dir = await workDir({ 'cm.yaml': configMap(ns, { a: '1' }) });
    const missing = await both(['diff', 'ks', 'nope', '-n', ns, '--path', dir, '--progress-bar=false']);
    assert.equal(missing.ours.code, 2);
    assert.equal(missing.ours.stdout, '');
    assert.match(missing.ours.stderr, /^✗ failed to get kustomization object: [^\n]+\n {2}hint: [^\n]+\n$/);
    assert.equal(missing.ref.code, 2);
    // A live build needs the Kustomization in the cluster even when its spec comes from a file, as in flux.
    const ksFile = join(dir, '..', 'nope.yaml');
    writeFileSync(ksFile, JSON.stringify(kustomization(ns, 'nope')));
    const fromFile = await both(['build', 'ks', 'nope', '-n', ns, '--path', dir, '--kustomization-file', ksFile]);
    assert.notEqual(fromFile.ours.code, 0);
    assert.equal(fromFile.ours.stdout, '');
    assert.notEqual(fromFile.ref.code, 0);
    const kubeconfig = join(dir, '..', 'unreachable.kubeconfig');
    writeFileSync(
      kubeconfig,
      'apiVersion: v1\nkind: Config\nclusters:\n- name: none\n  cluster: {server: "https://127.0.0.1:1"}\ncontexts:\n- name: none\n  context: {cluster: none, user: none}\ncurrent-context: none\nusers:\n- name: none\n  user: {token: none}\n',
    );
    const unreachable = await fluxts(['diff', 'ks', 'app', '-n', ns, '--path', dir, '--kubeconfig', kubeconfig]);
    assert.equal(unreachable.code, 2);
    assert.equal(unreachable.stdout, '');
    assert.match(unreachable.stderr, /^✗ cannot reach the Kubernetes API server[^\n]*\n {2}hint: [^\n]+\n$/);
  });
});
