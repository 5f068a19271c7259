// Differential test: computeStatus (kstatus Compute) and Flux's Job rule against Flux's Go code (fluxcd/cli-utils
// v1.2.2 status.Compute, fluxcd/pkg runtime/statusreaders ComputeJobStatus) on realistic objects.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { computeStatus, fluxJobStatus, type KubeObject, type Result } from '../../src/engines/kstatus/index.ts';
import { FIXTURES } from './fixtures.ts';
import { FluxRef } from './fluxref.ts';

let ref: FluxRef;
before(async () => {
  ref = await FluxRef.start();
});
after(() => ref.close());

function ours(obj: KubeObject): Result | { error: true } {
  const isJob = obj['apiVersion'] === 'batch/v1' && obj['kind'] === 'Job';
  try {
    return isJob ? fluxJobStatus(obj) : computeStatus(obj);
  } catch {
    return { error: true };
  }
}

test('kstatus and the Flux Job rule match Flux on every fixture', async () => {
  assert.ok(FIXTURES.length > 60);
  for (const { name, obj } of FIXTURES) {
    const want = await ref.ask({ op: 'kstatus', object: obj });
    const got = ours(obj);
    if (want.error !== undefined || want.status === 'Unknown') {
      // Go reports an error (Compute) or Unknown with the error text (Job rule); we throw a KstatusError.
      assert.ok(
        'error' in got || got.status === 'Unknown',
        `${name}: Flux fails (${want.error ?? want.message}), we gave ${JSON.stringify(got)}`,
      );
      continue;
    }
    assert.deepEqual(
      got,
      {
        status: want.status,
        message: want.message,
        conditions: (want.conditions ?? []).map((c) => ({
          type: c.type,
          status: c.status,
          reason: c.reason ?? '',
          message: c.message ?? '',
        })),
      },
      name,
    );
  }
});
