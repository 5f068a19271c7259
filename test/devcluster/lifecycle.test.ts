// Start/stop of separate dev clusters: a taken port, a dying process, an owner that is killed. Each case starts
// its own small control plane (a few seconds warm), never the run's shared one.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { devClusterStatus, readState, startDevCluster, stopDevCluster } from '../../src/devcluster/cluster.ts';
import { isAlive } from '../../src/devcluster/processes.ts';
import { eventually } from '../support/eventually.ts';

const quiet = (): void => undefined;
const FLUXTS = fileURLToPath(new URL('../../bin/fluxts.js', import.meta.url));

/** fluxts runs the CLI in its own process (so nothing it starts can be cleaned up by this one) and checks it. */
function fluxts(args: string[], cwd: string): string {
  const r = spawnSync(process.execPath, [FLUXTS, ...args], { cwd, encoding: 'utf8' });
  assert.equal(r.status, 0, `fluxts ${args.join(' ')} failed:\n${r.stderr}`);
  return r.stdout;
}

async function tempStateDir(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'fluxts-lifecycle-'));
  t.after(async () => {
    await stopDevCluster(dir);
    await rm(dir, { recursive: true, force: true });
  });
  return dir;
}

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

describe('dev cluster lifecycle', { concurrency: false }, () => {
  test('stop leaves no process behind', async (t) => {
    const dir = await tempStateDir(t);
    const state = await startDevCluster({ stateDir: dir, crds: false, progress: quiet });
    assert.deepEqual(
      state.processes.map((p) => p.name),
      ['etcd', 'kube-apiserver', 'kube-controller-manager', 'pod-simulator'],
    );
    assert.ok(state.processes.every((p) => isAlive(p.pid)));
    await stopDevCluster(dir);
    assert.deepEqual(
      state.processes.filter((p) => isAlive(p.pid)).map((p) => p.name),
      [],
    );
    assert.equal(await readState(dir), undefined);
  });

  test('cluster start/stop from the CLI releases the etcd data, and stop finds the cluster by --kubeconfig', async (t) => {
    const dir = await tempStateDir(t);
    const kubeconfig = join(dir, 'elsewhere', 'kubeconfig');
    fluxts(['cluster', 'start', '--state-dir', dir, '--kubeconfig', kubeconfig, '--no-crds'], dir);
    const state = await readState(dir);
    const etcd = state?.processes.find((p) => p.name === 'etcd');
    assert.ok(etcd?.dataDir !== undefined && existsSync(etcd.dataDir), 'etcd data directory recorded');
    // From another directory: the default state directory is not this cluster's.
    assert.match(fluxts(['cluster', 'stop', '--kubeconfig', kubeconfig], tmpdir()), /stopped the control plane/u);
    assert.deepEqual(
      state?.processes.filter((p) => isAlive(p.pid)).map((p) => p.name),
      [],
    );
    assert.equal(existsSync(etcd.dataDir), false, `${etcd.dataDir} was left behind (on /dev/shm: RAM)`);
    assert.equal(await readState(dir), undefined);
  });

  test('a cluster killed without a stop releases its data when the next one starts', async (t) => {
    const dir = await tempStateDir(t);
    fluxts(['cluster', 'start', '--state-dir', dir, '--no-crds'], dir);
    const dead = await readState(dir);
    const etcd = dead?.processes.find((p) => p.name === 'etcd');
    assert.ok(etcd?.dataDir !== undefined);
    for (const p of dead?.processes ?? []) process.kill(p.pid, 'SIGKILL');
    await eventually('all killed', () => (dead?.processes.some((p) => isAlive(p.pid)) ? undefined : true));
    assert.ok(existsSync(etcd.dataDir), 'nobody removed it yet');
    fluxts(['cluster', 'start', '--state-dir', dir, '--no-crds'], dir);
    assert.equal(existsSync(etcd.dataDir), false);
    fluxts(['cluster', 'stop', '--state-dir', dir], dir);
  });

  test('a taken apiserver port makes it pick another', async (t) => {
    const blocker = await listen(0);
    t.after(() => void blocker.close());
    const address = blocker.address();
    const taken = typeof address === 'object' && address ? address.port : 0;
    const dir = await tempStateDir(t);
    const state = await startDevCluster({ stateDir: dir, crds: false, port: taken, progress: quiet });
    assert.notEqual(new URL(state.server).port, String(taken));
  });

  test('a process that dies is reported with the tail of its log', async (t) => {
    const dir = await tempStateDir(t);
    const state = await startDevCluster({ stateDir: dir, crds: false, progress: quiet });
    const etcd = state.processes.find((p) => p.name === 'etcd');
    assert.ok(etcd);
    process.kill(etcd.pid, 'SIGKILL');
    await eventually('etcd gone', () => (isAlive(etcd.pid) ? undefined : true));
    const status = await devClusterStatus(dir);
    const reported = status?.processes.find((p) => p.name === 'etcd');
    assert.equal(reported?.alive, false);
    assert.ok(reported?.logTail !== undefined);
  });

  test('the control plane stops when its owner process is killed', async (t) => {
    const dir = await tempStateDir(t);
    // An owner process that starts a cluster and then waits forever, as a test run would.
    const script = `
      const { startDevCluster } = await import(${JSON.stringify(new URL('../../src/devcluster/cluster.ts', import.meta.url).href)});
      await startDevCluster({ stateDir: ${JSON.stringify(dir)}, crds: false, ownerPid: process.pid, progress: () => {} });
      process.stdout.write('ready\\n');
      setInterval(() => {}, 1000);`;
    const owner = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      owner.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
      owner.on('exit', (code) => reject(new Error(`owner exited early (${code})`)));
    });
    const state = await readState(dir);
    assert.ok(state);
    owner.kill('SIGKILL');
    await eventually('every control-plane process gone', () =>
      state.processes.every((p) => !isAlive(p.pid)) ? true : undefined,
    );
  });
});
