// Entry point of the pod-simulator process started by startDevCluster. Arguments: the cluster state file and the
// pid of the owning process (0 for none). It doubles as the reaper: when the owner dies, however it dies, it stops
// the whole control plane, so an interrupted test run leaves no stray process.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { parse } from 'yaml';

import type { DevClusterState } from './cluster.ts';
import { stopControlPlane } from './control-plane.ts';
import { SERVICE_CIDR } from './control-plane.ts';
import { FAKE_NODE, HOST_IP, PodSimulator } from './pod-simulator.ts';
import { PodRunner } from './pods/pod-runner.ts';
import { isAlive } from './processes.ts';
import { RestClient } from './rest.ts';

interface Kubeconfig {
  clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
  users: { user: { token: string } }[];
}

const [stateFile, ownerArg] = process.argv.slice(2);
if (!stateFile) throw new Error('usage: pod-simulator-main.ts STATE_FILE OWNER_PID');
const state = JSON.parse(readFileSync(stateFile, 'utf8')) as DevClusterState;
const kubeconfig = parse(readFileSync(state.kubeconfig, 'utf8')) as Kubeconfig;
const cluster = kubeconfig.clusters[0]?.cluster;
const token = kubeconfig.users[0]?.user.token;
if (!cluster || !token) throw new Error(`${state.kubeconfig}: no cluster or token`);
const client = new RestClient({
  server: cluster.server,
  token,
  ca: Buffer.from(cluster['certificate-authority-data'], 'base64').toString('utf8'),
});
// `--run-pods` (state.runPods): pods of images in the local OCI layout run under runc (pods/pod-runner.ts).
const runner = state.runPods
  ? new PodRunner({
      client,
      runDir: join(state.dir, 'pods'),
      nodeName: FAKE_NODE,
      nodeIP: HOST_IP,
      serviceCidr: SERVICE_CIDR,
      apiserverPort: Number(new URL(cluster.server).port),
    })
  : undefined;
const simulator = new PodSimulator(client, runner);
await simulator.start();
process.stderr.write(`[pod-simulator] running against ${cluster.server}\n`);

const shutdown = async (): Promise<void> => {
  await simulator.stop();
  client.close();
  process.exit(0);
};
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());

const ownerPid = Number(ownerArg ?? 0);
if (ownerPid > 0) {
  const timer = setInterval(() => {
    if (isAlive(ownerPid)) return;
    clearInterval(timer);
    process.stderr.write(`[pod-simulator] owner ${ownerPid} is gone: stopping the control plane\n`);
    // The state file as it is now: a process restarted since the start (the chaos tests restart the apiserver)
    // is recorded there under its new pid.
    const latest = readLatestState() ?? state;
    void simulator
      .stop()
      .then(() =>
        stopControlPlane(
          latest.processes.filter((p) => p.pid !== process.pid),
          latest.dir,
        ),
      )
      .finally(() => process.exit(0));
  }, 500);
}

function readLatestState(): DevClusterState | undefined {
  try {
    return JSON.parse(readFileSync(stateFile ?? '', 'utf8')) as DevClusterState;
  } catch {
    return undefined;
  }
}
