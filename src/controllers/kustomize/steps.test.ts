import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { Kustomization } from '../../api/index.ts';
import { entryOf } from '../../kube/ssa/index.ts';
import { shouldDelete } from './finalize.ts';
import { healthCheckRefs } from './health.ts';
import { manifestsDigest, upsertHistory } from './history.ts';
import { retryIntervalOf, timeoutOf } from './reconcile.ts';

const ks = (spec: Partial<Kustomization['spec']>, status?: Kustomization['status']): Kustomization => ({
  apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
  kind: 'Kustomization',
  metadata: { name: 'app', namespace: 'flux-system' },
  spec: { interval: '10m', prune: true, sourceRef: { kind: 'GitRepository', name: 'repo' }, ...spec },
  ...(status ? { status } : {}),
});

test('timeoutOf is spec.timeout, else interval − 30s with a 30s floor; retryInterval defaults to interval', () => {
  assert.equal(timeoutOf(ks({ timeout: '2m' })), 120_000);
  assert.equal(timeoutOf(ks({})), 570_000);
  assert.equal(timeoutOf(ks({ interval: '45s' })), 30_000);
  assert.equal(retryIntervalOf(ks({})), 600_000);
  assert.equal(retryIntervalOf(ks({ retryInterval: '20s' })), 20_000);
});

test('shouldDelete follows deletionPolicy, and never for a suspended or empty Kustomization', () => {
  const inv = { inventory: { entries: [{ id: 'ns_a__ConfigMap', v: 'v1' }] } };
  assert.equal(shouldDelete(ks({}, inv)), true);
  assert.equal(shouldDelete(ks({ prune: false }, inv)), false);
  assert.equal(shouldDelete(ks({ prune: false, deletionPolicy: 'Delete' }, inv)), true);
  assert.equal(shouldDelete(ks({ prune: false, deletionPolicy: 'WaitForTermination' }, inv)), true);
  assert.equal(shouldDelete(ks({ deletionPolicy: 'Orphan' }, inv)), false);
  assert.equal(shouldDelete(ks({ suspend: true }, inv)), false);
  assert.equal(shouldDelete(ks({})), false);
});

test('healthCheckRefs: wait checks every applied object but skipped ones and the Kustomization itself', () => {
  const changeSet = [
    entryOf({ group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'a', name: 'web' }, 'created'),
    entryOf({ group: '', version: 'v1', kind: 'ConfigMap', namespace: 'a', name: 'skip' }, 'skipped'),
    entryOf(
      {
        group: 'kustomize.toolkit.fluxcd.io',
        version: 'v1',
        kind: 'Kustomization',
        namespace: 'flux-system',
        name: 'app',
      },
      'unchanged',
    ),
  ];
  assert.deepEqual(
    healthCheckRefs(ks({ wait: true }), changeSet).map((r) => `${r.kind}/${r.name}`),
    ['Deployment/web'],
  );
  assert.deepEqual(
    healthCheckRefs(
      ks({ healthChecks: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'x', namespace: 'b' }] }),
      [],
    ),
    [{ group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'b', name: 'x' }],
  );
  assert.deepEqual(healthCheckRefs(ks({}), changeSet), []);
});

test('upsertHistory counts repeats of one digest and outcome, puts the latest first and keeps five', () => {
  const t0 = new Date('2026-01-01T00:00:00Z');
  const t1 = new Date('2026-01-01T00:01:00Z');
  let h = upsertHistory(
    undefined,
    { digest: 'sha256:a', status: 'ReconciliationSucceeded', durationMs: 1500, metadata: { revision: 'r1' } },
    t0,
  );
  h = upsertHistory(
    h,
    { digest: 'sha256:b', status: 'HealthCheckFailed', durationMs: 2000, metadata: { revision: 'r2' } },
    t0,
  );
  h = upsertHistory(
    h,
    { digest: 'sha256:a', status: 'ReconciliationSucceeded', durationMs: 500, metadata: { revision: 'r1' } },
    t1,
  );
  assert.deepEqual(h[0], {
    digest: 'sha256:a',
    firstReconciled: '2026-01-01T00:00:00Z',
    lastReconciled: '2026-01-01T00:01:00Z',
    lastReconciledDuration: '500ms',
    lastReconciledStatus: 'ReconciliationSucceeded',
    totalReconciliations: 2,
    metadata: { revision: 'r1' },
  });
  assert.equal(h.length, 2);
  for (let i = 0; i < 10; i++) {
    h = upsertHistory(h, { digest: `sha256:${i}`, status: 'ReconciliationSucceeded', durationMs: 1, metadata: {} }, t1);
  }
  assert.equal(h.length, 5);
  assert.equal(h[0]?.digest, 'sha256:9');
});

test('manifestsDigest depends on the content only', () => {
  const a = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } };
  assert.equal(manifestsDigest([a]), manifestsDigest([structuredClone(a)]));
  assert.notEqual(manifestsDigest([a]), manifestsDigest([{ ...a, data: { x: '1' } }]));
  assert.match(manifestsDigest([a]), /^sha256:[0-9a-f]{64}$/);
});
