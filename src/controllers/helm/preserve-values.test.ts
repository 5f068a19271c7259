import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';

import {
  fromJs,
  loadChart,
  localTime,
  newRelease,
  nodeChartFileSystem,
  renderChart,
  toJs,
  type ValueMap,
} from '../../engines/helm/index.ts';
import { sprigFunctions } from '../../engines/sprig/index.ts';
import { SHARED_FIXTURES } from '../../../test/support/fixtures.ts';
import { reusedValues } from './preserve-values.ts';

const PODINFO = join(SHARED_FIXTURES, 'podinfo', 'charts', 'podinfo');
const at = localTime(1_765_000_000_000_000_000n);

void test('reusedValues: desired values over the current release values; its coalesced values as chart defaults', () => {
  const config = fromJs({ replicaCount: 2, ui: { message: 'old', color: '#ff0000' } }) as ValueMap;
  const rendered = renderChart(loadChart(nodeChartFileSystem, PODINFO), config, {
    name: 'podinfo',
    namespace: 'apps',
    revision: 1,
    functions: sprigFunctions({ localZone: 'UTC' }),
  });
  const current = newRelease(rendered, {
    version: 1,
    status: 'deployed',
    description: '',
    firstDeployed: at,
    lastDeployed: at,
  });
  const desired = fromJs({ ui: { message: 'new' }, podAnnotations: { a: 'b' } }) as ValueMap;
  const before = { desired: toJs(desired), config: toJs(current.config) };

  const { values, chartValues } = reusedValues(desired, current);
  assert.deepEqual(toJs(values), {
    replicaCount: 2,
    ui: { message: 'new', color: '#ff0000' },
    podAnnotations: { a: 'b' },
  });
  const defaults = toJs(chartValues!) as { replicaCount: number; ui: { message: string; color: string } };
  assert.equal(defaults.replicaCount, 2);
  assert.equal(defaults.ui.message, 'old');
  // Neither the spec's values nor the stored record were changed by the merge.
  assert.deepEqual({ desired: toJs(desired), config: toJs(current.config) }, before);
});
