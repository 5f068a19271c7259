import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync, existsSync } from 'node:fs';

import { FluxtsError } from '../util/errors.ts';

/** ProcessDiedError reports a control-plane process that exited, with the tail of its log. */
export class ProcessDiedError extends FluxtsError {}

/** ManagedProcess is a control-plane process started by the dev cluster, logging to a file. */
export interface ManagedProcess {
  name: string;
  pid: number;
  logFile: string;
  /** exited resolves with the exit code (or signal name) when the process ends. */
  exited: Promise<string>;
}

/**
 * startProcess spawns a program (argv, no shell) in its own process group with stdout and stderr appended to
 * logFile. Its own group lets stop kill the program together with anything it spawned; `unref` lets a detached
 * `fluxts cluster start` return while the program keeps running.
 */
export function startProcess(
  name: string,
  command: string,
  args: string[],
  logFile: string,
  env?: NodeJS.ProcessEnv,
): ManagedProcess {
  const fd = openSync(logFile, 'a');
  const child = spawn(command, args, { detached: true, stdio: ['ignore', fd, fd], env: env ?? process.env });
  closeSync(fd);
  child.unref();
  if (child.pid === undefined) throw new ProcessDiedError(`${name}: could not start ${command}`);
  const exited = new Promise<string>((resolve) => {
    child.on('exit', (code, signal) => resolve(signal ?? String(code)));
    child.on('error', (err) => resolve(err.message));
  });
  return { name, pid: child.pid, logFile, exited };
}

/** logTail returns the last lines of a log file, for error messages about a process that died. */
export function logTail(logFile: string, lines = 20): string {
  if (!existsSync(logFile)) return '(no log)';
  const text = readFileSync(logFile, 'utf8').trimEnd().split('\n');
  return text.slice(-lines).join('\n');
}

/** isAlive is true while a process with this pid exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * stopProcess sends SIGTERM to the process group, waits up to graceMs, then SIGKILLs what is left. It waits until
 * the process is gone, so no stray process outlives a stop.
 */
export async function stopProcess(pid: number, graceMs = 5_000): Promise<void> {
  const signalGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-pid, signal);
    } catch {
      try {
        process.kill(pid, signal);
      } catch {
        // already gone
      }
    }
  };
  if (!isAlive(pid)) return;
  signalGroup('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(50);
  if (isAlive(pid)) signalGroup('SIGKILL');
  while (isAlive(pid)) await sleep(20);
}

/** sleep resolves after ms milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
