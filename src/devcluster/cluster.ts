import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { allCrds } from '../api/index.ts';
import { FluxtsError } from '../util/errors.ts';
import { ensureControlPlaneBinaries } from './build.ts';
import { type ProcessRecord, startControlPlane, stopControlPlane } from './control-plane.ts';
import { type InstalledCrd, installCrds, listCrds } from './crds.ts';
import type { Progress } from './go-build.ts';
import { stateDirOf, writeKubeconfig } from './kubeconfig.ts';
import { isAlive, logTail, ProcessDiedError, sleep, startProcess } from './processes.ts';
import { RestClient } from './rest.ts';

/** DevClusterState is written to `<stateDir>/cluster.json` so status and stop work from another process. */
export interface DevClusterState {
  kubeconfig: string;
  /** The CRDs installed at start, as the apiserver lists them. */
  crds?: InstalledCrd[];
  server: string;
  dir: string;
  startedAt: string;
  processes: ProcessRecord[];
  /** Pods whose images are in the local OCI layout run under runc (`cluster start --run-pods`). */
  runPods?: boolean;
}

export interface StartOptions {
  /** Directory for the state file, logs and data; `.fluxts` in the current directory by default. */
  stateDir?: string;
  /** Where to write the kubeconfig; `<stateDir>/kubeconfig` by default. */
  kubeconfig?: string;
  /** Preferred apiserver port; another free port is used when it is taken. */
  port?: number;
  /** Install the Flux CRDs (default true). */
  crds?: boolean;
  /** When set, the control plane is stopped as soon as this process exits, however it exits. */
  ownerPid?: number;
  /** Run pods whose images are in the local OCI layout (`npm run image`) under runc instead of simulating them. */
  runPods?: boolean;
  progress: Progress;
}

/** ClusterRunningError: a dev cluster from the same state directory is still running. */
export class ClusterRunningError extends FluxtsError {}

const STATE_FILE = 'cluster.json';

/** defaultStateDir is `./.fluxts`, beside the project the user works in. */
export function defaultStateDir(): string {
  return resolve('.fluxts');
}

/**
 * startDevCluster builds the binaries when needed, starts the control plane and the pod simulator, installs the
 * Flux CRDs, writes the kubeconfig and the state file, and returns with everything running in the background.
 */
export async function startDevCluster(options: StartOptions): Promise<DevClusterState> {
  const stateDir = resolve(options.stateDir ?? defaultStateDir());
  const existing = await readState(stateDir);
  if (existing && existing.processes.some((p) => isAlive(p.pid))) {
    throw new ClusterRunningError(`a dev cluster is already running from ${stateDir} (${existing.server})`, {
      hint: 'use it, or run `fluxts cluster stop` first',
    });
  }
  // A cluster that died without a stop (a reboot, a kill) still holds its data: release it before starting over.
  if (existing) await stopControlPlane(existing.processes, existing.dir);
  await mkdir(stateDir, { recursive: true });
  const bins = await ensureControlPlaneBinaries(options.progress);
  options.progress('starting etcd, kube-apiserver and kube-controller-manager');
  const plane = await startControlPlane(bins, {
    parentDir: stateDir,
    ...(options.port ? { apiserverPort: options.port } : {}),
  });
  const kubeconfig = resolve(options.kubeconfig ?? join(stateDir, 'kubeconfig'));
  const state: DevClusterState = {
    kubeconfig,
    server: plane.server,
    dir: plane.dir,
    startedAt: new Date().toISOString(),
    processes: plane.processes,
    ...(options.runPods ? { runPods: true } : {}),
  };
  try {
    await writeKubeconfig(kubeconfig, { server: plane.server, token: plane.token, ca: plane.ca, stateDir });
    const simulator = startProcess(
      'pod-simulator',
      process.execPath,
      [
        fileURLToPath(new URL('./pod-simulator-main.ts', import.meta.url)),
        join(stateDir, STATE_FILE),
        String(options.ownerPid ?? 0),
      ],
      join(plane.dir, 'pod-simulator.log'),
    );
    state.processes.push({ name: simulator.name, pid: simulator.pid, logFile: simulator.logFile });
    await writeState(stateDir, state);
    await waitForFakeNode(plane, simulator.logFile, simulator.pid);
    if (options.crds !== false) {
      options.progress('installing the Flux CRDs');
      const client = new RestClient({ server: plane.server, token: plane.token, ca: plane.ca });
      try {
        const crds = allCrds();
        await installCrds(client, crds);
        const names = new Set(crds.map((crd) => crd.metadata.name));
        state.crds = (await listCrds(client)).filter((crd) => names.has(crd.name));
      } finally {
        client.close();
      }
    }
    return state;
  } catch (err) {
    await stopControlPlane(state.processes, plane.dir);
    await rm(join(stateDir, STATE_FILE), { force: true });
    throw err;
  }
}

async function waitForFakeNode(
  plane: { server: string; token: string; ca: string },
  logFile: string,
  pid: number,
): Promise<void> {
  const client = new RestClient({ server: plane.server, token: plane.token, ca: plane.ca });
  try {
    for (let i = 0; i < 200; i++) {
      if (!isAlive(pid))
        throw new ProcessDiedError(`pod-simulator exited while starting; last log lines:\n${logTail(logFile)}`);
      try {
        await client.request('GET', '/api/v1/nodes/fluxts-node');
        return;
      } catch {
        await sleep(100);
      }
    }
    throw new ProcessDiedError(`pod-simulator did not register its node; last log lines:\n${logTail(logFile)}`);
  } finally {
    client.close();
  }
}

/**
 * stateDirForKubeconfig finds the state directory of the dev cluster a kubeconfig was written for (recorded in it by
 * startDevCluster), for `fluxts cluster stop|status --kubeconfig`.
 */
export async function stateDirForKubeconfig(kubeconfig: string): Promise<string> {
  const dir = await stateDirOf(kubeconfig).catch((cause: unknown) => {
    throw new FluxtsError(`kubeconfig ${kubeconfig} cannot be read`, { cause });
  });
  if (dir === undefined) {
    throw new FluxtsError(`kubeconfig ${kubeconfig} was not written by \`fluxts cluster start\``, {
      hint: 'pass the --state-dir the cluster was started with',
    });
  }
  return dir;
}

/** stopDevCluster stops every process recorded in the state directory and removes the cluster's data. */
export async function stopDevCluster(stateDir = defaultStateDir()): Promise<DevClusterState | undefined> {
  const state = await readState(resolve(stateDir));
  if (!state) return undefined;
  await stopControlPlane(state.processes, state.dir);
  await rm(join(resolve(stateDir), STATE_FILE), { force: true });
  return state;
}

/** ProcessStatus is one line of `fluxts cluster status`. */
export interface ProcessStatus extends ProcessRecord {
  alive: boolean;
  /** The tail of the log when the process is gone. */
  logTail?: string;
}

/** devClusterStatus reports each recorded process, with its log tail when it died. */
export async function devClusterStatus(
  stateDir = defaultStateDir(),
): Promise<{ state: DevClusterState; processes: ProcessStatus[] } | undefined> {
  const state = await readState(resolve(stateDir));
  if (!state) return undefined;
  const processes = state.processes.map((p) => {
    const alive = isAlive(p.pid);
    return alive ? { ...p, alive } : { ...p, alive, logTail: logTail(p.logFile, 10) };
  });
  return { state, processes };
}

/** readState returns the recorded dev cluster of a state directory, if any. */
export async function readState(stateDir: string): Promise<DevClusterState | undefined> {
  const file = join(stateDir, STATE_FILE);
  if (!existsSync(file)) return undefined;
  return JSON.parse(await readFile(file, 'utf8')) as DevClusterState;
}

/** writeState records the cluster in `<stateDir>/cluster.json`. */
export async function writeState(stateDir: string, state: DevClusterState): Promise<void> {
  await writeFile(join(stateDir, STATE_FILE), JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
}
