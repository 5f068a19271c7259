// Stopping one process of a running dev cluster and starting it again with the same command line: what an
// apiserver restart (an upgrade, a crash, a control-plane node reboot) looks like to the controllers. Used by the
// chaos tests and the soak; Linux only, since the command line is read from /proc.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';

import { FluxtsError } from '../util/errors.ts';
import { readState, writeState } from './cluster.ts';
import { startProcess, stopProcess } from './processes.ts';

/** StoppedProcess is a control-plane process that was stopped and can be started again. */
export interface StoppedProcess {
  name: string;
  /** start runs the same command line again (same ports, same data) and records the new pid in the state. */
  start(): Promise<void>;
}

/**
 * stopClusterProcess stops the named process (e.g. `kube-apiserver`) of the dev cluster in stateDir, keeping its
 * command line and environment to start it again. Its open connections are reset, as a real restart does.
 */
export async function stopClusterProcess(stateDir: string, name: string): Promise<StoppedProcess> {
  const dir = resolve(stateDir);
  const state = await readState(dir);
  const record = state?.processes.find((p) => p.name === name);
  if (!state || !record) throw new FluxtsError(`no process ${name} in the dev cluster at ${dir}`);
  const split = (text: string): string[] => text.split('\0').filter((s) => s !== '');
  const [argv, environ] = await Promise.all([
    readFile(`/proc/${record.pid}/cmdline`, 'utf8'),
    readFile(`/proc/${record.pid}/environ`, 'utf8'),
  ]).catch((cause: unknown) => {
    throw new FluxtsError(`${name} (pid ${record.pid}) is not running`, { cause });
  });
  const [command, ...args] = split(argv);
  if (!command) throw new FluxtsError(`${name} (pid ${record.pid}): empty command line`);
  const env = Object.fromEntries(
    split(environ).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)] as const),
  );
  await stopProcess(record.pid);
  return {
    name,
    async start() {
      const started = startProcess(name, command, args, record.logFile, env);
      const latest = (await readState(dir)) ?? state;
      latest.processes = latest.processes.map((p) => (p.name === name ? { ...p, pid: started.pid } : p));
      await writeState(dir, latest);
    },
  };
}
