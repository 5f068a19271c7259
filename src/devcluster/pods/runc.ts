// One container under runc (Debian's runc, run as root): an OCI runtime-spec bundle written from plain options, and
// `runc run` in the foreground so that its exit is the container's exit, with the container's output appended to a
// log file. crun 1.8 refuses this machine's hybrid cgroup layout; runc accepts it (see deploy/README.md).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { FluxtsError } from '../../util/errors.ts';

/** ContainerRuntimeError: runc is missing or refused a container. */
export class ContainerRuntimeError extends FluxtsError {}

export interface Mount {
  destination: string;
  source: string;
  readOnly?: boolean;
}

/** ContainerOptions are what the spec is written from: a kubelet's view of one container, resolved. */
export interface ContainerOptions {
  /** A unique id (runc's container id). */
  id: string;
  rootfs: string;
  readOnlyRootfs: boolean;
  args: string[];
  env: string[];
  cwd: string;
  uid: number;
  gid: number;
  additionalGids?: number[];
  hostname: string;
  /** The network namespace to join (`/proc/<pid>/ns/net` of the pod's sandbox); a new one when absent. */
  netns?: string;
  mounts: Mount[];
  /** Capabilities kept (Kubernetes' `drop: [ALL]` keeps none). */
  capabilities: string[];
  noNewPrivileges: boolean;
  /** Memory limit in bytes and CPU limit in millicores, enforced by the container's cgroup. */
  memoryLimit?: number;
  cpuMillis?: number;
}

/** RUNC_ROOT keeps this machine's fluxts containers apart from any other runc user. */
export const RUNC_ROOT = '/run/fluxts-runc';

/** runcAvailable says whether runc can be used here (installed, and running as root). */
export function runcAvailable(): boolean {
  return process.getuid?.() === 0 && spawnSync('runc', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** runtimeSpec is the OCI runtime configuration (runtime-spec `config.md`) of a container. */
export function runtimeSpec(o: ContainerOptions): Record<string, unknown> {
  const caps = o.capabilities.map((c) => (c.startsWith('CAP_') ? c : `CAP_${c}`));
  const dev = (destination: string, type: string, source: string, options: string[]): Record<string, unknown> => ({
    destination,
    type,
    source,
    options,
  });
  return {
    ociVersion: '1.0.2',
    process: {
      terminal: false,
      user: { uid: o.uid, gid: o.gid, ...(o.additionalGids?.length ? { additionalGids: o.additionalGids } : {}) },
      args: o.args,
      env: o.env,
      cwd: o.cwd,
      capabilities: { bounding: caps, effective: caps, permitted: caps, inheritable: [], ambient: [] },
      noNewPrivileges: o.noNewPrivileges,
    },
    root: { path: o.rootfs, readonly: o.readOnlyRootfs },
    hostname: o.hostname,
    mounts: [
      dev('/proc', 'proc', 'proc', []),
      dev('/dev', 'tmpfs', 'tmpfs', ['nosuid', 'strictatime', 'mode=755', 'size=65536k']),
      dev('/dev/pts', 'devpts', 'devpts', ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620']),
      dev('/dev/shm', 'tmpfs', 'shm', ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k']),
      dev('/dev/mqueue', 'mqueue', 'mqueue', ['nosuid', 'noexec', 'nodev']),
      dev('/sys', 'sysfs', 'sysfs', ['nosuid', 'noexec', 'nodev', 'ro']),
      ...o.mounts.map((m) => ({
        destination: m.destination,
        type: 'bind',
        source: m.source,
        options: ['rbind', 'nosuid', 'nodev', m.readOnly ? 'ro' : 'rw'],
      })),
    ],
    linux: {
      namespaces: [
        { type: 'pid' },
        { type: 'ipc' },
        { type: 'uts' },
        { type: 'mount' },
        o.netns ? { type: 'network', path: o.netns } : { type: 'network' },
      ],
      resources: {
        devices: [{ allow: false, access: 'rwm' }],
        ...(o.memoryLimit ? { memory: { limit: o.memoryLimit } } : {}),
        ...(o.cpuMillis ? { cpu: { quota: o.cpuMillis * 100, period: 100_000 } } : {}),
      },
      maskedPaths: [
        '/proc/acpi',
        '/proc/asound',
        '/proc/kcore',
        '/proc/keys',
        '/proc/latency_stats',
        '/proc/timer_list',
        '/proc/timer_stats',
        '/proc/sched_debug',
        '/sys/firmware',
        '/proc/scsi',
      ],
      readonlyPaths: ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'],
    },
  };
}

/** RunningContainer is a container whose `runc run` is in flight. */
export interface RunningContainer {
  id: string;
  /** Resolves with the container's exit code (128 + signal when killed) once it has exited and been deleted. */
  exited: Promise<number>;
  /** kill sends a signal to the container's init (through tini, to the controller). */
  kill(signal: 'TERM' | 'KILL'): void;
  /** pid of the container's init on the host, once started; for memory readings. */
  pid(): number | undefined;
}

/** runContainer writes the bundle under `bundleDir` and starts the container; its output goes to `logFile`. */
export async function runContainer(o: ContainerOptions, bundleDir: string, logFile: string): Promise<RunningContainer> {
  await mkdir(bundleDir, { recursive: true });
  await mkdir(RUNC_ROOT, { recursive: true });
  await writeFile(join(bundleDir, 'config.json'), JSON.stringify(runtimeSpec(o), null, 2));
  const log = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn('runc', ['--root', RUNC_ROOT, 'run', '--bundle', bundleDir, o.id], {
      stdio: ['ignore', log, log],
      detached: true,
    });
  } finally {
    closeSync(log);
  }
  const exited = new Promise<number>((resolve) => {
    child.on('error', () => resolve(127));
    child.on('close', (code, signal) => {
      // runc leaves the container's state behind when it is killed itself; a new run of the same id needs it gone.
      spawnSync('runc', ['--root', RUNC_ROOT, 'delete', '--force', o.id], { stdio: 'ignore' });
      resolve(code ?? 128 + (signal === 'SIGKILL' ? 9 : 15));
    });
  });
  return {
    id: o.id,
    exited,
    kill: (signal) => {
      spawnSync('runc', ['--root', RUNC_ROOT, 'kill', o.id, signal], { stdio: 'ignore' });
    },
    pid: () => {
      const state = join(RUNC_ROOT, o.id, 'state.json');
      if (!existsSync(state)) return undefined;
      const r = spawnSync('runc', ['--root', RUNC_ROOT, 'state', o.id], { encoding: 'utf8' });
      if (r.status !== 0) return undefined;
      return (JSON.parse(r.stdout) as { pid?: number }).pid;
    },
  };
}

/**
 * containerMemoryBytes reads a running container's memory use from its cgroup (v1 `memory.usage_in_bytes`, or v2
 * `memory.current`), as runc recorded the cgroup in its state; undefined when the container is not running.
 */
export function containerMemoryBytes(id: string): number | undefined {
  const state = join(RUNC_ROOT, id, 'state.json');
  if (!existsSync(state)) return undefined;
  const paths =
    (JSON.parse(readFileSync(state, 'utf8')) as { cgroup_paths?: Record<string, string> }).cgroup_paths ?? {};
  for (const file of [
    paths['memory'] && join(paths['memory'], 'memory.usage_in_bytes'),
    paths[''] && join(paths[''], 'memory.current'),
  ]) {
    if (file && existsSync(file)) return Number(readFileSync(file, 'utf8').trim());
  }
  return undefined;
}
