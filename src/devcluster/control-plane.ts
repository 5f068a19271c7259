import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { FluxtsError } from '../util/errors.ts';
import type { ControlPlaneBinaries } from './build.ts';
import { generateCredentials } from './credentials.ts';
import { writeKubeconfig } from './kubeconfig.ts';
import { choosePort, freePort } from './ports.ts';
import { logTail, type ManagedProcess, ProcessDiedError, sleep, startProcess, stopProcess } from './processes.ts';
import { ETCD_DIR_PREFIX, sweepOrphanedEtcdDirs } from './etcd-sweep.ts';
import { RestClient } from './rest.ts';

/** ControlPlaneError says which step of bringing the control plane up failed. */
export class ControlPlaneError extends FluxtsError {}

/** ProcessRecord is what the state file keeps of each running process. */
export interface ProcessRecord {
  name: string;
  pid: number;
  logFile: string;
  /**
   * dataDir is a directory of the process outside the cluster directory (etcd's store on `/dev/shm`), removed by
   * stopControlPlane: the process that created it has usually exited by then (`fluxts cluster start` returns).
   */
  dataDir?: string;
}

/** ControlPlane describes a running etcd + kube-apiserver + kube-controller-manager. */
export interface ControlPlane {
  /** Directory holding credentials, certificates, etcd data and logs. */
  dir: string;
  server: string;
  token: string;
  /** PEM bundle of the apiserver's self-signed serving certificate and its CA. */
  ca: string;
  processes: ProcessRecord[];
}

/** The kube-controller-manager controllers the dev cluster runs: workloads, garbage collection, namespaces. */
const KCM_CONTROLLERS = [
  'garbage-collector-controller',
  'namespace-controller',
  'deployment-controller',
  'replicaset-controller',
  'statefulset-controller',
  'daemonset-controller',
  'job-controller',
  'cronjob-controller',
  'ttl-after-finished-controller',
  'serviceaccount-controller',
  'serviceaccount-token-controller',
  'root-ca-certificate-publisher-controller',
  'endpointslice-controller',
  'disruption-controller',
  'horizontal-pod-autoscaler-controller',
  'persistentvolume-binder-controller',
  'persistentvolumeclaim-protection-controller',
  'persistentvolume-protection-controller',
  'resourcequota-controller',
];

/** SERVICE_CIDR is the Service range: room for thousands of Services; pods that run for real route it locally. */
export const SERVICE_CIDR = '10.96.0.0/12';

const START_TIMEOUT_MS = 120_000;
const PORT_ATTEMPTS = 3;

/**
 * startControlPlane starts etcd, kube-apiserver and kube-controller-manager on free loopback ports with fresh
 * credentials and waits until the apiserver is ready and the `default` namespace exists. The processes keep running
 * after this call returns; stop them with stopControlPlane. Any failure stops what was started and reports the
 * failing process with the tail of its log.
 */
export interface ControlPlaneOptions {
  /** Parent of the cluster's directory; the system temp dir by default. */
  parentDir?: string;
  /** Port the apiserver should listen on when it is free; another free port otherwise. */
  apiserverPort?: number;
}

export async function startControlPlane(
  bins: ControlPlaneBinaries,
  options: ControlPlaneOptions = {},
): Promise<ControlPlane> {
  const { parentDir } = options;
  const dir = await mkdtemp(join(parentDir ?? tmpdir(), 'fluxts-cp-'));
  const started: ManagedProcess[] = [];
  try {
    const credentials = await generateCredentials(dir);
    const etcd = await withPortRetry('etcd', async () => startEtcd(bins.etcd, dir, started));
    const etcdUrl = etcd.url;
    let preferredPort = options.apiserverPort;
    const { server, ca } = await withPortRetry('kube-apiserver', async () => {
      const port = await choosePort(preferredPort);
      preferredPort = undefined; // a retry means it was taken after all
      const certDir = join(dir, 'pki');
      await mkdir(certDir, { recursive: true });
      const apiserver = startProcess(
        'kube-apiserver',
        bins.kubeApiserver,
        [
          `--etcd-servers=${etcdUrl}`,
          '--bind-address=127.0.0.1',
          `--secure-port=${port}`,
          `--cert-dir=${certDir}`,
          `--token-auth-file=${credentials.tokenFile}`,
          '--authorization-mode=RBAC',
          // Room for thousands of Services (a /24 runs out at 254, e.g. in the 1,000-Kustomization benchmark).
          `--service-cluster-ip-range=${SERVICE_CIDR}`,
          '--allow-privileged=true',
          `--service-account-issuer=https://127.0.0.1:${port}`,
          `--service-account-key-file=${credentials.serviceAccountPublicKey}`,
          `--service-account-signing-key-file=${credentials.serviceAccountKey}`,
          // No kubelet serves pods, so the "kubernetes" Service needs no reachable endpoint.
          '--endpoint-reconciler-type=none',
          '--enable-priority-and-fairness=false',
          '--profiling=false',
        ],
        join(dir, 'kube-apiserver.log'),
      );
      started.push(apiserver);
      const url = `https://127.0.0.1:${port}`;
      await waitFor(apiserver, async () => {
        const probe = new RestClient({ server: url, token: credentials.adminToken, ca: undefined });
        try {
          const text = await probe.request<string>('GET', '/readyz', { timeoutMs: 5_000 });
          return text === 'ok';
        } finally {
          probe.close();
        }
      });
      return { server: url, ca: await readFile(join(certDir, 'apiserver.crt'), 'utf8') };
    });
    const client = new RestClient({ server, token: credentials.adminToken, ca });
    try {
      await waitForDefaultNamespace(client, started);
    } finally {
      client.close();
    }
    const kubeconfig = join(dir, 'admin.kubeconfig');
    await writeKubeconfig(kubeconfig, { server, token: credentials.adminToken, ca });
    await withPortRetry('kube-controller-manager', async () => {
      const port = await freePort();
      const kcm = startProcess(
        'kube-controller-manager',
        bins.kubeControllerManager,
        [
          `--kubeconfig=${kubeconfig}`,
          `--authentication-kubeconfig=${kubeconfig}`,
          `--authorization-kubeconfig=${kubeconfig}`,
          `--controllers=${KCM_CONTROLLERS.join(',')}`,
          '--leader-elect=false',
          '--use-service-account-credentials=false',
          `--service-account-private-key-file=${credentials.serviceAccountKey}`,
          `--root-ca-file=${join(dir, 'pki', 'apiserver.crt')}`,
          '--bind-address=127.0.0.1',
          `--secure-port=${port}`,
          '--concurrent-gc-syncs=5',
          // client-go's default 20 qps throttles kube-controller-manager long before a loopback apiserver is busy,
          // which would make workload status (and so health checks) lag behind under a thousand Kustomizations.
          '--kube-api-qps=500',
          '--kube-api-burst=1000',
          '--concurrent-deployment-syncs=10',
          '--concurrent-replicaset-syncs=10',
          '--namespace-sync-period=10s',
        ],
        join(dir, 'kube-controller-manager.log'),
      );
      started.push(kcm);
      const probeUrl = `https://127.0.0.1:${port}`;
      await waitFor(kcm, async () => {
        const probe = new RestClient({ server: probeUrl, token: credentials.adminToken, ca: undefined });
        try {
          return (await probe.request<string>('GET', '/healthz', { timeoutMs: 5_000 })) === 'ok';
        } finally {
          probe.close();
        }
      });
    });
    return {
      dir,
      server,
      token: credentials.adminToken,
      ca,
      processes: started.map(({ name, pid, logFile }) =>
        name === 'etcd' ? { name, pid, logFile, dataDir: etcd.dataDir } : { name, pid, logFile },
      ),
    };
  } catch (err) {
    await Promise.all(started.map((p) => stopProcess(p.pid)));
    throw err;
  }
}

/** stopControlPlane stops every process (controller manager first, etcd last) and removes the data directory. */
export async function stopControlPlane(processes: readonly ProcessRecord[], dir: string | undefined): Promise<void> {
  for (const record of [...processes].reverse()) await stopProcess(record.pid);
  for (const record of processes) if (record.dataDir) await rm(record.dataDir, { recursive: true, force: true });
  if (dir) await rm(dir, { recursive: true, force: true });
}

async function startEtcd(
  binary: string,
  dir: string,
  started: ManagedProcess[],
): Promise<{ url: string; dataDir: string }> {
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const clientUrl = `http://127.0.0.1:${clientPort}`;
  // Data on tmpfs when the machine has one: etcd fsyncs a lot, and this store is thrown away anyway.
  const onShm = await isDir('/dev/shm');
  if (onShm) await sweepOrphanedEtcdDirs();
  const dataDir = await mkdtemp(join(onShm ? '/dev/shm' : dir, ETCD_DIR_PREFIX));
  const etcd = startProcess(
    'etcd',
    binary,
    [
      `--data-dir=${dataDir}`,
      `--listen-client-urls=${clientUrl}`,
      `--advertise-client-urls=${clientUrl}`,
      `--listen-peer-urls=http://127.0.0.1:${peerPort}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
      `--initial-cluster=default=http://127.0.0.1:${peerPort}`,
      '--unsafe-no-fsync=true',
      '--log-level=warn',
      '--quota-backend-bytes=8589934592',
    ],
    join(dir, 'etcd.log'),
  );
  started.push(etcd);
  // Removed here when etcd exits while this process lives (tests), else by stopControlPlane from the state file.
  void etcd.exited.then(() => rm(dataDir, { recursive: true, force: true }));
  await waitFor(etcd, async () => {
    const res = await fetch(`${clientUrl}/health`, { signal: AbortSignal.timeout(2_000) });
    return res.ok;
  });
  return { url: clientUrl, dataDir };
}

async function isDir(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * withPortRetry retries a start when the process died because its port was taken between choosing and binding it.
 */
async function withPortRetry<T>(name: string, start: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (err) {
      const portTaken = err instanceof ProcessDiedError && /address already in use/i.test(err.message);
      if (!portTaken || attempt >= PORT_ATTEMPTS) throw err;
      process.stderr.write(`[fluxts cluster] ${name}: port taken, retrying on another port\n`);
    }
  }
}

/**
 * waitFor polls ready() until it returns true; it fails fast with the log tail when the process exits first, and
 * with a timeout error naming the process otherwise.
 */
async function waitFor(proc: ManagedProcess, ready: () => Promise<boolean>): Promise<void> {
  let exit: string | undefined;
  void proc.exited.then((code) => (exit = code));
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exit !== undefined) {
      await sleep(100); // let the last log lines land
      throw new ProcessDiedError(
        `${proc.name} exited (${exit}) while starting; last log lines:\n${logTail(proc.logFile)}`,
      );
    }
    try {
      if (await ready()) return;
    } catch {
      // not up yet
    }
    await sleep(250);
  }
  await stopProcess(proc.pid);
  throw new ControlPlaneError(
    `${proc.name} not ready after ${START_TIMEOUT_MS / 1000}s; last log lines:\n${logTail(proc.logFile)}`,
  );
}

async function waitForDefaultNamespace(client: RestClient, started: ManagedProcess[]): Promise<void> {
  const apiserver = started.find((p) => p.name === 'kube-apiserver');
  if (!apiserver) return;
  await waitFor(apiserver, async () => {
    await client.request('GET', '/api/v1/namespaces/default');
    return true;
  });
}
