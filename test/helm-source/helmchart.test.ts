// HelmChart from an HTTP HelmRepository on the real control plane: Helm's version choice over the stored index,
// the package stored exactly as the repository serves it, new index revisions followed, credentials sent only
// where Helm sends them (passCredentials), and Flux's reasons for a bad reference (stalled) and a failed pull.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import type { HelmChart } from '../../src/api/index.ts';
import { helmChartType, helmRepositoryType } from '../../src/controllers/source/setup.ts';
import { useNamespace } from '../support/cluster.ts';
import { eventually } from '../support/eventually.ts';
import { SHARED_FIXTURES } from '../support/fixtures.ts';
import { startHelmRepository, type TestHelmRepository } from '../support/helm-repository.ts';
import { condition, events, secret, startSourceHarness, waitCondition, type SourceHarness } from './harness.ts';

const PODINFO = join(SHARED_FIXTURES, 'podinfo', 'charts', 'podinfo');

let h: SourceHarness;

before(async () => {
  h = await startSourceHarness();
});
after(async () => {
  await h?.stop();
});

async function create(ns: string, kind: 'HelmRepository' | 'HelmChart', name: string, spec: object): Promise<void> {
  await h.client.create({
    apiVersion: helmRepositoryType.apiVersion,
    kind,
    metadata: { name, namespace: ns },
    spec: { interval: '2s', ...spec },
  });
}

const chartSpec = (repo: string, version: string, chart = 'podinfo'): object => ({
  chart,
  version,
  sourceRef: { kind: 'HelmRepository', name: repo },
});

const wait = (
  ns: string,
  name: string,
  status: 'True' | 'False',
  reason: string,
  extra?: (o: HelmChart) => boolean,
): Promise<HelmChart> => waitCondition<HelmChart>(h.client, helmChartType, ns, name, { status, reason }, extra);

const sha256 = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

async function repository(t: { after(fn: () => Promise<void>): void }, opts = {}): Promise<TestHelmRepository> {
  const repo = await startHelmRepository(opts);
  t.after(() => repo.stop());
  return repo;
}

describe('HelmChart from a HelmRepository', () => {
  test('picks the version as Helm does, stores the package as served, follows new versions', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    const repo = await repository(t);
    for (const v of ['6.14.1', '6.15.0', '7.0.0-rc.1']) repo.addChart(PODINFO, v);
    await create(ns, 'HelmRepository', 'podinfo', { url: repo.url });
    await create(ns, 'HelmChart', 'podinfo', chartSpec('podinfo', '6.x'));
    await create(ns, 'HelmChart', 'latest', chartSpec('podinfo', '*'));
    await create(ns, 'HelmChart', 'pre', chartSpec('podinfo', '>=7.0.0-0'));

    const ready = await wait(ns, 'podinfo', 'True', 'ChartPullSucceeded');
    const artifact = ready.status?.artifact;
    assert.equal(artifact?.revision, '6.15.0');
    assert.equal(condition(ready, 'Ready')?.message, "pulled 'podinfo' chart with version '6.15.0'");
    assert.equal(condition(ready, 'ArtifactInStorage')?.reason, 'ChartPullSucceeded');
    assert.equal(artifact?.path, `helmchart/${ns}/podinfo/podinfo-6.15.0.tgz`);
    assert.equal(artifact?.digest, sha256(readFileSync(join(repo.dir, 'podinfo-6.15.0.tgz'))));
    assert.equal(ready.status?.observedChartName, 'podinfo');
    const repoObj = await h.client.get<{ status?: { artifact?: { revision: string } } } & HelmChart>(
      helmRepositoryType,
      { namespace: ns, name: 'podinfo' },
    );
    assert.equal(ready.status?.observedSourceArtifactRevision, repoObj.status?.artifact?.revision);
    assert.match(ready.status?.url ?? '', /\/latest\.tar\.gz$/u);
    const served = Buffer.from(await (await fetch(ready.status?.url ?? '')).arrayBuffer());
    assert.equal(sha256(served), artifact?.digest);
    assert.equal((await wait(ns, 'latest', 'True', 'ChartPullSucceeded')).status?.artifact?.revision, '6.15.0');
    assert.equal((await wait(ns, 'pre', 'True', 'ChartPullSucceeded')).status?.artifact?.revision, '7.0.0-rc.1');
    const pulled = await eventually('ChartPullSucceeded event', async () =>
      (await events(h.client, ns, 'HelmChart', 'podinfo')).find((e) => e.reason === 'ChartPullSucceeded'),
    );
    assert.equal(pulled.message, "pulled 'podinfo' chart with version '6.15.0'");

    repo.addChart(PODINFO, '6.16.0');
    await wait(ns, 'podinfo', 'True', 'ChartPullSucceeded', (o) => o.status?.artifact?.revision === '6.16.0');
  });

  test('a reference nothing matches stalls; a package that cannot be pulled retries; the last chart stays', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    const repo = await repository(t);
    repo.addChart(PODINFO, '6.14.1');
    repo.addChart(PODINFO, '6.15.0');
    await create(ns, 'HelmRepository', 'podinfo', { url: repo.url });
    await create(ns, 'HelmChart', 'too-new', chartSpec('podinfo', '>=9.0.0'));
    await create(ns, 'HelmChart', 'no-such', chartSpec('podinfo', '*', 'nope'));
    await create(ns, 'HelmChart', 'no-repo', { ...chartSpec('absent', '*') });
    const tooNew = await wait(ns, 'too-new', 'False', 'InvalidChartReference');
    assert.equal(
      condition(tooNew, 'Ready')?.message,
      "invalid chart reference: failed to get chart version for remote reference: no 'podinfo' chart with version matching '>=9.0.0' found",
    );
    assert.equal(condition(tooNew, 'Stalled')?.status, 'True');
    assert.equal(condition(tooNew, 'FetchFailed')?.reason, 'InvalidChartReference');
    const noSuch = await wait(ns, 'no-such', 'False', 'InvalidChartReference');
    assert.equal(
      condition(noSuch, 'Ready')?.message,
      'invalid chart reference: failed to get chart version for remote reference: no chart name found',
    );
    const noRepo = await wait(ns, 'no-repo', 'False', 'SourceUnavailable');
    assert.equal(
      condition(noRepo, 'Ready')?.message,
      'failed to get source: helmrepositories.source.toolkit.fluxcd.io "absent" not found',
    );

    // A chart that was pulled, then its package disappears and the spec asks for it again.
    await create(ns, 'HelmChart', 'pinned', chartSpec('podinfo', '6.15.0'));
    const pinned = await wait(ns, 'pinned', 'True', 'ChartPullSucceeded');
    rmSync(join(repo.dir, 'podinfo-6.14.1.tgz'));
    await h.client.patch(helmChartType, { namespace: ns, name: 'pinned' }, 'merge', { spec: { version: '6.14.1' } });
    const failed = await wait(ns, 'pinned', 'False', 'ChartPullError');
    assert.equal(
      condition(failed, 'Ready')?.message,
      `chart pull error: failed to download chart for remote reference: failed to fetch ${repo.url}podinfo-6.14.1.tgz : 404 Not Found`,
    );
    assert.equal(condition(failed, 'Stalled'), undefined);
    assert.equal(failed.status?.artifact?.digest, pinned.status?.artifact?.digest);
  });

  test('credentials go to the repository host only, unless passCredentials', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    const charts = await repository(t, { auth: 'basic' });
    const index = await repository(t, { auth: 'basic', baseUrl: charts.url });
    charts.addChart(PODINFO, '6.14.1');
    index.addChart(PODINFO, '6.14.1');
    await secret(h.client, ns, 'creds', { username: index.user.username, password: index.user.password });
    await create(ns, 'HelmRepository', 'strict', { url: index.url, secretRef: { name: 'creds' } });
    await create(ns, 'HelmRepository', 'pass', { url: index.url, secretRef: { name: 'creds' }, passCredentials: true });
    await create(ns, 'HelmChart', 'strict', chartSpec('strict', '*'));
    await create(ns, 'HelmChart', 'pass', chartSpec('pass', '*'));
    const ok = await wait(ns, 'pass', 'True', 'ChartPullSucceeded');
    assert.equal(ok.status?.artifact?.revision, '6.14.1');
    const refused = await wait(ns, 'strict', 'False', 'ChartPullError');
    assert.equal(
      condition(refused, 'Ready')?.message,
      `chart pull error: failed to download chart for remote reference: failed to fetch ${charts.url}podinfo-6.14.1.tgz : 401 Unauthorized`,
    );
    assert.ok(charts.requests.some((r) => r.path === '/podinfo-6.14.1.tgz' && !r.authorization));
    assert.ok(charts.requests.some((r) => r.path === '/podinfo-6.14.1.tgz' && r.authorization && r.status === 200));
  });
});
