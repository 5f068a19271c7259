import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as conditions from './conditions.ts';
import { MetricsRecorder } from './metrics.ts';

const ref = { kind: 'GitRepository', name: 'podinfo', namespace: 'flux-system' };
const labels = 'kind="GitRepository",name="podinfo",namespace="flux-system"';

void test('duration histogram uses Flux buckets 1e-8 … 10 and its labels', async () => {
  const m = new MetricsRecorder();
  m.recordDuration(ref, Date.now() - 1500);
  const text = await m.text();
  const les = [...text.matchAll(/gotk_reconcile_duration_seconds_bucket\{le="([^"]+)"/g)].map((x) => x[1]);
  assert.deepEqual(les, ['1e-8', '1e-7', '0.000001', '0.00001', '0.0001', '0.001', '0.01', '0.1', '1', '10', '+Inf']);
  assert.ok(text.includes(`gotk_reconcile_duration_seconds_bucket{le="1",${labels}} 0`));
  assert.ok(text.includes(`gotk_reconcile_duration_seconds_bucket{le="10",${labels}} 1`));
});

void test('condition gauge sets the current status to 1 and the others to 0; deletion moves it to Deleted', async () => {
  const m = new MetricsRecorder();
  const obj = { metadata: { generation: 1 } };
  conditions.markFalse(obj, 'Ready', 'Failed', 'x');
  m.recordReadiness(ref, obj);
  let text = await m.text();
  assert.ok(text.includes(`gotk_reconcile_condition{${labels},type="Ready",status="False"} 1`));
  for (const s of ['True', 'Unknown', 'Deleted']) {
    assert.ok(text.includes(`gotk_reconcile_condition{${labels},type="Ready",status="${s}"} 0`), s);
  }
  m.recordReadiness(ref, obj, true);
  text = await m.text();
  assert.ok(text.includes(`gotk_reconcile_condition{${labels},type="Ready",status="Deleted"} 1`));
  assert.ok(text.includes(`gotk_reconcile_condition{${labels},type="Ready",status="False"} 0`));
  m.recordCondition(ref, obj, 'Stalled');
  assert.ok((await m.text()).includes(`gotk_reconcile_condition{${labels},type="Stalled",status="Unknown"} 1`));
});

void test('suspend gauge', async () => {
  const m = new MetricsRecorder();
  m.recordSuspend(ref, true);
  assert.ok((await m.text()).includes(`gotk_suspend_status{${labels}} 1`));
  m.recordSuspend(ref, false);
  assert.ok((await m.text()).includes(`gotk_suspend_status{${labels}} 0`));
});
