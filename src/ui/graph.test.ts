import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { KubeObject } from '../kube/index.ts';
import { GRAPH_PER_KIND, graphOf } from './graph.ts';
import { inventoryOf, parseInventoryId } from './inventory.ts';

const ks = (name: string, spec: object, status: object = {}): KubeObject => ({
  apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
  kind: 'Kustomization',
  metadata: { name, namespace: 'flux-system' },
  spec: { sourceRef: { kind: 'GitRepository', name: 'repo' }, ...spec },
  status: { conditions: [{ type: 'Ready', status: 'True', reason: 'R' }], ...status },
});

test('parseInventoryId reads Flux inventory ids, core and grouped', () => {
  assert.deepEqual(parseInventoryId('apps_web_apps_Deployment', 'v1'), {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    namespace: 'apps',
    name: 'web',
  });
  assert.deepEqual(parseInventoryId('_apps__Namespace', 'v1'), {
    apiVersion: 'v1',
    kind: 'Namespace',
    namespace: '',
    name: 'apps',
  });
  assert.equal(parseInventoryId('broken', 'v1'), undefined);
  assert.equal(inventoryOf(ks('a', {}, { inventory: { entries: [{ id: 'x_y__ConfigMap', v: 'v1' }] } })).length, 1);
});

test('graphOf links source, dependencies, dependents and inventory (capped per kind)', () => {
  const infra = ks('infra', {});
  const apps = ks('apps', { dependsOn: [{ name: 'infra' }] });
  const repo: KubeObject = {
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'GitRepository',
    metadata: { name: 'repo', namespace: 'flux-system' },
  };
  const objects = new Map([
    ['Kustomization/infra', infra],
    ['Kustomization/apps', apps],
    ['GitRepository/repo', repo],
  ]);
  const inventory = Array.from({ length: GRAPH_PER_KIND + 3 }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    namespace: 'apps',
    name: `cm${i}`,
    health: 'Current',
    message: '',
  }));
  const g = graphOf({
    cluster: 'c',
    object: infra,
    lookup: (kind, _ns, name) => objects.get(`${kind}/${name}`),
    all: (kind) => [...objects.values()].filter((o) => o.kind === kind),
    inventory,
  });
  const edge = (from: string, to: string, type: string): boolean =>
    g.edges.some((e) => e.from === from && e.to === to && e.type === type);
  assert.ok(edge('Kustomization/flux-system/infra', 'GitRepository/flux-system/repo', 'source'));
  assert.ok(edge('Kustomization/flux-system/apps', 'Kustomization/flux-system/infra', 'dependsOn'));
  assert.equal(g.nodes.filter((n) => n.role === 'inventory').length, GRAPH_PER_KIND);
  const more = g.nodes.find((n) => n.role === 'more');
  assert.equal(more?.name, '3 more');
  assert.equal(g.nodes.find((n) => n.id === 'GitRepository/flux-system/repo')?.flux, true);
});
