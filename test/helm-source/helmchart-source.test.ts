// HelmChart from a GitRepository on the real control plane, the repository served by a real smart-HTTP git
// server: podinfo's chart directory packaged as Helm packages it, valuesFiles merged in order (missing ones
// refused, or skipped with ignoreMissingValuesFiles), reconcileStrategy Revision's `+<12 hex>.<generation>`
// version, ChartVersion keeping the stored chart across commits that leave the version alone, and dependencies
// resolved from a `file://` chart in the repository and from an HTTP repository matched to the HelmRepository
// object with that URL (its basic-auth Secret used); and values files inside a chart from a HelmRepository.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import type { HelmChart } from '../../src/api/index.ts';
import { helmChartType } from '../../src/controllers/source/setup.ts';
import { loadArchive } from '../../src/engines/helm/index.ts';
import { chartFiles } from '../support/chart-files.ts';
import { useNamespace } from '../support/cluster.ts';
import { SHARED_FIXTURES } from '../support/fixtures.ts';
import { startGitServer, type GitServer } from '../support/git-server.ts';
import { startHelmRepository } from '../support/helm-repository.ts';
import { condition, secret, startSourceHarness, waitCondition, type SourceHarness } from './harness.ts';

const PODINFO = join(SHARED_FIXTURES, 'podinfo', 'charts', 'podinfo');

let h: SourceHarness;
let git: GitServer;

before(async () => {
  [h, git] = await Promise.all([startSourceHarness(), startGitServer()]);
});
after(async () => {
  await git?.close();
  await h?.stop();
});

const APP_CHART = (repoUrl: string): string =>
  [
    'apiVersion: v2',
    'name: app',
    'version: 0.3.0',
    'dependencies:',
    '  - name: common',
    '    version: 1.x',
    '    repository: file://../common',
    '  - name: podinfo',
    '    version: 6.14.x',
    `    repository: ${repoUrl}`,
    '',
  ].join('\n');

async function create(ns: string, kind: string, name: string, spec: object): Promise<void> {
  await h.client.create({
    apiVersion: helmChartType.apiVersion,
    kind,
    metadata: { name, namespace: ns },
    spec: { interval: '2s', ...spec },
  });
}

const gitChart = (chart: string, extra: object = {}): object => ({
  chart,
  sourceRef: { kind: 'GitRepository', name: 'charts' },
  ...extra,
});

const wait = (ns: string, name: string, status: string, reason: string, extra?: (o: HelmChart) => boolean) =>
  waitCondition<HelmChart>(h.client, helmChartType, ns, name, { status, reason }, extra);

const stored = (chart: HelmChart) => loadArchive(readFileSync(h.storage.localPath(chart.status!.artifact!)));

describe('HelmChart from a GitRepository', () => {
  test('packages the chart directory, merges values files, follows the strategy, resolves dependencies', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    const helmRepo = await startHelmRepository({ auth: 'basic' });
    t.after(() => helmRepo.stop());
    helmRepo.addChart(PODINFO, '6.14.1');
    await secret(h.client, ns, 'charts-auth', { username: helmRepo.user.username, password: helmRepo.user.password });
    await create(ns, 'HelmRepository', 'podinfo-repo', { url: helmRepo.url, secretRef: { name: 'charts-auth' } });

    const repo = git.createRepo(`${ns}-charts`);
    const first = await repo.commit({
      files: {
        ...chartFiles(PODINFO, 'charts/podinfo'),
        'charts/common/Chart.yaml': 'apiVersion: v2\nname: common\nversion: 1.4.0\ntype: library\n',
        'charts/common/templates/_helpers.tpl': '{{- define "common.name" -}}common{{- end -}}\n',
        'charts/app/Chart.yaml': APP_CHART(helmRepo.url),
        'charts/app/values.yaml': 'podinfo:\n  replicaCount: 3\n',
        'charts/app/templates/cm.yaml': 'kind: ConfigMap\nmetadata:\n  name: {{ include "common.name" . }}\n',
        'env/prod.yaml': 'replicaCount: 5\nredis:\n  enabled: false\n',
      },
    });
    await create(ns, 'GitRepository', 'charts', { url: git.repoUrl(`${ns}-charts`), ref: { branch: 'main' } });

    const valuesFiles = ['charts/podinfo/values.yaml', 'charts/podinfo/values-prod.yaml', 'env/prod.yaml'];
    await create(
      ns,
      'HelmChart',
      'podinfo',
      gitChart('charts/podinfo', { reconcileStrategy: 'Revision', valuesFiles }),
    );
    await create(ns, 'HelmChart', 'app', gitChart('./charts/app'));
    await create(ns, 'HelmChart', 'missing', gitChart('charts/podinfo', { valuesFiles: ['env/absent.yaml'] }));
    await create(
      ns,
      'HelmChart',
      'tolerant',
      gitChart('charts/podinfo', { valuesFiles: ['env/absent.yaml', 'env/prod.yaml'], ignoreMissingValuesFiles: true }),
    );
    await create(ns, 'HelmChart', 'nowhere', gitChart('charts/nowhere'));
    // From the HelmRepository, values files name files inside the downloaded chart.
    await create(ns, 'HelmChart', 'remote', {
      chart: 'podinfo',
      sourceRef: { kind: 'HelmRepository', name: 'podinfo-repo' },
      valuesFiles: ['values.yaml', 'values-prod.yaml'],
    });

    const version = `6.14.1+${first.slice(0, 12)}.1`;
    const podinfo = await wait(ns, 'podinfo', 'True', 'ChartPackageSucceeded');
    assert.equal(podinfo.status?.artifact?.revision, version);
    assert.equal(podinfo.status?.artifact?.path, `helmchart/${ns}/podinfo/podinfo-${version}.tgz`);
    assert.equal(
      condition(podinfo, 'Ready')?.message,
      `packaged 'podinfo' chart with version '${version}' and merged values files [${valuesFiles.join(' ')}]`,
    );
    const packaged = stored(podinfo);
    assert.equal(packaged.metadata.version, version);
    assert.equal(packaged.values?.get('replicaCount'), 5);
    assert.equal((packaged.values?.get('redis') as Map<string, unknown>).get('enabled'), false);
    assert.equal(packaged.values?.get('logLevel'), 'info', 'values-prod.yaml merged over values.yaml');

    const app = await wait(ns, 'app', 'True', 'ChartPackageSucceeded');
    assert.equal(app.status?.artifact?.revision, '0.3.0');
    assert.equal(condition(app, 'Ready')?.message, "packaged 'app' chart with version '0.3.0'");
    assert.deepEqual(
      stored(app).dependencies.map((d) => `${d.name}@${d.metadata.version}`),
      ['common@1.4.0', 'podinfo@6.14.1'],
    );
    assert.ok(helmRepo.requests.some((r) => r.path.endsWith('.tgz') && r.status === 200 && r.authorization));

    const missing = await wait(ns, 'missing', 'False', 'ValuesFilesError');
    assert.equal(
      condition(missing, 'Ready')?.message,
      "values files merge error: no values file found at path '/env/absent.yaml' (reference 'env/absent.yaml')",
    );
    assert.equal(condition(missing, 'Stalled')?.status, 'True');
    const tolerant = await wait(ns, 'tolerant', 'True', 'ChartPackageSucceeded');
    assert.deepEqual(tolerant.status?.observedValuesFiles, ['env/prod.yaml']);
    assert.equal(tolerant.status?.artifact?.revision, '6.14.1+1');
    const nowhere = await wait(ns, 'nowhere', 'False', 'InvalidChartReference');
    assert.doesNotMatch(condition(nowhere, 'Ready')?.message ?? '', /\/tmp\//u, 'no temp paths in messages');

    const remote = await wait(ns, 'remote', 'True', 'ChartPackageSucceeded');
    assert.equal(remote.status?.artifact?.revision, '6.14.1+1');
    assert.equal(
      condition(remote, 'Ready')?.message,
      "packaged 'podinfo' chart with version '6.14.1+1' and merged values files [values.yaml values-prod.yaml]",
    );
    assert.equal(stored(remote).values?.get('logLevel'), 'info');

    // A commit that leaves the chart versions alone: Revision makes a new package, ChartVersion keeps its own.
    const second = await repo.commit({ files: { 'README.md': 'charts\n' } });
    const next = `6.14.1+${second.slice(0, 12)}.1`;
    await wait(ns, 'podinfo', 'True', 'ChartPackageSucceeded', (o) => o.status?.artifact?.revision === next);
    const appAfter = await wait(ns, 'app', 'True', 'ChartPackageSucceeded', (o) =>
      (o.status?.observedSourceArtifactRevision ?? '').endsWith(second),
    );
    assert.equal(appAfter.status?.artifact?.digest, app.status?.artifact?.digest);
  });
});
