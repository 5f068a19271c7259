import assert from 'node:assert/strict';
import { test } from 'node:test';

import { type CrdConfig, crdConfig, CrdParseError } from './crds.ts';

const empty = (): CrdConfig => ({ nameReference: [], commonLabels: [], commonAnnotations: [], namePrefix: [] });

test('crdConfig: extensions of a Kubernetes-looking type become field specs, following $ref', () => {
  const cfg = empty();
  crdConfig(
    {
      'x.io/v1.Widget': {
        Schema: {
          properties: { apiVersion: {}, kind: {}, metadata: {}, spec: { $ref: 'x.io/v1.WidgetSpec' } },
        },
      },
      'x.io/v1.WidgetSpec': {
        schema: {
          properties: {
            ref: { 'x-kubernetes-object-ref-api-version': 'v1', 'x-kubernetes-object-ref-kind': 'Secret' },
            sel: { 'x-kubernetes-label-selector': '' },
            id: { 'x-kubernetes-identity': true },
          },
        },
      },
    },
    cfg,
  );
  assert.deepEqual(cfg.nameReference, [
    { kind: 'Secret', version: 'v1', fieldSpecs: [{ kind: 'Widget', path: 'spec/ref/name' }] },
  ]);
  assert.deepEqual(cfg.commonLabels, [{ kind: 'Widget', path: 'spec/sel' }]);
  // A non-string extension value is ignored, as kustomize's Extensions.GetString ignores it.
  assert.deepEqual(cfg.namePrefix, []);
});

test('crdConfig: a type without kind/apiVersion/metadata contributes nothing', () => {
  const cfg = empty();
  crdConfig({ 'x.io/v1.Part': { Schema: { properties: { a: { 'x-kubernetes-annotation': '' } } } } }, cfg);
  assert.deepEqual(cfg.commonAnnotations, []);
});

test('crdConfig: a CustomResourceDefinition is not an OpenAPI definition map', () => {
  assert.throws(() => crdConfig({ apiVersion: 'apiextensions.k8s.io/v1' }, empty()), CrdParseError);
});
