import assert from 'node:assert/strict';
import { test } from 'node:test';

import { entryOf } from './changeset.ts';
import {
  InventoryParseError,
  inventoryFromChangeSet,
  mergeInventory,
  objectId,
  parseObjectId,
  staleObjects,
} from './inventory.ts';

void test('inventory ids are <namespace>_<name>_<group>_<Kind> as in status.inventory', () => {
  assert.equal(
    objectId({ namespace: 'default', name: 'podinfo', group: '', kind: 'Service' }),
    'default_podinfo__Service',
  );
  assert.equal(objectId({ namespace: '', name: 'my-ns', group: '', kind: 'Namespace' }), '_my-ns__Namespace');
  assert.equal(
    objectId({ namespace: 'apps', name: 'web', group: 'apps', kind: 'Deployment' }),
    'apps_web_apps_Deployment',
  );
  // Colons are only legal in RBAC names; cli-utils transcodes them.
  const rbac = { namespace: '', name: 'system:flux', group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' };
  assert.equal(objectId(rbac), '_system__flux_rbac.authorization.k8s.io_ClusterRole');
  assert.deepEqual(parseObjectId(objectId(rbac)), rbac);
  assert.deepEqual(parseObjectId('_my-ns__Namespace'), { namespace: '', name: 'my-ns', group: '', kind: 'Namespace' });
  assert.throws(() => parseObjectId('nounderscores'), InventoryParseError);
  assert.throws(() => parseObjectId('a_b_c_d_e'), InventoryParseError);
});

void test('inventory from a change set keeps skipped objects; stale objects come back in apply order', () => {
  const e = (kind: string, name: string, group = '', version = 'v1') =>
    entryOf({ group, version, kind, namespace: 'ns', name }, 'created');
  const prev = inventoryFromChangeSet([
    e('Deployment', 'web', 'apps'),
    e('ConfigMap', 'old'),
    { ...e('Service', 'web'), action: 'skipped' },
    e('HorizontalPodAutoscaler', 'web', 'autoscaling', 'v2'),
  ]);
  assert.deepEqual(prev.entries[3], { id: 'ns_web_autoscaling_HorizontalPodAutoscaler', v: 'v2' });
  const next = inventoryFromChangeSet([e('Deployment', 'web', 'apps', 'v1'), e('Service', 'web')]);
  assert.deepEqual(
    staleObjects(prev, next).map((r) => `${r.group}/${r.version}/${r.kind}/${r.name}`),
    ['/v1/ConfigMap/old', 'autoscaling/v2/HorizontalPodAutoscaler/web'],
  );
  assert.deepEqual(staleObjects(undefined, next), []);
  // Objects whose deletion failed stay tracked, once.
  const kept = mergeInventory(next, [prev.entries[1]!, next.entries[0]!]);
  assert.deepEqual(
    kept.entries.map((x) => x.id),
    ['ns_web_apps_Deployment', 'ns_web__Service', 'ns_old__ConfigMap'],
  );
});
