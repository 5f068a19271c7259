// One way to run a test server as a child process (versitygw, fake-gcs-server, Azurite, the distribution registry,
// nats-server, sshd): spawn it, keep the tail of its stderr for error messages, wait until its port accepts TCP
// connections, and stop it (SIGTERM, then SIGKILL after a grace period) on every path, so no test leaves one behind.
import { type ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';

export interface ServerProcessOptions {
  /** name says which server in errors ("versitygw did not listen on 4312: …"). */
  name: string;
  /** port is the loopback TCP port the server listens on once it is ready. */
  port: number;
  /** readyTimeoutMs bounds the wait for the port (a loaded machine starts Azurite in seconds). */
  readyTimeoutMs?: number;
  /** cleanup runs after the process has exited (temporary directories, helper servers). */
  cleanup?: () => void | Promise<void>;
}

export interface ServerProcess {
  child: ChildProcess;
  /** stderr is the last 4 KiB the server wrote to stderr. */
  stderr: () => string;
  /** stop ends the server and runs the cleanup; calling it again does nothing more. */
  stop: () => Promise<void>;
}

/**
 * startServerProcess spawns `command args` and resolves once its port accepts connections. When the server exits
 * early or does not listen in time it is stopped, cleaned up, and the error carries its stderr.
 *
 * @example const server = await startServerProcess(binary, ['--port', String(port)], { name: 'nats-server', port });
 */
export async function startServerProcess(
  command: string,
  args: string[],
  opts: ServerProcessOptions,
): Promise<ServerProcess> {
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let tail = '';
  child.stderr?.on('data', (c: Buffer) => (tail = (tail + c.toString()).slice(-4000)));
  // A test runner that dies mid-test must not leave the server running.
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      process.removeListener('exit', killOnExit);
      await terminate(child);
      await opts.cleanup?.();
    })());
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 30_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error(`${opts.name} exited (${child.exitCode ?? child.signalCode}): ${tail}`);
    }
    if (await portOpen(opts.port)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${opts.name} did not listen on 127.0.0.1:${opts.port}: ${tail}`);
    }
    await new Promise((ok) => setTimeout(ok, 100));
  }
  return { child, stderr: () => tail, stop };
}

/** portOpen says whether something accepts TCP connections on 127.0.0.1:port. */
export function portOpen(port: number): Promise<boolean> {
  return new Promise((ok) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), ok(true)));
    s.once('error', () => ok(false));
  });
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((ok) => setTimeout(ok, 5000))]);
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await exited;
  }
}
