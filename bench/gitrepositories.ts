// Benchmark: N GitRepositories (default 100) from one local smart-HTTP Git server, reconciled by
// `fluxts controller source-controller` as its own process on a local control plane. Reports the wall time from
// creating the objects to all Ready, and the controller's peak RSS (VmHWM).
// Run alone with `node bench/gitrepositories.ts [N]`; bench/run.ts calls runGitRepositoryBench().
import { openBenchEnvironment, peakRssMiB, waitAllReady } from './environment.ts';

const gitRepositoryType = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository' };

/** GitRepositoryBenchResult is one measured run. */
export interface GitRepositoryBenchResult {
  n: number;
  allReadyMs: number;
  peakRssMiB: number;
}

/** runGitRepositoryBench measures n GitRepositories to Ready and prints one line. */
export async function runGitRepositoryBench(n = 100): Promise<GitRepositoryBenchResult> {
  const env = await openBenchEnvironment();
  try {
    const repo = env.git.createRepo('app');
    const files: Record<string, string> = {};
    for (let i = 0; i < 50; i++)
      files[`apps/app-${i}/deployment.yaml`] = `kind: Deployment\nmetadata:\n  name: app-${i}\n`;
    await repo.commit({ files });
    const controller = env.startControllers(['source-controller']);
    await env.client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench' } });
    const started = Date.now();
    await Promise.all(
      Array.from({ length: n }, (_, i) =>
        env.client.create({
          ...gitRepositoryType,
          metadata: { name: `repo-${i}`, namespace: 'bench' },
          spec: { url: env.git.repoUrl('app'), interval: '1h', ref: { branch: 'main' } },
        }),
      ),
    );
    const allReadyMs = await waitAllReady(env.client, gitRepositoryType, 'bench', n, started);
    const result = { n, allReadyMs, peakRssMiB: peakRssMiB(controller.pid) };
    console.log(
      `GitRepositories: ${n} from one local server Ready in ${(allReadyMs / 1000).toFixed(1)}s; ` +
        `source-controller peak RSS ${result.peakRssMiB} MiB`,
    );
    return result;
  } finally {
    await env.close();
  }
}

if (import.meta.main) await runGitRepositoryBench(Number(process.argv[2] ?? 100));
