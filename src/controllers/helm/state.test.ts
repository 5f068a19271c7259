import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';

import type { HelmRelease } from '../../api/index.ts';
import {
  fromJs,
  loadChart,
  localTime,
  newRelease,
  nodeChartFileSystem,
  renderChart,
  type Release,
  type ValueMap,
} from '../../engines/helm/index.ts';
import { sprigFunctions } from '../../engines/sprig/index.ts';
import { SHARED_FIXTURES } from '../../../test/support/fixtures.ts';
import { configDigest, observationJson, recordSnapshot, snapshotOf, testHooksOf } from './snapshot.ts';
import { determineState } from './state.ts';

const PODINFO = join(SHARED_FIXTURES, 'podinfo', 'charts', 'podinfo');
const at = localTime(1_765_000_000_000_000_000n);

function release(version: number, status: Release['info']['status'], values: object): Release {
  const config = fromJs(values) as ValueMap;
  const rendered = renderChart(loadChart(nodeChartFileSystem, PODINFO), config, {
    name: 'podinfo',
    namespace: 'apps',
    revision: version,
    functions: sprigFunctions({ localZone: 'UTC' }),
  });
  return newRelease(rendered, { version, status, description: '', firstDeployed: at, lastDeployed: at });
}

const hr = (history: Release[]): HelmRelease =>
  ({
    metadata: { name: 'podinfo', namespace: 'apps' },
    spec: { interval: '5m' },
    status: { history: history.map((r) => snapshotOf(r)) },
  }) as HelmRelease;

const desired = (values: object, version = '6.14.1') => ({
  chartName: 'podinfo',
  chartVersion: version,
  configDigest: configDigest(fromJs(values) as ValueMap),
});

void test('configDigest: sha256 of the values JSON with sorted keys, of nothing when empty', () => {
  assert.equal(configDigest(new Map()), 'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  assert.equal(configDigest(fromJs({ b: 1, a: 'x' }) as ValueMap), configDigest(fromJs({ a: 'x', b: 1 }) as ValueMap));
});

void test('snapshotOf: the observation leaves test hooks and chart templates out', () => {
  const rel = release(1, 'deployed', { replicaCount: 2 });
  const json = observationJson(rel);
  assert.ok(rel.hooks.some((h) => h.events.includes('test')));
  assert.ok(!json.includes('"events":["test"]'));
  assert.ok(json.endsWith('}\n'));
  const snap = snapshotOf(rel);
  assert.equal(snap.chartVersion, '6.14.1');
  assert.equal(snap.firstDeployed, '2025-12-06T05:46:40Z');
  assert.equal(snap.configDigest, configDigest(rel.config));
  rel.hooks.filter((h) => h.events.includes('test')).forEach((h) => (h.lastRun.phase = 'Succeeded'));
  assert.equal(snapshotOf(rel).digest, snap.digest);
});

void test('recordSnapshot replaces the entry of the same revision and keeps newest first', () => {
  const one = snapshotOf(release(1, 'deployed', {}));
  const two = snapshotOf(release(2, 'pending-upgrade', {}));
  const twoDone = { ...two, status: 'deployed' };
  assert.deepEqual(
    recordSnapshot(recordSnapshot([one], two), twoDone).map((s) => [s.version, s.status]),
    [
      [2, 'deployed'],
      [1, 'deployed'],
    ],
  );
});

void test('recordSnapshot leaves out an older revision the history never held (a release it took over)', () => {
  const helmMade = snapshotOf(release(1, 'superseded', {}));
  const two = snapshotOf(release(2, 'pending-upgrade', {}));
  const twoDone = { ...two, status: 'deployed' };
  assert.deepEqual(
    recordSnapshot(recordSnapshot(recordSnapshot(undefined, two), helmMade), twoDone).map((s) => [s.version, s.status]),
    [[2, 'deployed']],
  );
});

void test('determineState: absent, locked, unmanaged, failed, out of sync and in sync', () => {
  const values = { replicaCount: 1 };
  assert.equal(determineState(hr([]), undefined, desired(values)).kind, 'absent');
  const pending = release(1, 'pending-install', values);
  assert.equal(determineState(hr([pending]), pending, desired(values)).kind, 'locked');
  const deployed = release(1, 'deployed', values);
  assert.equal(determineState(hr([]), deployed, desired(values)).kind, 'unmanaged');
  const other = release(1, 'deployed', { replicaCount: 3 });
  assert.equal(determineState(hr([other]), deployed, desired(values)).kind, 'unmanaged');
  assert.equal(determineState(hr([deployed]), deployed, desired(values)).kind, 'in-sync');
  assert.deepEqual(determineState(hr([deployed]), deployed, desired({ replicaCount: 2 })), {
    kind: 'out-of-sync',
    release: deployed,
    reason: 'values',
  });
  assert.equal(
    (determineState(hr([deployed]), deployed, desired(values, '6.15.0')) as { reason: string }).reason,
    'chart version',
  );
  const failed = release(2, 'failed', values);
  assert.equal(determineState(hr([failed, deployed]), failed, desired(values)).kind, 'failed');
});

void test('determineState: with tests enabled, untested until status.history holds results; failed tests count', () => {
  const values = { replicaCount: 1 };
  const deployed = release(1, 'deployed', values);
  const tested = (phase: string | undefined, spec: Partial<HelmRelease['spec']> = {}): HelmRelease => {
    const obj = hr([deployed]);
    obj.spec = { ...obj.spec, test: { enable: true }, ...spec };
    obj.status!.lastAttemptedReleaseAction = 'install';
    if (phase) obj.status!.history![0]!.testHooks = { 'podinfo-service-test': { phase } };
    return obj;
  };
  assert.equal(determineState(tested(undefined), deployed, desired(values)).kind, 'untested');
  assert.equal(determineState(tested('Succeeded'), deployed, desired(values)).kind, 'in-sync');
  assert.deepEqual(determineState(tested('Failed'), deployed, desired(values)), {
    kind: 'failed',
    release: deployed,
    reason: 'release has test in failed phase',
  });
  const ignored = tested('Failed', { test: { enable: true, ignoreFailures: true } });
  assert.equal(determineState(ignored, deployed, desired(values)).kind, 'in-sync');
  const overridden = tested('Failed', {
    test: { enable: true },
    install: { remediation: { ignoreTestFailures: true } },
  });
  assert.equal(determineState(overridden, deployed, desired(values)).kind, 'in-sync');
  // An empty map means tested (a chart without tests).
  const none = tested(undefined);
  none.status!.history![0]!.testHooks = {};
  assert.equal(determineState(none, deployed, desired(values)).kind, 'in-sync');
});

void test('testHooksOf and recordSnapshot: test results by hook name survive a new write of the revision', () => {
  const rel = release(1, 'deployed', {});
  const names = rel.hooks.filter((h) => h.events.includes('test')).map((h) => h.name);
  assert.ok(names.length > 0);
  const first = rel.hooks.find((h) => h.events.includes('test'))!;
  first.lastRun = { phase: 'Failed', startedAt: at, completedAt: at };
  const hooks = testHooksOf(rel);
  assert.deepEqual(Object.keys(hooks).sort(), [...names].sort());
  assert.deepEqual(hooks[first.name], {
    lastStarted: '2025-12-06T05:46:40Z',
    lastCompleted: '2025-12-06T05:46:40Z',
    phase: 'Failed',
  });
  const tested = { ...snapshotOf(rel), testHooks: hooks };
  const superseded = snapshotOf({ ...rel, info: { ...rel.info, status: 'superseded' } });
  const [again] = recordSnapshot([tested], superseded);
  assert.equal(again!.status, 'superseded');
  assert.deepEqual(again!.testHooks, hooks);
});
