import assert from 'node:assert/strict';
import { test } from 'node:test';

import { formatApplySummary, subjectOfInventoryId, summarizeApply } from './apply-summary.ts';

const INVENTORY = ['_demo__Namespace', 'demo_web_apps_Deployment', 'demo_web__Service', 'demo_greeting__ConfigMap'];

test('inventory ids become the subjects of change-set lines', () => {
  assert.equal(subjectOfInventoryId('demo_web_apps_Deployment'), 'Deployment/demo/web');
  assert.equal(subjectOfInventoryId('_demo__Namespace'), 'Namespace/demo');
});

test('a first apply lists every object as created and none unchanged', () => {
  const created = INVENTORY.map((id) => `${subjectOfInventoryId(id)} created`).join('\n');
  const summary = summarizeApply(INVENTORY, [created]);
  assert.deepEqual(formatApplySummary(summary), [
    'applied 4 objects: 4 created, 0 unchanged',
    '  Namespace/demo created',
    '  Deployment/demo/web created',
    '  Service/demo/web created',
    '  ConfigMap/demo/greeting created',
  ]);
});

test('a commit lists only what changed, pruned objects included, and counts the rest as unchanged', () => {
  const summary = summarizeApply(INVENTORY, [
    'ConfigMap/demo/greeting configured',
    // Prune reports in its own event; lines that are not change-set lines (health messages) are ignored.
    'Secret/demo/old deleted\nHealth check passed in 2s',
  ]);
  assert.deepEqual(formatApplySummary(summary), [
    'applied 4 objects: 1 configured, 1 deleted, 3 unchanged',
    '  ConfigMap/demo/greeting configured',
    '  Secret/demo/old deleted',
  ]);
});

test('an apply without change-set events left everything unchanged; a subject named twice keeps its last action', () => {
  assert.deepEqual(formatApplySummary(summarizeApply(INVENTORY, [])), ['applied 4 objects: 4 unchanged']);
  const twice = summarizeApply(INVENTORY, ['Service/demo/web created', 'Service/demo/web configured']);
  assert.deepEqual(twice.changed, [{ subject: 'Service/demo/web', action: 'configured' }]);
  assert.equal(twice.unchanged, 3);
});
