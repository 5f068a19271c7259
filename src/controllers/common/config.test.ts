import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { Kustomization } from '../../api/index.ts';
import type { KubeClient } from '../../kube/index.ts';
import { StepError } from '../../runtime/index.ts';
import { compileReadyExprs } from './depends-on.ts';
import { compileCustomHealth } from './health.ts';
import { resolveSource, type SourceLookup } from './source-ref.ts';

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

const lookup = (over: Partial<SourceLookup>): SourceLookup => ({
  kinds: { GitRepository: 'source.toolkit.fluxcd.io/v1', ExternalArtifact: 'source.toolkit.fluxcd.io/v1' },
  noCrossNamespaceRefs: false,
  ...over,
});

const terminal = (reason: string) => (err: unknown) =>
  err instanceof StepError && err.reason === reason && err.terminal;

test('resolveSource blocks cross-namespace sources under --no-cross-namespace-refs, terminally', async () => {
  const consumer = ks({ sourceRef: { kind: 'GitRepository', name: 'repo', namespace: 'flux-system' } });
  await assert.rejects(
    resolveSource(noClient, consumer, consumer.spec.sourceRef, lookup({ noCrossNamespaceRefs: true })),
    (err: unknown) =>
      terminal('AccessDenied')(err) &&
      (err as Error).message ===
        'cannot access GitRepository/flux-system/repo, cross-namespace references have been blocked',
  );
});

test('resolveSource refuses ExternalArtifact while its feature gate is off', async () => {
  const consumer = ks({ sourceRef: { kind: 'ExternalArtifact', name: 'a' } });
  await assert.rejects(
    resolveSource(noClient, consumer, consumer.spec.sourceRef, lookup({ gatedKinds: ['ExternalArtifact'] })),
    (err: unknown) =>
      terminal('AccessDenied')(err) &&
      (err as Error).message === 'cannot access ExternalArtifact/apps/a, the ExternalArtifact feature gate is disabled',
  );
});

test('resolveSource refuses a kind the consumer does not accept, and takes a cache hit without a request', async () => {
  const consumer = ks({ sourceRef: { kind: 'Bucket', name: 'b' } });
  await assert.rejects(
    resolveSource(noClient, consumer, consumer.spec.sourceRef, lookup({})),
    (err: unknown) => err instanceof StepError && err.reason === 'ArtifactFailed' && !err.terminal,
  );
  const cached = {
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'GitRepository',
    metadata: { name: 'repo', namespace: 'apps' },
    status: { artifact: { url: 'http://x/a.tar.gz', revision: 'main@sha1:1', digest: 'sha256:2' } },
  };
  const hit = await resolveSource(
    noClient,
    ks({}),
    { kind: 'GitRepository', name: 'repo' },
    lookup({ cached: (kind, ns, name) => (`${kind}/${ns}/${name}` === 'GitRepository/apps/repo' ? cached : null) }),
  );
  assert.equal(hit.subject, 'GitRepository/apps/repo');
  assert.deepEqual(hit.artifact, { url: 'http://x/a.tar.gz', revision: 'main@sha1:1', digest: 'sha256:2' });
});

test('an invalid healthCheckExprs or readyExpr is a terminal configuration error', () => {
  assert.throws(
    () => compileCustomHealth([{ apiVersion: 'v1', kind: 'ConfigMap', current: 'data.(' }]),
    (err: unknown) =>
      terminal('InvalidCELExpression')(err) &&
      (err as Error).message.startsWith('Reconciliation failed terminally due to configuration error: '),
  );
  assert.throws(
    () => compileReadyExprs([{ name: 'infra', readyExpr: 'dep.status.(' }]),
    terminal('InvalidCELExpression'),
  );
  assert.equal(compileCustomHealth(undefined), undefined);
  assert.equal(compileReadyExprs([{ name: 'infra' }])[0], undefined);
  assert.ok(compileReadyExprs([{ name: 'infra', readyExpr: 'dep.status.ready == true' }])[0]);
});
