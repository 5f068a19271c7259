// Unit tests of the OpenAPI → merge table compiler on a hand-written schema. That the committed kustomize table is
// what the compiler makes of the reference kustomize's schema is checked in test/kustomize/merge-table.test.ts.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { compileOpenApi, MergeSchema, OpenApiCompileError } from './index.ts';

const ref = (name: string): { $ref: string } => ({ $ref: `#/definitions/${name}` });

const SWAGGER = {
  definitions: {
    'x.Pod': {
      'x-kubernetes-group-version-kind': [{ group: '', version: 'v1', kind: 'Pod' }],
      properties: { metadata: ref('x.Meta'), spec: ref('x.PodSpec'), status: ref('x.Status') },
    },
    'x.Deployment': {
      'x-kubernetes-group-version-kind': [{ group: 'apps', version: 'v1', kind: 'Deployment' }],
      properties: {
        // A $ref replaces its schema: the strategy beside it is not seen (as in kyaml).
        strategy: { ...ref('x.Status'), 'x-kubernetes-patch-strategy': 'retainKeys' },
        template: ref('x.PodSpec'),
      },
    },
    'x.Meta': {
      properties: {
        name: { type: 'string' },
        finalizers: { type: 'array', items: { type: 'string' }, 'x-kubernetes-patch-strategy': 'merge' },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
      },
    },
    'x.PodSpec': {
      properties: {
        containers: {
          type: 'array',
          items: ref('x.Container'),
          'x-kubernetes-patch-merge-key': 'name',
          'x-kubernetes-patch-strategy': 'merge',
        },
        args: { type: 'array', items: { type: 'string' } },
        byName: { type: 'object', additionalProperties: ref('x.Container') },
      },
    },
    'x.Container': {
      properties: {
        name: { type: 'string' },
        ports: {
          type: 'array',
          items: ref('x.Port'),
          'x-kubernetes-list-map-keys': ['containerPort', 'protocol'],
          'x-kubernetes-patch-merge-key': 'containerPort',
          'x-kubernetes-patch-strategy': 'merge',
        },
        nested: ref('x.Container'),
      },
    },
    'x.Port': { properties: { containerPort: { type: 'integer' } } },
    'x.Status': { properties: { phase: { type: 'string' } } },
  },
};

describe('compileOpenApi', () => {
  const table = compileOpenApi(SWAGGER, 'test');
  const schema = new MergeSchema(table);

  test('indexes kinds by apiVersion/kind and keeps only types that reach a strategy', () => {
    assert.deepEqual(table.kinds, { 'v1/Pod': 'x.Pod', 'apps/v1/Deployment': 'x.Deployment' });
    assert.deepEqual(Object.keys(table.types).sort(), ['x.Container', 'x.Deployment', 'x.Meta', 'x.Pod', 'x.PodSpec']);
  });

  test('resolves fields, map values and list elements to their strategy and keys', () => {
    const pod = schema.forType('v1', 'Pod');
    assert.ok(pod);
    const spec = schema.field(pod, 'spec');
    assert.deepEqual(schema.field(spec, 'containers').s, 'merge');
    assert.deepEqual(schema.field(spec, 'containers').k, ['name']);
    const container = schema.elements(schema.field(spec, 'containers'));
    // x-kubernetes-list-map-keys wins over the single merge key.
    assert.deepEqual(schema.field(container, 'ports').k, ['containerPort', 'protocol']);
    assert.deepEqual(schema.field(schema.field(schema.field(spec, 'byName'), 'any'), 'ports').s, 'merge');
    assert.deepEqual(schema.field(schema.field(container, 'nested'), 'ports').k, ['containerPort', 'protocol']);
    assert.deepEqual(schema.field(schema.field(pod, 'metadata'), 'finalizers'), { s: 'merge' });
    assert.deepEqual(schema.field(spec, 'args'), {});
    assert.equal(schema.forType('v1', 'Unknown'), undefined);
  });

  test('a strategy beside a $ref is dropped, as kyaml resolves the reference', () => {
    const deployment = schema.forType('apps/v1', 'Deployment');
    assert.ok(deployment);
    assert.deepEqual(schema.field(deployment, 'strategy'), {});
  });

  test('include leaves definitions out (a cluster CRDs)', () => {
    const only = compileOpenApi(SWAGGER, 'test', { include: (n) => n !== 'x.Deployment' });
    assert.deepEqual(Object.keys(only.kinds), ['v1/Pod']);
  });

  test('rejects documents without definitions', () => {
    assert.throws(() => compileOpenApi({ openapi: '3.0.0' }, 'v3.json'), OpenApiCompileError);
  });
});
