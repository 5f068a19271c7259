// Differential test: CEL health checks (healthCheckExprs) and dependsOn readyExpr against Flux's Go code
// (fluxcd/pkg runtime/cel on cel-go v0.26.1). Compares results, and that both sides reject or fail the same inputs.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { CelExpression } from '../../src/engines/cel/index.ts';
import { compileHealthChecks } from '../../src/engines/kstatus/index.ts';
import { FluxRef } from './fluxref.ts';

let ref: FluxRef;
before(async () => {
  ref = await FluxRef.start();
});
after(() => ref.close());

const cluster = {
  apiVersion: 'cluster.x-k8s.io/v1beta1',
  kind: 'Cluster',
  metadata: { name: 'prod', namespace: 'capi', generation: 4, labels: { env: 'prod', tier: 'gold' } },
  spec: { replicas: 3, paused: false, topology: { version: 'v1.30.1' } },
  status: {
    observedGeneration: 4,
    phase: 'Provisioned',
    readyReplicas: 3,
    ratio: 0.75,
    failureMessage: '',
    conditions: [
      { type: 'Ready', status: 'True', reason: 'Ready', message: '' },
      { type: 'ControlPlaneReady', status: 'True' },
      { type: 'InfrastructureReady', status: 'False', reason: 'Pending', message: 'waiting for VPC' },
    ],
    addresses: ['10.0.0.1', '10.0.0.2'],
  },
};

const stale = { ...cluster, metadata: { ...cluster.metadata, generation: 5 } };
const noStatus = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', generation: 1 }, spec: {} };

const EXPRS = [
  "status.conditions.filter(e, e.type == 'Ready').all(e, e.status == 'True')",
  "status.conditions.exists(e, e.type == 'InfrastructureReady' && e.status == 'False')",
  "status.phase == 'Provisioned' && status.readyReplicas == spec.replicas",
  'status.readyReplicas >= 3',
  'status.readyReplicas > 2.5',
  'status.ratio > 0.5',
  'status.ratio == 0.75',
  "metadata.labels.env == 'prod'",
  "'tier' in metadata.labels",
  "has(status.failureMessage) && status.failureMessage != ''",
  'has(status.missing)',
  "status.?missing.orValue('none') == 'none'",
  "status.?phase.orValue('') == 'Provisioned'",
  'optional.of(1).hasValue()',
  'size(status.addresses) == 2',
  "status.addresses.exists(a, a.startsWith('10.0.0.'))",
  "status.addresses.map(a, a.split('.')[3]).join(',') == '1,2'",
  "spec.topology.version.matches('^v1\\\\.30\\\\.')",
  "spec.topology.version.substring(1).split('.')[0] == '1'",
  "spec.topology.version.replace('v', '') == '1.30.1'",
  "spec.topology.version.charAt(0) == 'v'",
  "spec.topology.version.lastIndexOf('.') == 4",
  "spec.topology.version.upperAscii() == 'V1.30.1'",
  "'%s has %d replicas'.format([metadata.name, spec.replicas]) == 'prod has 3 replicas'",
  "'%.2f|%e|%x|%X|%o|%b|%s'.format([1.5, 1234.5, 255, 'hi', 8, 5, [1, 'a']]) == '1.50|1.234500e+03|ff|6869|10|101|[1, a]'",
  "'%s|%s|%s|%d'.format([1.0, true, b'x', 1.5]) == '1|true|x|1.5'",
  "'%s'.format([{'a': 1}]) == '{a: 1}'",
  "sets.contains(status.addresses, ['10.0.0.1'])",
  "sets.intersects(status.addresses, ['10.0.0.9', '10.0.0.2'])",
  'sets.equivalent([1, 2, 2], [2, 1])',
  "base64.encode(b'hello') == 'aGVsbG8='",
  "base64.decode('aGVsbG8=') == b'hello'",
  'strings.quote(\'a"b\') == \'"a\\\\"b"\'',
  "'abc'.reverse() == 'cba'",
  'status.missing.field == 1',
  'status.missing.field == 1 || true',
  'status.phase',
  'spec.paused == false',
  "int('3') == spec.replicas",
  'double(spec.replicas) / 2.0 == 1.5',
  'spec.replicas / 2 == 1',
  'status.conditions[2].message.size() > 3',
  "status.conditions.exists_one(c, c.status == 'False')",
  "duration('90s') > duration('1m')",
  "timestamp('2026-01-01T00:00:00Z') < timestamp('2026-06-01T00:00:00Z')",
  '[1, "a"].size() == 2',
  'status.conditions.all(c, has(c.reason))',
  'this is not cel',
  "status.phase == 'Provisioned' &&",
];

test('CEL expressions on objects (parse-only mode) match Flux', async () => {
  for (const obj of [cluster, noStatus]) {
    for (const expr of EXPRS) {
      const want = await ref.ask({ op: 'celexpr', expr, object: obj, boolOut: true });
      let got: { value?: unknown; error?: string };
      try {
        got = { value: new CelExpression(expr).evaluateBoolean(obj) };
      } catch (err) {
        got = { error: (err as Error).message };
      }
      const label = `${expr} on ${obj.kind}`;
      if (want.error === undefined) {
        assert.deepEqual(got, { value: want.value }, label);
      } else {
        assert.ok(got.error, `${label}: Flux fails with ${want.error}, we gave ${JSON.stringify(got.value)}`);
        // The step (parse vs evaluate vs not-a-bool) must be the same; the detail is each library's own.
        const step = (m: string): string => m.replace(/'.*$/s, '');
        assert.equal(step(got.error ?? ''), step(want.error), label);
      }
    }
  }
});

const HEALTH = [
  { current: "status.conditions.filter(e, e.type == 'Ready').all(e, e.status == 'True')" },
  { current: "status.phase == 'Provisioned'", failed: "status.failureMessage != ''" },
  {
    current: "status.conditions.filter(e, e.type == 'Ready').all(e, e.status == 'True')",
    inProgress: "status.conditions.exists(e, e.type == 'InfrastructureReady' && e.status == 'False')",
  },
  { current: 'false' },
  { current: 'status.readyReplicas == 3', failed: 'status.readyReplicas < 1', inProgress: 'status.readyReplicas < 3' },
  { current: 'status.nope == 1' },
  { current: '' },
  { current: 'true', failed: 'status.phase ==' },
];

test('healthCheckExprs statuses match Flux', async () => {
  for (const obj of [cluster, stale, noStatus]) {
    for (const hc of HEALTH) {
      const want = await ref.ask({ op: 'celhealth', object: obj, ...hc });
      let got: { status?: string; error?: string };
      try {
        const custom = compileHealthChecks([{ apiVersion: obj.apiVersion, kind: obj.kind, ...hc }]);
        got = { status: custom.evaluate(obj).status };
      } catch (err) {
        got = { error: (err as Error).message };
      }
      const label = `${JSON.stringify(hc)} on ${obj.metadata.name}/${obj.metadata.generation}`;
      if (want.error === undefined) assert.deepEqual(got, { status: want.status }, label);
      else assert.ok(got.error, `${label}: Flux fails with ${want.error}`);
    }
  }
});

const self = {
  apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
  kind: 'Kustomization',
  metadata: { name: 'apps', namespace: 'flux-system', generation: 2, annotations: { 'app/version': 'v2' } },
  spec: { interval: '10m', prune: true, sourceRef: { kind: 'GitRepository', name: 'flux-system' } },
  status: { observedGeneration: 2, lastAppliedRevision: 'main@sha1:aaa' },
};
const dep = {
  apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
  kind: 'Kustomization',
  metadata: { name: 'infra', namespace: 'flux-system', generation: 7, annotations: { 'app/version': 'v2' } },
  spec: { interval: '1h', prune: true, suspend: false },
  status: {
    observedGeneration: 7,
    lastAppliedRevision: 'main@sha1:aaa',
    conditions: [{ type: 'Ready', status: 'True', reason: 'ReconciliationSucceeded' }],
  },
};

const READY = [
  "dep.status.conditions.filter(c, c.type == 'Ready').all(c, c.status == 'True')",
  "self.metadata.annotations['app/version'] == dep.metadata.annotations['app/version']",
  'dep.metadata.generation == dep.status.observedGeneration',
  'dep.metadata.generation == 7',
  'dep.status.observedGeneration > 6',
  'self.status.lastAppliedRevision == dep.status.lastAppliedRevision && !dep.spec.suspend',
  "dep.?spec.?timeout.orValue('5m') == '5m'",
  'dep.metadata.name',
  'unknown.field == 1',
  'dep.spec.timeout == "1m"',
  '1 + ',
];

test('dependsOn readyExpr (compiled with self and dep) matches Flux', async () => {
  for (const expr of READY) {
    const want = await ref.ask({
      op: 'celexpr',
      expr,
      compile: true,
      boolOut: true,
      varNames: ['self', 'dep'],
      object: { self, dep },
    });
    let got: { value?: unknown; error?: string };
    try {
      got = {
        value: new CelExpression(expr, { variables: ['self', 'dep'], boolOutput: true }).evaluateBoolean({ self, dep }),
      };
    } catch (err) {
      got = { error: (err as Error).message };
    }
    if (want.error === undefined) assert.deepEqual(got, { value: want.value }, expr);
    else {
      assert.ok(got.error, `${expr}: Flux fails with ${want.error}`);
      const step = (m: string): string => m.replace(/(expected bool, got ).*$|'.*$/s, '$1');
      assert.equal(step(got.error ?? ''), step(want.error), expr);
    }
  }
});
