import assert from 'node:assert/strict';
import { test } from 'node:test';

import { dependencyNotReady } from './dependency.ts';
import { compileReadyExpr } from './ready-expr.ts';

// Behaviour of kustomize-controller v1.9 checkDependencies (internal/controller/kustomization_controller.go).

const ks = (
  name: string,
  extra: { spec?: object; status?: object; generation?: number } = {},
): Record<string, unknown> => ({
  apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
  kind: 'Kustomization',
  metadata: { name, namespace: 'flux-system', generation: extra.generation ?? 1 },
  spec: { sourceRef: { kind: 'GitRepository', name: 'flux-system' }, ...extra.spec },
  status: { observedGeneration: 1, ...extra.status },
});
const ready = [{ type: 'Ready', status: 'True', reason: 'ReconciliationSucceeded' }];
const self = ks('apps');
const rev = 'main@sha1:0123456789abcdef0123456789abcdef01234567';

test('a Ready dependency on the same source must have applied the same revision', () => {
  const dep = ks('infra', { status: { conditions: ready, lastAppliedRevision: rev } });
  assert.equal(dependencyNotReady({ self, dep, sourceRevision: rev }), undefined);
  assert.equal(
    dependencyNotReady({ self, dep, sourceRevision: 'main@sha1:ffff' }),
    "dependency 'flux-system/infra' revision is not up to date",
  );
  const otherSource = ks('infra', {
    spec: { sourceRef: { kind: 'GitRepository', name: 'infra-repo' } },
    status: { conditions: ready },
  });
  assert.equal(dependencyNotReady({ self, dep: otherSource, sourceRevision: rev }), undefined);
});

test('no conditions, an unobserved generation or Ready != True is not ready', () => {
  const msg = "dependency 'flux-system/infra' is not ready";
  assert.equal(dependencyNotReady({ self, dep: ks('infra'), sourceRevision: rev }), msg);
  const stale = ks('infra', { generation: 2, status: { conditions: ready, lastAppliedRevision: rev } });
  assert.equal(dependencyNotReady({ self, dep: stale, sourceRevision: rev }), msg);
  const failing = ks('infra', { status: { conditions: [{ type: 'Ready', status: 'False' }] } });
  assert.equal(dependencyNotReady({ self, dep: failing, sourceRevision: rev }), msg);
});

test('readyExpr replaces the built-in check unless the additive gate is on', () => {
  const readyExpr = compileReadyExpr("dep.metadata.name == 'infra'", 'infra');
  const notReadyBuiltIn = ks('infra');
  assert.equal(dependencyNotReady({ self, dep: notReadyBuiltIn, readyExpr, sourceRevision: rev }), undefined);
  assert.equal(
    dependencyNotReady({ self, dep: notReadyBuiltIn, readyExpr, sourceRevision: rev, additiveCEL: true }),
    "dependency 'flux-system/infra' is not ready",
  );
  const never = compileReadyExpr('false', 'infra');
  assert.equal(
    dependencyNotReady({ self, dep: notReadyBuiltIn, readyExpr: never, sourceRevision: rev }),
    "dependency 'flux-system/infra' is not ready according to readyExpr eval",
  );
  assert.throws(
    () => compileReadyExpr('dep.metadata.name', 'infra'),
    /^HealthCheckConfigError: failed to evaluate dependency infra: CEL expression output type mismatch/,
  );
});
