// Unit tests of the pure helpers of the cluster commands; expectations are the upstream formats (Go's RFC3339Nano,
// apimachinery's HumanDuration, cli-utils' ObjMetadata ids, semver constraints as flux check reads them).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { kubernetesSupported, kubernetesVersion } from './check.ts';
import { humanDuration } from './events.ts';
import { requestToken } from './reconcile.ts';
import { parseInventoryId } from './tree.ts';

test('requestToken is RFC3339Nano: UTC, fraction without trailing zeros', () => {
  assert.equal(requestToken(new Date('2026-01-01T00:00:10.000Z')), '2026-01-01T00:00:10Z');
  assert.equal(requestToken(new Date('2026-01-01T00:00:00.100Z')), '2026-01-01T00:00:00.1Z');
  assert.equal(requestToken(new Date('2026-01-01T00:00:00.123Z')), '2026-01-01T00:00:00.123Z');
});

test('humanDuration rounds like kubectl', () => {
  const s = 1000;
  assert.equal(humanDuration(-5 * s), '<invalid>');
  assert.equal(humanDuration(0), '0s');
  assert.equal(humanDuration(119 * s), '119s');
  assert.equal(humanDuration(150 * s), '2m30s');
  assert.equal(humanDuration(300 * s), '5m');
  assert.equal(humanDuration(45 * 60 * s), '45m');
  assert.equal(humanDuration(3 * 3600 * s), '3h');
  assert.equal(humanDuration((5 * 3600 + 120) * s), '5h2m');
  assert.equal(humanDuration(30 * 3600 * s), '30h');
  assert.equal(humanDuration(50 * 3600 * s), '2d2h');
  assert.equal(humanDuration(10 * 86400 * s), '10d');
  assert.equal(humanDuration(800 * 86400 * s), '2y70d');
  assert.equal(humanDuration(3000 * 86400 * s), '8y');
});

test('parseInventoryId splits namespace, name, group and kind; `__` in a name is a colon', () => {
  assert.deepEqual(parseInventoryId('apps_web_apps_Deployment', 'v1'), {
    namespace: 'apps',
    name: 'web',
    group: 'apps',
    kind: 'Deployment',
    version: 'v1',
  });
  assert.deepEqual(parseInventoryId('apps_web__Service', 'v1'), {
    namespace: 'apps',
    name: 'web',
    group: '',
    kind: 'Service',
    version: 'v1',
  });
  assert.equal(
    parseInventoryId('_system__kube-scheduler_rbac.authorization.k8s.io_ClusterRole', 'v1')?.name,
    'system:kube-scheduler',
  );
  assert.equal(parseInventoryId('garbage', 'v1'), undefined);
});

test('kubernetesSupported applies >=1.33.0-0 to git versions', () => {
  assert.equal(kubernetesSupported('v1.33.0'), true);
  assert.equal(kubernetesSupported('v1.37.2'), true);
  assert.equal(kubernetesSupported('v1.34.1-eks-abc123'), true);
  assert.equal(kubernetesSupported('v1.32.9'), false);
  assert.equal(kubernetesSupported('nonsense'), false);
  assert.equal(kubernetesSupported('v1.34'), false, 'not a strict version: flux cannot determine it');
  assert.equal(kubernetesVersion('v1.34.1+k3s1')?.toString(), '1.34.1+k3s1');
  assert.equal(kubernetesVersion('v1.34.1+k3s1')?.original, 'v1.34.1+k3s1');
});
