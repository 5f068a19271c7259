import assert from 'node:assert/strict';
import { test } from 'node:test';

import { build } from '../build.ts';
import { memoryFileSystem } from '../fs.ts';

const CM = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n';

function run(files: Record<string, string>): string {
  return build('/k', { fs: memoryFileSystem(files) }).yaml;
}

test('transformerAnnotations: every transformer that ran over an object, in order, one per configured entry', () => {
  const out = run({
    '/k/kustomization.yaml':
      'resources: [cm.yaml]\nnamespace: apps\nlabels:\n- pairs: {a: b}\nbuildMetadata: [transformerAnnotations]\n',
    '/k/cm.yaml': CM,
  });
  // Two LabelTransformers: the labels entry and the (empty) commonLabels one kustomize always adds with it.
  assert.match(
    out,
    /kind: NamespaceTransformer\n(.*\n){3}.*kind: LabelTransformer\n(.*\n){3}.*kind: LabelTransformer\n/,
  );
  assert.doesNotMatch(out, /config\.kubernetes\.io\/origin/);
});

test('managedByLabel: the label names the kustomize release reproduced, on every object', () => {
  const out = run({
    '/k/kustomization.yaml': 'resources: [cm.yaml]\nbuildMetadata: [managedByLabel]\n',
    '/k/cm.yaml': CM,
  });
  assert.match(out, /labels:\n {4}app\.kubernetes\.io\/managed-by: kustomize-v5\.8\.2\n/);
  assert.doesNotMatch(out, /annotations/);
});

test('originAnnotations with a plugin generator: configuredIn is its config file, configuredBy names it', () => {
  const out = run({
    '/k/kustomization.yaml': 'generators: [gen.yaml]\nbuildMetadata: [originAnnotations]\n',
    '/k/gen.yaml': 'apiVersion: builtin\nkind: ConfigMapGenerator\nmetadata:\n  name: g\nliterals: [a=b]\n',
  });
  assert.match(
    out,
    /configuredIn: gen\.yaml\n {6}configuredBy:\n {8}apiVersion: builtin\n {8}kind: ConfigMapGenerator\n {8}name: g\n/,
  );
});
