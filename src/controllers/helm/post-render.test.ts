import assert from 'node:assert/strict';
import { test } from 'node:test';

import { parse } from 'yaml';

import { loadChart, memoryChartFileSystem, renderChart } from '../../engines/helm/index.ts';
import { FILENAME_ANNOTATION, postRenderer, postRenderersDigest } from './post-render.ts';

const files = () =>
  new Map([
    [
      'app/templates/deployment.yaml',
      `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: web
          image: ghcr.io/stefanprodan/podinfo:6.14.1
`,
    ],
    [
      'app/templates/hook.yaml',
      `apiVersion: v1
kind: ConfigMap
metadata:
  name: hook
  annotations:
    helm.sh/hook: pre-install
data:
  a: "1"
`,
    ],
    ['app/templates/_helpers.tpl', ''],
  ]);

const renderers = [
  {
    kustomize: {
      patches: [
        { patch: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels:\n    patched: "yes"\n' },
        { patch: '[{"op": "add", "path": "/data/b", "value": "2"}]', target: { kind: 'ConfigMap' } },
      ],
      images: [{ name: 'ghcr.io/stefanprodan/podinfo', newTag: '6.14.2' }],
    },
  },
];

interface Obj {
  metadata: { labels?: Record<string, string>; annotations?: Record<string, string> };
  data?: Record<string, string>;
  spec?: { template: { spec: { containers: { image: string }[] } } };
}
const read = (out: Map<string, string>, file: string) => parse(out.get(file)!) as Obj;

test('combined: templates and hooks go through the post-renderers and back to their files, annotation removed', () => {
  const out = postRenderer(renderers)!(files());
  assert.deepEqual([...out.keys()].sort(), ['app/templates/deployment.yaml', 'app/templates/hook.yaml']);
  const deployment = read(out, 'app/templates/deployment.yaml');
  assert.equal(deployment.metadata.labels?.['patched'], 'yes');
  assert.equal(deployment.metadata.annotations, undefined);
  assert.equal(deployment.spec?.template.spec.containers[0]?.image, 'ghcr.io/stefanprodan/podinfo:6.14.2');
  const hook = read(out, 'app/templates/hook.yaml');
  assert.deepEqual(hook.data, { a: '1', b: '2' });
  assert.deepEqual(hook.metadata.annotations, { 'helm.sh/hook': 'pre-install' });
  assert.ok(!out.get('app/templates/hook.yaml')!.includes(FILENAME_ANNOTATION));
});

test('nohooks leaves hooks as rendered; separate post-renders them on their own', () => {
  const nohooks = postRenderer(renderers, 'nohooks')!(files());
  assert.deepEqual(read(nohooks, 'app/templates/hook.yaml').data, { a: '1' });
  assert.equal(read(nohooks, 'app/templates/deployment.yaml').metadata.labels?.['patched'], 'yes');
  // Each hook is a stream of its own: a patch naming a template (no target) finds nothing there and fails, as
  // kustomize does; targeted patches select what each stream has.
  assert.throws(() => postRenderer(renderers, 'separate')!(files()), /no resource matches strategic merge patch/);
  const targeted = [{ kustomize: { patches: [renderers[0]!.kustomize.patches[1]!] } }];
  const separate = postRenderer(targeted, 'separate')!(files());
  assert.deepEqual(read(separate, 'app/templates/hook.yaml').data, { a: '1', b: '2' });
});

test('no post-renderers: no step and no digest; a patch that fails is a PostRenderError', () => {
  assert.equal(postRenderer(undefined), undefined);
  assert.equal(postRenderersDigest([]), '');
  assert.match(postRenderersDigest(renderers), /^sha256:[0-9a-f]{64}$/);
  assert.notEqual(postRenderersDigest(renderers), postRenderersDigest([{ kustomize: { images: [] } }]));
  const bad = [
    { kustomize: { patches: [{ patch: '[{"op": "remove", "path": "/nope"}]', target: { kind: 'ConfigMap' } }] } },
  ];
  assert.throws(() => postRenderer(bad)!(files()), { name: 'PostRenderError' });
});

test("Helm's render runs the step before hooks and manifests are sorted out: the patched hook stays a hook", () => {
  const fs = memoryChartFileSystem({
    '/c/Chart.yaml': 'apiVersion: v2\nname: app\nversion: 1.0.0\n',
    '/c/templates/deployment.yaml': files().get('app/templates/deployment.yaml')!,
    '/c/templates/hook.yaml': files().get('app/templates/hook.yaml')!,
  });
  const rendered = renderChart(loadChart(fs, '/c'), new Map(), {
    name: 'app',
    namespace: 'apps',
    postRender: postRenderer(renderers),
  });
  assert.match(rendered.manifest, /# Source: app\/templates\/deployment.yaml\n/);
  assert.match(rendered.manifest, /patched: "yes"/);
  assert.match(rendered.manifest, /podinfo:6\.14\.2/);
  assert.equal(rendered.hooks.length, 1);
  assert.match(rendered.hooks[0]!.manifest, /b: "2"/);
  assert.ok(!rendered.manifest.includes(FILENAME_ANNOTATION));
  const failing = [{ kustomize: { patches: [{ patch: '[{"op": "remove", "path": "/nope"}]' }] } }];
  assert.throws(
    () =>
      renderChart(loadChart(fs, '/c'), new Map(), {
        name: 'app',
        namespace: 'apps',
        postRender: postRenderer(failing),
      }),
    /^ReleaseRenderError: error while running post render on files: /,
  );
});
