// Controllers as real processes (`fluxts controller …`), for faults that only a process can suffer: SIGKILL in the
// middle of work, a restart, a replica taking over a lease. Each process logs to a file (read for failures and
// for the leader's lease line) and is killed with its group when the test ends, whatever happens.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { freePort } from '../../src/devcluster/ports.ts';
import { isAlive, stopProcess } from '../../src/devcluster/processes.ts';

const BIN = fileURLToPath(new URL('../../bin/fluxts.js', import.meta.url));

/** ControllerProcessSpec says which controllers run, against what, with which flags. */
export interface ControllerProcessSpec {
  controllers: readonly string[];
  kubeconfig: string;
  /** namespace is the runtime namespace (RUNTIME_NAMESPACE): the only one watched, and where leases live. */
  namespace: string;
  /** storageDir and storagePort are the source-controller's, fixed across restarts as a PersistentVolume is. */
  storageDir?: string;
  storagePort?: number;
  extraArgs?: readonly string[];
  /** logDir receives `<name>.log`. */
  logDir: string;
  name: string;
  /** wrap runs the command through another program, e.g. `['unshare', …, '--']`. */
  wrap?: readonly string[];
}

/** ControllerProcess is one running (or killed) controller process. */
export interface ControllerProcess {
  readonly pid: number;
  readonly metricsPort: number;
  readonly logFile: string;
  /** exited resolves with the exit code or signal when the process ends. */
  readonly exited: Promise<string>;
  kill(signal: NodeJS.Signals): void;
  /** log returns the process's log so far. */
  log(): string;
  /** stop SIGTERMs the process group, SIGKILLs after a grace period, and waits until it is gone. */
  stop(): Promise<void>;
}

/** startControllerProcess spawns `fluxts controller <names…>` with Flux's flags and the spec's. */
export async function startControllerProcess(spec: ControllerProcessSpec): Promise<ControllerProcess> {
  const metricsPort = await freePort();
  const args = [
    BIN,
    'controller',
    ...spec.controllers,
    `--kubeconfig=${spec.kubeconfig}`,
    `--metrics-addr=127.0.0.1:${metricsPort}`,
    '--health-addr=127.0.0.1:0',
    '--watch-all-namespaces=false',
    '--max-retry-delay=2s',
    '--requeue-dependency=2s',
    ...(spec.storageDir ? [`--storage-path=${spec.storageDir}`] : []),
    ...(spec.storagePort ? [`--storage-addr=127.0.0.1:${spec.storagePort}`] : []),
    ...(spec.extraArgs ?? []),
  ];
  const logFile = join(spec.logDir, `${spec.name}.log`);
  const fd = openSync(logFile, 'a');
  const [command, ...prefix] = spec.wrap ?? [];
  const child = spawn(command ?? process.execPath, [...prefix, ...(command ? [process.execPath] : []), ...args], {
    detached: true,
    stdio: ['ignore', fd, fd],
    env: { ...process.env, RUNTIME_NAMESPACE: spec.namespace },
  });
  closeSync(fd);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${spec.name}: could not start ${BIN}`);
  const exited = new Promise<string>((resolve) => {
    child.on('exit', (code, signal) => resolve(signal ?? String(code)));
    child.on('error', (err) => resolve(err.message));
  });
  // A test process that dies before its `after` hooks must not leave a controller running against the cluster.
  const reap = (): void => {
    if (isAlive(pid)) process.kill(-pid, 'SIGKILL');
  };
  process.once('exit', reap);
  return {
    pid,
    metricsPort,
    logFile,
    exited,
    kill(signal) {
      // The whole group: the wrapper (unshare) and node together.
      process.kill(-pid, signal);
    },
    log: () => readFileSync(logFile, 'utf8'),
    async stop() {
      process.off('exit', reap);
      await stopProcess(pid);
      await exited;
    },
  };
}

/** scrapeReconcileCounts reads `gotk_reconcile_duration_seconds_count` per `Kind/name` from a process's /metrics. */
export async function scrapeReconcileCounts(metricsPort: number, namespace: string): Promise<Map<string, number>> {
  const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`, { signal: AbortSignal.timeout(5_000) });
  const text = await res.text();
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('gotk_reconcile_duration_seconds_count{')) continue;
    const labels = Object.fromEntries(
      [...line.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1] ?? '', m[2] ?? ''] as const),
    );
    if (labels['namespace'] !== namespace) continue;
    out.set(`${labels['kind'] ?? ''}/${labels['name'] ?? ''}`, Number(line.slice(line.lastIndexOf(' ') + 1)));
  }
  return out;
}
