// Benchmark: N GitRepositories (default 100) from one local smart-HTTP Git server, reconciled by
// `fluxts controller source-controller` as its own process on a local control plane. Reports the wall time from
// creating the objects to all Ready, and the controller's peak RSS (VmHWM).
// Run alone with `node bench/gitrepositories.ts [N]`; bench/run.ts calls runGitRepositoryBench().
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { KubeConfig } from '@kubernetes/client-node';

import { startDevCluster, stopDevCluster } from '../src/devcluster/cluster.ts';
import { KubeClient } from '../src/kube/index.ts';
import { startGitServer } from '../test/support/git-server.ts';

const FLUXTS = fileURLToPath(new URL('../bin/fluxts.js', import.meta.url));
const gitRepositoryType = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository' };

/** GitRepositoryBenchResult is one measured run. */
export interface GitRepositoryBenchResult {
  n: number;
  allReadyMs: number;
  peakRssMiB: number;
}

interface Listed {
  items: { status?: { conditions?: { type: string; status: string }[] } }[];
}

function peakRssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round((kib / 1024) * 10) / 10;
}

/** runGitRepositoryBench measures n GitRepositories to Ready and prints one line. */
export async function runGitRepositoryBench(n = 100): Promise<GitRepositoryBenchResult> {
  const work = await mkdtemp(join(tmpdir(), 'fluxts-gitbench-'));
  const state = await startDevCluster({
    stateDir: join(work, 'cluster'),
    ownerPid: process.pid,
    progress: () => undefined,
  });
  const git = await startGitServer();
  const repo = git.createRepo('app');
  const files: Record<string, string> = {};
  for (let i = 0; i < 50; i++)
    files[`apps/app-${i}/deployment.yaml`] = `kind: Deployment\nmetadata:\n  name: app-${i}\n`;
  await repo.commit({ files });
  const controller = spawn(
    process.execPath,
    [
      FLUXTS,
      'controller',
      'source-controller',
      `--kubeconfig=${state.kubeconfig}`,
      `--storage-path=${join(work, 'storage')}`,
      '--storage-addr=127.0.0.1:0',
      '--metrics-addr=127.0.0.1:0',
      '--health-addr=127.0.0.1:0',
      '--log-level=error',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(state.kubeconfig);
  const client = new KubeClient(kubeConfig);
  try {
    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench' } });
    const started = Date.now();
    await Promise.all(
      Array.from({ length: n }, (_, i) =>
        client.create({
          ...gitRepositoryType,
          metadata: { name: `repo-${i}`, namespace: 'bench' },
          spec: { url: git.repoUrl('app'), interval: '1h', ref: { branch: 'main' } },
        }),
      ),
    );
    for (;;) {
      const list = (await client.list(gitRepositoryType, { namespace: 'bench' })) as unknown as Listed;
      const ready = list.items.filter((o) =>
        o.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
      );
      if (ready.length === n) break;
      if (Date.now() - started > 600_000)
        throw new Error(`only ${ready.length}/${n} GitRepositories Ready after 10 minutes`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const result = { n, allReadyMs: Date.now() - started, peakRssMiB: peakRssMiB(controller.pid ?? 0) };
    console.log(
      `GitRepositories: ${n} from one local server Ready in ${(result.allReadyMs / 1000).toFixed(1)}s; source-controller peak RSS ${result.peakRssMiB} MiB`,
    );
    return result;
  } finally {
    controller.kill('SIGTERM');
    await new Promise((r) => controller.once('exit', r));
    await git.close();
    await stopDevCluster(join(work, 'cluster'));
    await rm(work, { recursive: true, force: true });
  }
}

if (import.meta.main) await runGitRepositoryBench(Number(process.argv[2] ?? 100));
