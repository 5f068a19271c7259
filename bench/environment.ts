// The environment of the controller benchmarks: a private local control plane, a smart-HTTP Git server, and
// fluxts controllers run as their own process so their peak RSS is theirs alone.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { startDevCluster, stopDevCluster } from '../src/devcluster/cluster.ts';
import { KubeClient, KubeConfig, type KubeObject, type TypeRef } from '../src/kube/index.ts';
import { controllerProcessEnv } from '../src/runtime/process-tuning.ts';
import { type GitServer, startGitServer } from '../test/support/git-server.ts';

const FLUXTS = fileURLToPath(new URL('../bin/fluxts.js', import.meta.url));

/** BenchEnvironment is what one benchmark run uses; close() stops all of it. */
export interface BenchEnvironment {
  work: string;
  kubeconfig: string;
  client: KubeClient;
  git: GitServer;
  /** startControllers runs `fluxts controller <names…>` with private storage and ports. */
  startControllers(names: string[], extraArgs?: string[]): ChildProcess;
  close(): Promise<void>;
}

/** openBenchEnvironment starts the control plane and the Git server. */
export async function openBenchEnvironment(): Promise<BenchEnvironment> {
  const work = await mkdtemp(join(tmpdir(), 'fluxts-bench-'));
  const clusterDir = join(work, 'cluster');
  const state = await startDevCluster({ stateDir: clusterDir, ownerPid: process.pid, progress: () => undefined });
  const git = await startGitServer();
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(state.kubeconfig);
  const children: ChildProcess[] = [];
  return {
    work,
    kubeconfig: state.kubeconfig,
    client: new KubeClient(kubeConfig),
    git,
    startControllers(names, extraArgs = []) {
      const child = spawn(
        process.execPath,
        [
          FLUXTS,
          'controller',
          ...names,
          `--kubeconfig=${state.kubeconfig}`,
          `--storage-path=${join(work, 'storage')}`,
          '--storage-addr=127.0.0.1:0',
          '--metrics-addr=127.0.0.1:0',
          '--health-addr=127.0.0.1:0',
          '--log-level=error',
          ...extraArgs,
        ],
        // The controller runs as `fluxts install` deploys it (V8 and malloc settings included).
        { stdio: ['ignore', 'ignore', 'inherit'], env: controllerProcessEnv(process.env) },
      );
      children.push(child);
      return child;
    },
    async close() {
      for (const child of children) {
        if (child.exitCode !== null) continue;
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
      await git.close();
      await stopDevCluster(clusterDir);
      await rm(work, { recursive: true, force: true });
    },
  };
}

/** peakRssMiB reads a live process's peak resident set size (VmHWM) in MiB. */
export function peakRssMiB(pid: number | undefined): number {
  const status = readFileSync(`/proc/${pid ?? 0}/status`, 'utf8');
  const kib = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round((kib / 1024) * 10) / 10;
}

interface Listed {
  items: { status?: { conditions?: { type: string; status: string }[] } }[];
}

/** waitAllReady polls a kind in a namespace until n objects are Ready, and returns the time it took. */
export async function waitAllReady(
  client: KubeClient,
  type: TypeRef,
  namespace: string,
  n: number,
  started: number,
  timeoutMs = 1_800_000,
): Promise<number> {
  for (;;) {
    const list = (await client.listAll(type, { namespace })) as unknown as Listed;
    const ready = list.items.filter((o) =>
      o.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
    );
    if (ready.length === n) return Date.now() - started;
    if (Date.now() - started > timeoutMs) {
      throw new Error(`only ${ready.length}/${n} ${type.kind} Ready after ${timeoutMs / 1000}s`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** ControllerBenchRow is one measured size of a controller benchmark against Flux's published anchor. */
export interface ControllerBenchRow {
  n: number;
  allReadyMs: number;
  peakRssMiB: number;
  fluxSeconds: number | undefined;
}

/** CONTROLLER_BENCH_HEADER heads the table formatBenchRow's lines make. */
export const CONTROLLER_BENCH_HEADER = '     N   fluxts s   Flux v2.9 s   ratio   peak RSS MiB';

/** formatBenchRow prints a row: size, seconds to all Ready, Flux's seconds, Flux/fluxts, peak RSS. */
export function formatBenchRow(row: ControllerBenchRow): string {
  const ratio = row.fluxSeconds ? `${(row.fluxSeconds / (row.allReadyMs / 1000)).toFixed(2)}x` : '-';
  return `${String(row.n).padStart(6)} ${(row.allReadyMs / 1000).toFixed(1).padStart(10)} ${String(row.fluxSeconds ?? '-').padStart(13)} ${ratio.padStart(7)} ${String(row.peakRssMiB).padStart(14)}`;
}

/** createInBatches creates objects make(0…n-1) in the bench namespace, 50 requests at a time. */
export async function createInBatches(client: KubeClient, n: number, make: (i: number) => KubeObject): Promise<void> {
  for (let i = 0; i < n; i += 50) {
    await Promise.all(Array.from({ length: Math.min(50, n - i) }, (_, j) => client.create(make(i + j))));
  }
}
