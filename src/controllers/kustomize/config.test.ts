import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { Kustomization } from '../../api/index.ts';
import type { KubeClient } from '../../kube/index.ts';
import { compileReadyExprs } from './dependencies.ts';
import { StepError } from './errors.ts';
import { compileCustomHealth } from './health.ts';
import { resolveSource } from './source.ts';

const ks = (spec: Partial<Kustomization['spec']>): Kustomization => ({
  apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
  kind: 'Kustomization',
  metadata: { name: 'app', namespace: 'apps' },
  spec: { interval: '10m', prune: true, sourceRef: { kind: 'GitRepository', name: 'repo' }, ...spec },
});

// The checks below must decide before any request: a client that fails the test if used.
const noClient = new Proxy({} as KubeClient, {
  get() {
    throw new Error('no API request expected');
  },
});

const terminal = (reason: string) => (err: unknown) =>
  err instanceof StepError && err.reason === reason && err.terminal;

test('resolveSource blocks cross-namespace sources under --no-cross-namespace-refs, terminally', async () => {
  await assert.rejects(
    resolveSource(noClient, ks({ sourceRef: { kind: 'GitRepository', name: 'repo', namespace: 'flux-system' } }), {
      noCrossNamespaceRefs: true,
      externalArtifact: false,
    }),
    (err: unknown) =>
      terminal('AccessDenied')(err) &&
      (err as Error).message ===
        'cannot access GitRepository/flux-system/repo, cross-namespace references have been blocked',
  );
});

test('resolveSource refuses ExternalArtifact while its feature gate is off', async () => {
  await assert.rejects(
    resolveSource(noClient, ks({ sourceRef: { kind: 'ExternalArtifact', name: 'a' } }), {
      noCrossNamespaceRefs: false,
      externalArtifact: false,
    }),
    terminal('AccessDenied'),
  );
});

test('an invalid healthCheckExprs or readyExpr is a terminal configuration error', () => {
  assert.throws(
    () => compileCustomHealth(ks({ healthCheckExprs: [{ apiVersion: 'v1', kind: 'ConfigMap', current: 'data.(' }] })),
    (err: unknown) =>
      terminal('InvalidCELExpression')(err) &&
      (err as Error).message.startsWith('Reconciliation failed terminally due to configuration error: '),
  );
  assert.throws(
    () => compileReadyExprs(ks({ dependsOn: [{ name: 'infra', readyExpr: 'dep.status.(' }] })),
    terminal('InvalidCELExpression'),
  );
  assert.equal(compileCustomHealth(ks({})), undefined);
  assert.equal(compileReadyExprs(ks({ dependsOn: [{ name: 'infra' }] }))[0], undefined);
  assert.ok(compileReadyExprs(ks({ dependsOn: [{ name: 'infra', readyExpr: 'dep.status.ready == true' }] }))[0]);
});
