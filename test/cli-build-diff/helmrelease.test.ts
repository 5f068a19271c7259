// `fluxts build helmrelease` and `fluxts diff helmrelease` end to end: a HelmRelease whose chart is served by a real
// Helm HTTP repository (packaged by the real helm) and whose values come partly from a Secret is installed by the
// real source- and helm-controller on the local control plane; then the CLI, run as a child process on the same
// manifests, must render exactly what the controller installed (diff finds nothing), and report a values change,
// a Secret change (masked) and a dropped template (deleted). The Secret's value is never printed.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { parseAllDocuments } from 'yaml';

import type { KubeObject } from '../../src/kube/index.ts';
import { startHelmHarness, waitRelease, type HelmHarness } from '../helm-controller/harness.ts';
import { useNamespace } from '../support/cluster.ts';
import { startHelmRepository, type TestHelmRepository } from '../support/helm-repository.ts';
import { fluxts } from './support.ts';

const PASSWORD = 'n0t-for-the-terminal-7Qx';
const NEW_PASSWORD = 'n0r-this-0ne-either-9Zk';

/** writeChart writes the chart `demo`: a ConfigMap of values, a Secret of the password, an optional extra object. */
function writeChart(dir: string): string {
  const chart = join(dir, 'demo');
  mkdirSync(join(chart, 'templates'), { recursive: true });
  writeFileSync(join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: demo\nversion: 1.0.0\n');
  writeFileSync(join(chart, 'values.yaml'), 'message: default\npassword: ""\nextra: false\n');
  writeFileSync(
    join(chart, 'templates', 'settings.yaml'),
    `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}
  labels:
    helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
data:
  message: {{ .Values.message | quote }}
  passwordLength: {{ len .Values.password | quote }}
  revision: {{ .Release.Revision | quote }}
---
apiVersion: v1
kind: Secret
metadata:
  name: {{ .Release.Name }}
type: Opaque
data:
  password: {{ .Values.password | b64enc | quote }}
{{- if .Values.extra }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-extra
data:
  extra: "yes"
{{- end }}
`,
  );
  return chart;
}

interface ManifestOptions {
  message: string;
  password: string;
  extra: boolean;
}

/** writeManifests writes the GitOps directory: HelmRepository, HelmRelease and the values Secret. */
function writeManifests(dir: string, ns: string, repoUrl: string, o: ManifestOptions): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'release.yaml'),
    `apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata:
  name: charts
  namespace: ${ns}
spec:
  interval: 1h
  url: ${repoUrl}
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: demo
  namespace: ${ns}
spec:
  interval: 1h
  chart:
    spec:
      chart: demo
      version: 1.x
      sourceRef:
        kind: HelmRepository
        name: charts
  valuesFrom:
    - kind: Secret
      name: demo-values
      valuesKey: password
      targetPath: password
  values:
    message: ${o.message}
    extra: ${o.extra}
`,
  );
  writeFileSync(
    join(dir, 'values-secret.yaml'),
    `apiVersion: v1
kind: Secret
metadata:
  name: demo-values
  namespace: ${ns}
stringData:
  password: ${o.password}
`,
  );
}

function objectsOf(yaml: string): KubeObject[] {
  return parseAllDocuments(yaml)
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null);
}

/** assertNoSecret fails when the output holds either password, in clear or base64. */
function assertNoSecret(text: string): void {
  for (const p of [PASSWORD, NEW_PASSWORD]) {
    assert.ok(!text.includes(p), 'a Secret value was printed');
    assert.ok(!text.includes(Buffer.from(p).toString('base64')), 'a Secret value was printed (base64)');
  }
}

let h: HelmHarness;
let repo: TestHelmRepository;
let work: string;

before(async () => {
  [h, repo] = await Promise.all([startHelmHarness(), startHelmRepository()]);
  work = mkdtempSync(join(tmpdir(), 'fluxts-build-hr-'));
  repo.addChart(writeChart(work), '1.0.0');
});
after(async () => {
  await repo?.stop();
  await h?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('build and diff helmrelease', { timeout: 10 * 60_000 }, () => {
  test('render what the controller installed, then report changes with Secrets masked', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    const env = { KUBECONFIG: h.cluster.kubeconfigPath };
    const dir = join(work, ns);
    const args = ['-n', ns, '--path', dir];
    writeManifests(dir, ns, repo.url, { message: 'one', password: PASSWORD, extra: true });

    // Before anything is applied, diff sees every object as new (and the HelmRepository is read from --path).
    const fresh = await fluxts(['diff', 'helmrelease', 'demo', ...args, '--progress-bar=false'], env);
    assert.equal(fresh.code, 1, fresh.stderr);
    assert.match(fresh.stdout, new RegExp(`► ConfigMap/${ns}/demo created`, 'u'));
    assert.match(fresh.stdout, new RegExp(`► Secret/${ns}/demo created`, 'u'));
    assertNoSecret(fresh.stdout + fresh.stderr);

    // The controllers install the same manifests.
    const applied = ['release.yaml', 'values-secret.yaml'].flatMap((f) =>
      objectsOf(readFileSync(join(dir, f), 'utf8')),
    );
    for (const obj of applied) await h.client.apply(obj, { fieldManager: 'fluxts-test', force: true });
    await waitRelease(h.client, ns, 'demo', { status: 'True', reason: 'InstallSucceeded' });

    // build renders the objects the controller applied: same data, labels and annotations, at its revision.
    const built = await fluxts(['build', 'helmrelease', 'demo', ...args], env);
    assert.equal(built.code, 0, built.stderr);
    assertNoSecret(built.stdout + built.stderr);
    const objects = objectsOf(built.stdout);
    assert.deepEqual(
      objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`),
      [`Secret/${ns}/demo`, `ConfigMap/${ns}/demo`, `ConfigMap/${ns}/demo-extra`],
    );
    const liveCm = await h.client.get<KubeObject>(
      { apiVersion: 'v1', kind: 'ConfigMap' },
      { namespace: ns, name: 'demo' },
    );
    const builtCm = objects[1]!;
    assert.deepEqual(builtCm.metadata.labels, liveCm.metadata.labels);
    assert.deepEqual(builtCm.metadata.annotations, liveCm.metadata.annotations);
    assert.deepEqual(builtCm['data'], liveCm['data']);
    assert.deepEqual(objects[0]!['data'], { password: '***' });

    // The release is in sync with the manifests: nothing to report, exit 0.
    const same = await fluxts(['diff', 'helmrelease', 'demo', ...args, '--progress-bar=false'], env);
    assert.equal(same.code, 0, same.stderr);
    assert.equal(same.stdout, '');

    // Local changes: a new message, a new password (masked), the extra template dropped.
    writeManifests(dir, ns, repo.url, { message: 'two', password: NEW_PASSWORD, extra: false });
    const changed = await fluxts(['diff', 'helmrelease', 'demo', ...args, '--progress-bar=false'], env);
    assert.equal(changed.code, 1, changed.stderr);
    assertNoSecret(changed.stdout + changed.stderr);
    const lines = changed.stdout.split('\n').filter((l) => l.startsWith('►'));
    assert.match(changed.stdout, /data\.revision\n± value change\n- 1\n\+ 2/u);
    assert.deepEqual(lines, [
      `► Secret/${ns}/demo drifted`,
      `► ConfigMap/${ns}/demo drifted`,
      `► ConfigMap/${ns}/demo-extra deleted`,
    ]);
    assert.match(changed.stdout, /data\.password\n± value change\n- \*\*\* \(before\)\n\+ \*\*\* \(after\)/u);
    assert.match(changed.stdout, /data\.message\n± value change\n- one\n\+ two/u);
    assert.match(changed.stderr, /identified at least one change/u);

    // --values-from-cluster reads the Secret as the cluster has it (the old password's length), not from --path.
    const fromCluster = await fluxts(['build', 'helmrelease', 'demo', ...args, '--values-from-cluster'], env);
    assert.equal(fromCluster.code, 0, fromCluster.stderr);
    const cm = (o: string): Record<string, string> =>
      objectsOf(o).find((x) => x.kind === 'ConfigMap' && x.metadata.name === 'demo')!['data'] as Record<string, string>;
    assert.equal(cm(fromCluster.stdout)['passwordLength'], String(PASSWORD.length));
    const fromPath = await fluxts(['build', 'helmrelease', 'demo', ...args], env);
    assert.equal(cm(fromPath.stdout)['passwordLength'], String(NEW_PASSWORD.length));

    // upgrade.preserveValues renders as the controller's upgrade does (Helm's reuseValues): a value the manifests
    // dropped keeps the release's, where without it the chart's default comes back.
    const release = join(dir, 'release.yaml');
    const dropped = readFileSync(release, 'utf8').replace('    message: two\n', '');
    writeFileSync(release, dropped);
    assert.equal(cm((await fluxts(['build', 'helmrelease', 'demo', ...args], env)).stdout)['message'], 'default');
    writeFileSync(release, dropped.replace('  values:\n', '  upgrade:\n    preserveValues: true\n  values:\n'));
    const preserved = await fluxts(['build', 'helmrelease', 'demo', ...args], env);
    assert.equal(preserved.code, 0, preserved.stderr);
    assert.equal(cm(preserved.stdout)['message'], 'one');
  });

  test('dry-run renders without a cluster; a chart from a local Git checkout; errors exit 2 for diff', async () => {
    const dir = join(work, 'offline');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'release.yaml'),
      `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: charts
  namespace: flux-system
spec:
  interval: 1h
  url: https://git.example.com/charts
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: demo
  namespace: apps
spec:
  interval: 1h
  targetNamespace: web
  chart:
    spec:
      chart: ./demo
      sourceRef:
        kind: GitRepository
        name: charts
        namespace: flux-system
  values:
    message: offline
  postRenderers:
    - kustomize:
        images:
          - name: podinfo
            newTag: 6.0.0
`,
    );
    const noCluster = { KUBECONFIG: join(work, 'no-such-kubeconfig') };
    const args = ['-n', 'apps', '--path', dir, '--dry-run'];
    const missing = await fluxts(['build', 'hr', 'demo', ...args], noCluster);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /--local-sources GitRepository\/flux-system\/charts=/u);

    const ok = await fluxts(
      ['build', 'hr', 'demo', ...args, '--local-sources', `GitRepository/flux-system/charts=${work}`],
      noCluster,
    );
    assert.equal(ok.code, 0, ok.stderr);
    // What neither the controller nor the CLI applies yet is said, not silently dropped.
    assert.match(ok.stderr, /spec\.postRenderers are not applied/u);
    const cm = objectsOf(ok.stdout).find((o) => o.kind === 'ConfigMap')!;
    // targetNamespace names the release `web-demo` in namespace web, as helm-controller names it.
    assert.equal(cm.metadata.name, 'web-demo');
    assert.equal(cm.metadata.namespace, 'web');
    assert.equal((cm['data'] as Record<string, string>)['message'], 'offline');
    assert.equal(cm.metadata.labels?.['helm.toolkit.fluxcd.io/namespace'], 'apps');

    const unknown = await fluxts(['diff', 'hr', 'nope', '-n', 'apps', '--path', dir, '--progress-bar=false'], {
      KUBECONFIG: h.cluster.kubeconfigPath,
    });
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /failed to find HelmRelease 'apps\/nope'/u);
  });
});
