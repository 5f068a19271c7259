import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { build } from './build.ts';
import { KustomizeBuildError } from './errors.ts';
import { memoryFileSystem } from './fs.ts';

const DEPLOY = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      serviceAccountName: sa
      containers:
      - name: web
        image: nginx:1.25
        envFrom:
        - configMapRef:
            name: cfg
`;
const SA = 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa\n';

function run(kustomization: string, files: Record<string, string> = {}, opts = {}): string {
  const fs = memoryFileSystem({
    '/k/kustomization.yaml': kustomization,
    '/k/deploy.yaml': DEPLOY,
    '/k/sa.yaml': SA,
    ...Object.fromEntries(Object.entries(files).map(([k, v]) => [`/k/${k}`, v])),
  });
  return build('/k', { fs, ...opts }).yaml;
}

function fails(kustomization: string, files: Record<string, string> = {}): KustomizeBuildError {
  try {
    run(kustomization, files);
  } catch (err) {
    if (err instanceof KustomizeBuildError) return err;
    throw err;
  }
  assert.fail('expected the build to fail');
}

describe('build (in-memory filesystem)', () => {
  test('configMapGenerator: kustomize hash suffix and rewritten references', () => {
    const out = run('resources: [deploy.yaml]\nconfigMapGenerator:\n- name: cfg\n  literals: [A=1, B=true]\n');
    // cgcg2845m8 is what kustomize v5.8.2 prints for these literals.
    assert.match(out, /name: cfg-cgcg2845m8\n/);
    assert.match(out, /configMapRef:\n {12}name: cfg-cgcg2845m8\n/);
  });

  test('namePrefix renames objects and references to them, not unknown names', () => {
    const out = run('namePrefix: p-\nresources: [deploy.yaml, sa.yaml]\n');
    assert.match(out, /name: p-web\n/);
    assert.match(out, /serviceAccountName: p-sa\n/);
    assert.match(out, /configMapRef:\n {12}name: cfg\n/);
  });

  test('namespace moves namespaced objects only', () => {
    const out = run('namespace: ns\nresources: [deploy.yaml, cr.yaml]\n', {
      'cr.yaml': 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: r\n',
    });
    assert.match(out, /kind: Deployment\nmetadata:\n {2}name: web\n {2}namespace: ns\n/);
    assert.doesNotMatch(out, /name: r\n {2}namespace/);
  });

  test('commonLabels reach selectors and templates; labels without includeSelectors do not', () => {
    const common = run('commonLabels: {team: a}\nresources: [deploy.yaml]\n');
    assert.match(common, /matchLabels:\n {6}app: web\n {6}team: a\n/);
    const plain = run('labels:\n- pairs: {team: a}\nresources: [deploy.yaml]\n');
    assert.doesNotMatch(plain, /matchLabels:\n {6}app: web\n {6}team: a/);
    assert.match(plain, /metadata:\n {2}labels:\n {4}team: a\n/);
  });

  test('images set tags and names on every containers list', () => {
    const out = run('images:\n- name: nginx\n  newName: reg/nginx\n  newTag: "2"\nresources: [deploy.yaml]\n');
    assert.match(out, /image: reg\/nginx:2\n/);
  });

  test('replicas creates spec.replicas as a number', () => {
    assert.match(run('replicas:\n- name: web\n  count: 3\nresources: [deploy.yaml]\n'), /replicas: 3\n/);
  });

  test('commonAnnotations are strings, quoted where needed', () => {
    assert.match(run('commonAnnotations: {a: "true"}\nresources: [sa.yaml]\n'), /annotations:\n {4}a: "true"\n/);
  });

  test('legacy sort puts ServiceAccount before Deployment; fifo keeps input order', () => {
    assert.ok(run('resources: [deploy.yaml, sa.yaml]\n').startsWith('apiVersion: v1\nkind: ServiceAccount'));
    const fifo = run('sortOptions: {order: fifo}\nresources: [deploy.yaml, sa.yaml]\n');
    assert.ok(fifo.startsWith('apiVersion: apps/v1\nkind: Deployment'));
  });

  test('patches: JSON 6902 by target and strategic merge by name', () => {
    const out = run(
      'resources: [deploy.yaml]\npatches:\n- target: {kind: Deployment}\n  patch: |-\n    - op: add\n      path: /spec/replicas\n      value: 2\n- patch: |-\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata: {name: web}\n    spec: {paused: true}\n',
    );
    assert.match(out, /paused: true\n {2}replicas: 2\n/);
  });

  test('replacements copy a field into targets', () => {
    const out = run(
      'resources: [deploy.yaml, sa.yaml]\nreplacements:\n- source: {kind: ServiceAccount, name: sa}\n  targets:\n  - select: {kind: Deployment}\n    fieldPaths: [metadata.annotations.sa]\n    options: {create: true}\n',
    );
    assert.match(out, /annotations:\n {4}sa: sa\n/);
  });

  test('errors name the file and collect every problem', () => {
    const err = fails('resources: [missing.yaml, also-missing.yaml]\nbogus: 1\n');
    assert.equal(err.diagnostics.length, 1, 'an unknown field stops before loading');
    assert.match(err.diagnostics[0]?.message ?? '', /unknown field "bogus"/);
    assert.equal(err.diagnostics[0]?.line, 2);
    const missing = fails('resources: [missing.yaml, also-missing.yaml]\n');
    assert.equal(missing.diagnostics.length, 2);
    assert.deepEqual([missing.diagnostics[1]?.line, missing.diagnostics[1]?.column], [1, 27]);
    const broken = fails('resources: [bad.yaml]\n', { 'bad.yaml': 'a: [1\n' });
    assert.equal(broken.diagnostics[0]?.file, '/k/bad.yaml');
    assert.ok((broken.diagnostics[0]?.line ?? 0) >= 1);
  });

  test('cycles and remote bases are refused', () => {
    const fs = memoryFileSystem({
      '/a/kustomization.yaml': 'resources: [../b]\n',
      '/b/kustomization.yaml': 'resources: [../a]\n',
    });
    assert.throws(() => build('/a', { fs }), /cycle/);
    assert.match(fails('resources: [https://github.com/x/y//z]\n').message, /remote/);
  });

  test("Flux's rule generates a kustomization over every manifest when none exists", () => {
    const fs = memoryFileSystem({
      '/f/a.yaml': SA,
      '/f/sub/b.yml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n',
      '/f/sub/notes.txt': 'ignored',
      '/f/app/kustomization.yaml': 'namePrefix: x-\nresources: [c.yaml]\n',
      '/f/app/c.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n',
      '/f/app/skipped.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: skipped\n',
    });
    assert.throws(() => build('/f', { fs }), /unable to find/);
    const out = build('/f', { fs, generateMissing: true }).yaml;
    assert.match(out, /name: b\n/);
    assert.match(out, /name: x-c\n/);
    assert.doesNotMatch(out, /skipped/);
    assert.match(out, /name: sa\n/);
  });
});
