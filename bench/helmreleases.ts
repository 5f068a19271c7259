// Benchmark: N HelmReleases (100, 500, 1000) of podinfo from one HTTP HelmRepository, each its own release in the
// bench namespace, on a local control plane. Reports the time from creating the objects to all Ready, and the peak
// RSS of the controller process (source-controller and helm-controller in one process). The repository is a real
// Helm HTTP repository (index and package made by the real helm v4) served on loopback. One release per namespace
// (targetNamespace with install.createNamespace) is not measured yet: those installs fail with "secrets
// sh.helm.release.v1.<name>.v1 already exists" on retry (a helm-controller bug to fix first).
// Anchor, Flux v2.9 (flux-benchmark, 16-core runner): 1000 HelmReleases in 4 min 39 s, helm-controller at 361 MiB.
// Run alone with `node bench/helmreleases.ts [N…]`; bench/run.ts calls runHelmReleaseBench().
import { join } from 'node:path';

import { SHARED_FIXTURES } from '../test/support/fixtures.ts';
import { startHelmRepository } from '../test/support/helm-repository.ts';
import {
  CONTROLLER_BENCH_HEADER,
  createInBatches,
  type ControllerBenchRow,
  formatBenchRow,
  openBenchEnvironment,
  peakRssMiB,
  waitAllReady,
} from './environment.ts';

const SIZES = [100];
const FLUX_ANCHOR_S: Record<number, number> = { 1000: 279 };
const FLUX_ANCHOR_MIB = 361;
const PODINFO = join(SHARED_FIXTURES, 'podinfo', 'charts', 'podinfo');
const helmRepositoryType = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmRepository' };
const helmReleaseType = { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease' };

/** HelmReleaseBenchRow is one measured size. */
export type HelmReleaseBenchRow = ControllerBenchRow;

/** runHelmReleaseBench measures each size on a fresh control plane and prints a table. */
export async function runHelmReleaseBench(sizes = SIZES, concurrent = 10): Promise<HelmReleaseBenchRow[]> {
  const rows: HelmReleaseBenchRow[] = [];
  // Flux's default API rate limits (--kube-api-qps=50, --kube-api-burst=300), as the anchor ran with.
  console.log(
    `HelmReleases of podinfo from one HelmRepository, ${concurrent} workers, default API rate limits ` +
      `(Flux v2.9 anchor: 16 cores, 1000 in ${FLUX_ANCHOR_S[1000]} s, helm-controller ${FLUX_ANCHOR_MIB} MiB)`,
  );
  console.log(CONTROLLER_BENCH_HEADER);
  for (const n of sizes) {
    const [env, repo] = await Promise.all([openBenchEnvironment(), startHelmRepository()]);
    try {
      repo.addChart(PODINFO, '6.14.1');
      const controller = env.startControllers(['source-controller', 'helm-controller'], [`--concurrent=${concurrent}`]);
      await env.client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench' } });
      const started = Date.now();
      await env.client.create({
        ...helmRepositoryType,
        metadata: { name: 'podinfo', namespace: 'bench' },
        spec: { url: repo.url, interval: '1h' },
      });
      await createInBatches(env.client, n, (i) => ({
        ...helmReleaseType,
        metadata: { name: `podinfo-${i}`, namespace: 'bench' },
        spec: {
          interval: '1h',
          chart: {
            spec: { chart: 'podinfo', version: '6.x', sourceRef: { kind: 'HelmRepository', name: 'podinfo' } },
          },
          // No pods: the benchmark measures the controllers, not the pod simulator.
          values: { replicaCount: 0 },
        },
      }));
      const allReadyMs = await waitAllReady(env.client, helmReleaseType, 'bench', n, started);
      const row = { n, allReadyMs, peakRssMiB: peakRssMiB(controller.pid), fluxSeconds: FLUX_ANCHOR_S[n] };
      rows.push(row);
      console.log(formatBenchRow(row));
    } finally {
      await repo.stop();
      await env.close();
    }
  }
  return rows;
}

if (import.meta.main) {
  // `node bench/helmreleases.ts [N…]`
  const sizes = process.argv
    .slice(2)
    .filter((a) => /^\d+$/.test(a))
    .map(Number);
  await runHelmReleaseBench(sizes.length > 0 ? sizes : SIZES);
}
