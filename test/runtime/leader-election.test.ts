import assert from 'node:assert/strict';
import { test } from 'node:test';

import { KubeClient } from '../../src/kube/client/index.ts';
import { LeaderElector, type Lease } from '../../src/runtime/leader-election.ts';
import { createLogger } from '../../src/runtime/logger.ts';
import { testOptions } from './options.ts';
import { startManager, type ControllerSetup } from '../../src/runtime/run.ts';
import { useCluster, useNamespace } from '../support/cluster.ts';
import { eventually } from '../support/eventually.ts';

const leaseType = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease' };

void test('a second candidate waits while the lease is renewed and takes over on release', async (t) => {
  const cluster = await useCluster();
  const client = new KubeClient(cluster.kubeConfig);
  const ns = await useNamespace(t, cluster);
  const timings = { leaseDurationMs: 5000, renewDeadlineMs: 4000, retryPeriodMs: 200 };
  const a = new LeaderElector({ client, namespace: ns, name: 'demo-leader-election', identity: 'a', ...timings });
  const b = new LeaderElector({ client, namespace: ns, name: 'demo-leader-election', identity: 'b', ...timings });
  const abort = new AbortController();
  t.after(async () => {
    abort.abort();
    await a.release();
    await b.release();
  });

  assert.equal(await a.acquire(abort.signal), true);
  let bLeads = false;
  const bAcquired = b.acquire(abort.signal).then((ok) => (bLeads = ok));
  // Longer than a lease duration: a keeps renewing, so b must not take over.
  await new Promise((r) => setTimeout(r, 5500));
  assert.equal(bLeads, false);
  const held = await client.get<Lease>(leaseType, { namespace: ns, name: 'demo-leader-election' });
  assert.equal(held.spec?.holderIdentity, 'a');
  assert.equal(held.spec?.leaseDurationSeconds, 5);
  assert.match(held.spec?.renewTime ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);

  const released = Date.now();
  await a.release();
  await bAcquired;
  assert.equal(bLeads, true);
  // Well under the 5 s lease duration: b took over because a handed the lease back, not because it expired.
  assert.ok(Date.now() - released < 3500, `handed over in ${Date.now() - released}ms`);
  const taken = await client.get<Lease>(leaseType, { namespace: ns, name: 'demo-leader-election' });
  assert.equal(taken.spec?.holderIdentity, 'b');
  assert.equal(taken.spec?.leaseTransitions, 1);
});

void test('an expired lease of a vanished holder is taken over after the lease duration', async (t) => {
  const cluster = await useCluster();
  const client = new KubeClient(cluster.kubeConfig);
  const ns = await useNamespace(t, cluster);
  const now = new Date().toISOString().replace('Z', '000Z');
  await client.create<Lease>({
    ...leaseType,
    metadata: { name: 'gone-leader-election', namespace: ns },
    spec: { holderIdentity: 'crashed', leaseDurationSeconds: 1, acquireTime: now, renewTime: now, leaseTransitions: 4 },
  });
  const c = new LeaderElector({
    client,
    namespace: ns,
    name: 'gone-leader-election',
    identity: 'c',
    retryPeriodMs: 200,
  });
  const abort = new AbortController();
  t.after(() => c.release());
  const start = Date.now();
  assert.equal(await c.acquire(abort.signal), true);
  assert.ok(Date.now() - start >= 900, 'waited for the observed lease to expire');
  const lease = await client.get<Lease>(leaseType, { namespace: ns, name: 'gone-leader-election' });
  assert.equal(lease.spec?.holderIdentity, 'c');
  assert.equal(lease.spec?.leaseTransitions, 5);
});

void test('two managers with --enable-leader-election: only one runs the controller, the other takes over on stop', async (t) => {
  const cluster = await useCluster();
  const ns = await useNamespace(t, cluster);
  const opts = testOptions(ns, {
    concurrent: 1,
    enableLeaderElection: true,
    leaderElectionLeaseDurationMs: 3000,
    leaderElectionRenewDeadlineMs: 2000,
    leaderElectionRetryPeriodMs: 200,
  });
  const setups: string[] = [];
  const setup = (who: string): ControllerSetup => ({ name: 'demo-controller', setup: () => void setups.push(who) });
  const logger = createLogger('silent');
  const first = await startManager(opts, [setup('first')], {
    kubeConfig: cluster.kubeConfig,
    logger,
    leaseIdentity: 'first',
  });
  await eventually('first leads', () => Promise.resolve(first.leading('demo-controller') ? true : undefined), {
    timeoutMs: 10_000,
  });
  const second = await startManager(opts, [setup('second')], {
    kubeConfig: cluster.kubeConfig,
    logger,
    leaseIdentity: 'second',
  });
  t.after(() => Promise.all([first.stop(), second.stop()]).then(() => undefined));
  await new Promise((r) => setTimeout(r, 1000));
  assert.deepEqual(setups, ['first']);
  assert.equal(second.leading('demo-controller'), false);

  await first.stop();
  await eventually('second leads', () => Promise.resolve(second.leading('demo-controller') ? true : undefined), {
    timeoutMs: 5_000,
  });
  assert.deepEqual(setups, ['first', 'second']);
  const lease = await new KubeClient(cluster.kubeConfig).get<Lease>(leaseType, {
    namespace: ns,
    name: 'demo-controller-leader-election',
  });
  assert.equal(lease.spec?.holderIdentity, 'second');
});
