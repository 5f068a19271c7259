// Flux's sharding (`--watch-label-selector` with `sharding.fluxcd.io/key`): three instances of the source- and
// kustomize-controller split the objects of one cluster. The main instance takes what no shard claims
// (`sharding.fluxcd.io/key notin (shard1, shard2)`), each shard its own key (`… in (shardN)`), for sources as for
// Kustomizations, as Flux's sharding guide configures them. Each instance has its own artifact storage, so the
// artifact URL of a GitRepository names the instance that fetched it.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { Command } from 'commander';

import type { GitRepository, Kustomization } from '../../src/api/index.ts';
import { ArtifactStorage, serveStorage } from '../../src/artifacts/index.ts';
import { kustomizationType } from '../../src/controllers/kustomize/index.ts';
import { kustomizeController } from '../../src/controllers/kustomize/setup.ts';
import { gitRepositoryType, sourceController } from '../../src/controllers/source/setup.ts';
import { KubeClient } from '../../src/kube/index.ts';
import {
  controllerOptionsFrom,
  createLogger,
  leaseName,
  registerControllerFlags,
  startManager,
} from '../../src/runtime/index.ts';
import { useCluster, useNamespace } from '../support/cluster.ts';
import { eventually } from '../support/eventually.ts';
import { startGitServer } from '../support/git-server.ts';

const SHARD_KEY = 'sharding.fluxcd.io/key';
const SHARDS = [
  { id: 'main', selector: `${SHARD_KEY} notin (shard1, shard2)`, label: undefined },
  { id: 'shard1', selector: `${SHARD_KEY} in (shard1)`, label: 'shard1' },
  { id: 'shard2', selector: `${SHARD_KEY} in (shard2)`, label: 'shard2' },
] as const;
const PER_SHARD = 3;

void test('three shards split the sources and Kustomizations of one cluster; each object is reconciled by exactly one', async (t) => {
  const cluster = await useCluster();
  const client = new KubeClient(cluster.kubeConfig);
  const ns = await useNamespace(t, cluster);
  const git = await startGitServer();
  t.after(() => git.close());
  const repo = git.createRepo('apps');
  const files: Record<string, string> = {};
  for (const shard of SHARDS) {
    for (let i = 0; i < PER_SHARD; i++) {
      files[`${shard.id}-${i}/cm.yaml`] =
        `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${shard.id}-${i}\ndata:\n  shard: ${shard.id}\n`;
    }
  }
  await repo.commit({ files, message: 'apps' });

  // One instance per shard, each with the selector as the command line gives it, and leader election on: the
  // replicas of different shards must not wait for one another's lease.
  const instances = await Promise.all(
    SHARDS.map(async (shard) => {
      const storageDir = await mkdtemp(join(tmpdir(), `fluxts-shard-${shard.id}-`));
      const server = await serveStorage(storageDir, { host: '127.0.0.1', port: 0 });
      const storage = new ArtifactStorage({ root: storageDir, advertisedAddress: server.address });
      const flags = registerControllerFlags(new Command())
        .parse(
          [
            '--metrics-addr=127.0.0.1:0',
            '--health-addr=127.0.0.1:0',
            '--watch-all-namespaces=false',
            `--watch-label-selector=${shard.selector}`,
            '--enable-leader-election',
            '--leader-election-retry-period=200ms',
            '--max-retry-delay=2s',
          ],
          { from: 'user' },
        )
        .opts();
      const options = controllerOptionsFrom(flags, { RUNTIME_NAMESPACE: ns });
      const running = await startManager(options, [sourceController({ storage }), kustomizeController()], {
        kubeConfig: cluster.kubeConfig,
        logger: createLogger('error'),
        leaseIdentity: shard.id,
      });
      return { shard, running, server, storageDir };
    }),
  );
  t.after(async () => {
    for (const i of instances) {
      await i.running.stop();
      await i.server.close();
      await rm(i.storageDir, { recursive: true, force: true });
    }
  });

  for (const shard of SHARDS) {
    const labels = shard.label ? { [SHARD_KEY]: shard.label } : undefined;
    await client.create<GitRepository>({
      apiVersion: gitRepositoryType.apiVersion,
      kind: 'GitRepository',
      metadata: { name: `repo-${shard.id}`, namespace: ns, ...(labels ? { labels } : {}) },
      spec: { url: git.repoUrl('apps'), interval: '10m', ref: { branch: 'main' } },
    } as GitRepository);
    for (let i = 0; i < PER_SHARD; i++) {
      await client.create<Kustomization>({
        apiVersion: kustomizationType.apiVersion,
        kind: 'Kustomization',
        metadata: { name: `${shard.id}-${i}`, namespace: ns, ...(labels ? { labels } : {}) },
        spec: {
          interval: '10m',
          prune: true,
          path: `./${shard.id}-${i}`,
          targetNamespace: ns,
          sourceRef: { kind: 'GitRepository', name: `repo-${shard.id}` },
        },
      } as Kustomization);
    }
  }

  // Every Kustomization is applied, by whichever instance.
  for (const shard of SHARDS) {
    for (let i = 0; i < PER_SHARD; i++) {
      await eventually(
        `Kustomization ${shard.id}-${i} Ready`,
        async () => {
          const ks = await client.get<Kustomization>(kustomizationType, { namespace: ns, name: `${shard.id}-${i}` });
          const ready = ks.status?.conditions?.find((c) => c.type === 'Ready');
          return ready?.status === 'True' ? ks : undefined;
        },
        { timeoutMs: 90_000 },
      );
      const cm = await client.get<{ data?: Record<string, string> } & { metadata: { name: string } }>(
        { apiVersion: 'v1', kind: 'ConfigMap' },
        { namespace: ns, name: `${shard.id}-${i}` },
      );
      assert.equal(cm.data?.['shard'], shard.id);
    }
  }

  // Each source was fetched by its own instance: the artifact is on that instance's storage server.
  for (const instance of instances) {
    const repoObj = await client.get<GitRepository>(gitRepositoryType, {
      namespace: ns,
      name: `repo-${instance.shard.id}`,
    });
    const url = repoObj.status?.artifact?.url ?? '';
    assert.ok(url.startsWith(`http://${instance.server.address}/`), `repo-${instance.shard.id} served at ${url}`);
  }

  // Each object was reconciled by exactly one instance: its own shard's. The other two never ran it.
  for (const instance of instances) {
    const counts = await reconcileCounts(instance.running.metrics.registry, ns);
    for (const shard of SHARDS) {
      const own = shard.id === instance.shard.id;
      for (let i = 0; i < PER_SHARD; i++) {
        const n = counts.get(`Kustomization/${shard.id}-${i}`) ?? 0;
        if (own) assert.ok(n >= 1, `${instance.shard.id} reconciled its Kustomization ${shard.id}-${i}`);
        else assert.equal(n, 0, `${instance.shard.id} must not reconcile ${shard.id}-${i}`);
      }
      const sources = counts.get(`GitRepository/repo-${shard.id}`) ?? 0;
      if (own) assert.ok(sources >= 1, `${instance.shard.id} reconciled repo-${shard.id}`);
      else assert.equal(sources, 0, `${instance.shard.id} must not reconcile repo-${shard.id}`);
    }
  }

  // One lease per controller and shard, each held by its shard: no shard waited for another's leader.
  const leases = await client.list<{ metadata: { name: string }; spec?: { holderIdentity?: string } }>(
    { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease' },
    { namespace: ns },
  );
  const holders = new Map(leases.items.map((l) => [l.metadata.name, l.spec?.holderIdentity]));
  for (const shard of SHARDS) {
    for (const controller of ['source-controller', 'kustomize-controller']) {
      assert.equal(holders.get(leaseName(controller, normalised(shard.selector))), shard.id);
    }
  }
});

/** reconcileCounts reads `gotk_reconcile_duration_seconds_count` per `Kind/name` of one namespace. */
async function reconcileCounts(
  registry: { getSingleMetric(name: string): { get(): Promise<{ values: MetricValue[] }> } | undefined },
  ns: string,
): Promise<Map<string, number>> {
  const metric = registry.getSingleMetric('gotk_reconcile_duration_seconds');
  const out = new Map<string, number>();
  if (!metric) return out;
  for (const v of (await metric.get()).values) {
    if (v.metricName !== 'gotk_reconcile_duration_seconds_count' || v.labels['namespace'] !== ns) continue;
    out.set(`${String(v.labels['kind'])}/${String(v.labels['name'])}`, v.value);
  }
  return out;
}

interface MetricValue {
  metricName?: string;
  labels: Record<string, string | number | undefined>;
  value: number;
}

/** normalised is the selector as the flag parser stores it (sorted values, no spaces). */
function normalised(selector: string): string {
  const flags = registerControllerFlags(new Command())
    .parse([`--watch-label-selector=${selector}`], { from: 'user' })
    .opts();
  return controllerOptionsFrom(flags, {}).watchLabelSelector;
}
