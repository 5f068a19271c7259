// Two replicas of the source- and kustomize-controller with leader election, as real processes; the leader is
// SIGKILLed in the middle of applying 20 Kustomizations, so it cannot hand its leases back. The standby must take
// both leases over within the lease duration (plus a retry period), finish the work, and never have worked while
// the leader lived; what the leader had applied is not written again (a no-op apply leaves resourceVersions).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { freePort } from '../../src/devcluster/ports.ts';
import { KubeClient, type KubeObject } from '../../src/kube/index.ts';
import type { Lease } from '../../src/runtime/leader-election.ts';
import { useCluster, useNamespace } from '../support/cluster.ts';
import { eventually } from '../support/eventually.ts';
import { startGitServer } from '../support/git-server.ts';
import { type ControllerProcess, scrapeReconcileCounts, startControllerProcess } from './controller-process.ts';
import {
  appFiles,
  assertIntended,
  createBystander,
  createSources,
  range,
  readyAt,
  revisionOf,
  waitAllReady,
} from './support.ts';

const APPS = 20;
const LEASE_MS = 6_000;
const RETRY_MS = 500;
/** Scheduling slack on a loaded 2-core machine, on top of what the election itself allows. */
const SLACK_MS = 5_000;
const LEASES = ['source-controller-leader-election', 'kustomize-controller-leader-election'];
const leaseType = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease' };

void test('two replicas, leader SIGKILLed mid-work: the standby takes over within the lease time, nothing lost or redone', async (t) => {
  const cluster = await useCluster();
  const client = new KubeClient(cluster.kubeConfig);
  const ns = await useNamespace(t, cluster);
  const git = await startGitServer();
  t.after(() => git.close());
  const work = await mkdtemp(join(tmpdir(), 'fluxts-chaos-ha-'));
  t.after(() => rm(work, { recursive: true, force: true }));
  const replica = async (name: string): Promise<ControllerProcess> => {
    const proc = await startControllerProcess({
      name,
      controllers: ['source-controller', 'kustomize-controller'],
      kubeconfig: cluster.kubeconfigPath,
      namespace: ns,
      // Each replica its own storage, as each Pod has its own emptyDir.
      storageDir: join(work, `storage-${name}`),
      storagePort: await freePort(),
      logDir: work,
      extraArgs: [
        '--enable-leader-election',
        `--leader-election-lease-duration=${LEASE_MS}ms`,
        `--leader-election-renew-deadline=${LEASE_MS - 2_000}ms`,
        `--leader-election-retry-period=${RETRY_MS}ms`,
      ],
    });
    t.after(() => proc.stop());
    return proc;
  };
  const holders = async (): Promise<(string | undefined)[]> =>
    Promise.all(
      LEASES.map(async (name) => {
        try {
          return (await client.get<Lease>(leaseType, { namespace: ns, name })).spec?.holderIdentity;
        } catch {
          return undefined;
        }
      }),
    );

  const repo = git.createRepo('apps');
  const v1 = revisionOf(await repo.commit({ files: appFiles(APPS, 'v1', true), message: 'v1' }));
  await createBystander(client, ns);
  await createSources(client, ns, git.repoUrl('apps'), APPS);
  const leader = await replica('replica-a');
  const first = await eventually('replica-a holds both leases', async () => {
    const h = await holders();
    return h.every((x) => x !== undefined) ? h : undefined;
  });
  const standby = await replica('replica-b');
  await eventually('the standby is up', async () =>
    (await scrapeReconcileCounts(standby.metricsPort, ns)) ? true : undefined,
  );

  const doneBeforeKill = await eventually(
    'a few Kustomizations applied by the leader',
    async () => {
      const n = await readyAt(client, ns, v1);
      return n >= 3 ? n : undefined;
    },
    { timeoutMs: 120_000, intervalMs: 100 },
  );
  // The standby never reconciled while the leader lived.
  assert.deepEqual([...(await scrapeReconcileCounts(standby.metricsPort, ns)).entries()], []);
  leader.kill('SIGKILL');
  const killedAt = Date.now();
  assert.equal(await leader.exited, 'SIGKILL');
  const applied = await appliedVersions(client, ns);
  const atKill = await readyAt(client, ns, v1);
  assert.ok(atKill < APPS, `the kill landed mid-work (${atKill} of ${APPS} done)`);

  const second = await eventually(
    'the standby holds both leases',
    async () => {
      const h = await holders();
      return h.every((x, i) => x !== undefined && x !== first[i]) ? h : undefined;
    },
    { timeoutMs: LEASE_MS * 4, intervalMs: 100 },
  );
  const takeoverMs = Date.now() - killedAt;
  assert.ok(takeoverMs <= LEASE_MS + 2 * RETRY_MS + SLACK_MS, `took over in ${takeoverMs} ms`);
  assert.match(standby.log(), /successfully acquired lease/);
  assert.notDeepEqual(second, first);

  await waitAllReady(client, ns, APPS, v1);
  await assertIntended(client, ns, range(APPS), 'v1', true);
  // What the leader had applied before it died was not written again by the new leader.
  const after = await appliedVersions(client, ns);
  for (const [name, version] of applied) assert.equal(after.get(name), version, `${name} not rewritten`);
  const counts = await scrapeReconcileCounts(standby.metricsPort, ns);
  assert.equal(counts.size, APPS + 1, 'the new leader reconciled every object');
  t.diagnostic(`leader killed with ${doneBeforeKill}..${atKill}/${APPS} done; standby took over in ${takeoverMs} ms`);
});

/** appliedVersions maps each ConfigMap an app owns to its resourceVersion. */
async function appliedVersions(client: KubeClient, ns: string): Promise<Map<string, string>> {
  const cms = await client.list<KubeObject>({ apiVersion: 'v1', kind: 'ConfigMap' }, { namespace: ns });
  return new Map(
    cms.items
      .filter((c) => c.metadata.name?.startsWith('app-'))
      .map((c) => [c.metadata.name ?? '', c.metadata.resourceVersion ?? ''] as const),
  );
}
