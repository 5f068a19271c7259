import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';

import { parse } from 'yaml';

import type { Kustomization } from '../../../api/index.ts';
import { StepError } from '../../../runtime/index.ts';
import { prepareKustomization, securePath } from './generate.ts';

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'fluxts-gen-'));
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), content);
  }
  return root;
}

const ks = (spec: Partial<Kustomization['spec']>): Kustomization => ({
  apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
  kind: 'Kustomization',
  metadata: { name: 'app', namespace: 'flux-system' },
  spec: { interval: '1m', prune: true, sourceRef: { kind: 'GitRepository', name: 'repo' }, ...spec },
});

const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n';

test('securePath keeps every path inside the root', () => {
  assert.equal(securePath('/root', '../../etc'), '/root/etc');
  assert.equal(securePath('/root', './apps/x'), '/root/apps/x');
  assert.equal(securePath('/root', undefined), '/root/');
});

test('prepareKustomization leaves a directory alone when the spec has no overlay fields', (t) => {
  const root = tree({ 'app/cm.yaml': cm });
  t.after(() => rmSync(root, { recursive: true, force: true }));
  assert.equal(prepareKustomization(root, ks({ path: './app' })), join(root, 'app'));
  assert.throws(() => readFileSync(join(root, 'app/kustomization.yaml')));
});

test('prepareKustomization generates a kustomization listing the manifests and applies the overlay', (t) => {
  const root = tree({ 'app/cm.yaml': cm, 'app/sub/more.yml': cm.replace('name: a', 'name: b'), 'app/notes.txt': 'x' });
  t.after(() => rmSync(root, { recursive: true, force: true }));
  prepareKustomization(root, ks({ path: 'app', targetNamespace: 'prod', namePrefix: 'p-', nameSuffix: '-s' }));
  const data = parse(readFileSync(join(root, 'app/kustomization.yaml'), 'utf8')) as Record<string, unknown>;
  assert.deepEqual(data['resources'], ['cm.yaml', 'sub/more.yml']);
  assert.equal(data['namespace'], 'prod');
  assert.equal(data['namePrefix'], 'p-');
  assert.equal(data['nameSuffix'], '-s');
});

test('prepareKustomization merges images field-wise and appends patches to an existing file', (t) => {
  const root = tree({
    'app/kustomization.yaml': `resources: [cm.yaml]
images:
  - name: podinfo
    newName: ghcr.io/stefanprodan/podinfo
    newTag: 6.0.0
patches:
  - path: p.yaml
`,
    'app/cm.yaml': cm,
  });
  t.after(() => rmSync(root, { recursive: true, force: true }));
  prepareKustomization(
    root,
    ks({
      path: 'app',
      images: [
        { name: 'podinfo', digest: 'sha256:abc' },
        { name: 'redis', newTag: '7' },
      ],
      patches: [{ patch: 'inline', target: { kind: 'ConfigMap' } }],
    }),
  );
  const data = parse(readFileSync(join(root, 'app/kustomization.yaml'), 'utf8')) as Record<string, unknown>;
  assert.deepEqual(data['images'], [
    { name: 'podinfo', newName: 'ghcr.io/stefanprodan/podinfo', digest: 'sha256:abc' },
    { name: 'redis', newTag: '7' },
  ]);
  assert.deepEqual(data['patches'], [{ path: 'p.yaml' }, { patch: 'inline', target: { kind: 'ConfigMap' } }]);
});

test('prepareKustomization refuses remote components, drops missing ones on request, and reports a missing path', (t) => {
  const root = tree({ 'app/cm.yaml': cm, 'components/x/kustomization.yaml': 'kind: Component\n' });
  t.after(() => rmSync(root, { recursive: true, force: true }));
  assert.throws(
    () => prepareKustomization(root, ks({ path: 'app', components: ['https://example.com/c'] })),
    (err: unknown) => err instanceof StepError && err.reason === 'BuildFailed',
  );
  prepareKustomization(
    root,
    ks({ path: 'app', components: ['../components/x', '../components/missing'], ignoreMissingComponents: true }),
  );
  const data = parse(readFileSync(join(root, 'app/kustomization.yaml'), 'utf8')) as Record<string, unknown>;
  assert.deepEqual(data['components'], ['../components/x']);
  assert.throws(
    () => prepareKustomization(root, ks({ path: 'nope' })),
    (err: unknown) => err instanceof StepError && err.reason === 'ArtifactFailed' && /path not found/.test(err.message),
  );
});
