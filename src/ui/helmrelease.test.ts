import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { KubeObject } from '../kube/index.ts';
import { helmReleaseView, snapshotOf } from './helmrelease.ts';

const hr = (spec: Record<string, unknown>, status: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'helm.toolkit.fluxcd.io/v2',
  kind: 'HelmRelease',
  metadata: { name: 'web', namespace: 'apps' },
  spec,
  status,
});

test('a chart template: name, version range (default *), source, release name with targetNamespace', () => {
  const v = helmReleaseView(
    hr(
      {
        targetNamespace: 'prod',
        chart: { spec: { chart: 'podinfo', sourceRef: { kind: 'HelmRepository', name: 'r' } } },
      },
      { helmChart: 'apps/apps-web', storageNamespace: 'apps' },
    ),
  );
  assert.equal(v.chart, 'podinfo');
  assert.equal(v.version, '*');
  assert.equal(v.source, 'HelmRepository/apps/r');
  assert.equal(v.release, 'apps/prod-web');
  assert.equal(v.helmChart, 'apps/apps-web');
  assert.equal(v.deployed, undefined);
  assert.deepEqual(v.history, []);
});

test('a chartRef has no chart name or range; the Helm conditions are picked in order; history is typed', () => {
  const v = helmReleaseView(
    hr(
      { releaseName: 'custom', chartRef: { kind: 'OCIRepository', name: 'oci', namespace: 'src' } },
      {
        conditions: [
          { type: 'Remediated', status: 'True', reason: 'RollbackSucceeded' },
          { type: 'Reconciling', status: 'False', reason: 'x' },
          { type: 'Ready', status: 'False', reason: 'UpgradeFailed' },
        ],
        history: [
          {
            version: 3,
            status: 'deployed',
            chartName: 'app',
            chartVersion: '1.2.3',
            appVersion: '4.5',
            configDigest: 'sha256:aa',
            testHooks: { 'app-test': { phase: 'Succeeded' } },
          },
          { version: 2, status: 'failed' },
        ],
      },
    ),
  );
  assert.equal(v.chart, '');
  assert.equal(v.version, '');
  assert.equal(v.source, 'OCIRepository/src/oci');
  assert.equal(v.release, 'apps/custom');
  assert.deepEqual(
    v.conditions.map((c) => c.type),
    ['Ready', 'Remediated'],
  );
  assert.deepEqual(v.deployed, { chartVersion: '1.2.3', appVersion: '4.5', status: 'deployed' });
  assert.deepEqual(v.history[0]!.tests, [{ name: 'app-test', phase: 'Succeeded' }]);
  assert.equal(v.history[1]!.chartName, '', 'missing fields read as empty');
});

test('snapshotOf reads garbage as an empty snapshot', () => {
  assert.equal(snapshotOf('nonsense').version, 0);
  assert.deepEqual(snapshotOf({ testHooks: 'x' }).tests, []);
});
