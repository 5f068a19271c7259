// `npm run soak`: the source- and kustomize-controller run for a long time (default 60 min) against N
// Kustomizations (default 500) on a private control plane, with a commit every minute that changes every app, and
// random faults (seeded): the controller SIGKILLed and restarted, the kube-apiserver restarted, the Git host down
// for 20 s, every apiserver connection cut. It reports the controller's memory over time (RSS every 10 s; growth
// after warm-up within one process lifetime), reconcile latency percentiles (commit → each Kustomization applied
// at it), and errors (Ready=False observations, error log lines, commits not fully applied).
//
//   node scripts/soak.ts [--duration 60m] [--kustomizations 500] [--commit-every 60s] [--fault-every 5m]
//                        [--seed 1] [--json out.json]
//
// Run it nice'd on a shared machine; the figures of a short run are a short run's.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

import { startDevCluster, stopDevCluster } from '../src/devcluster/cluster.ts';
import { freePort } from '../src/devcluster/ports.ts';
import { stopClusterProcess } from '../src/devcluster/process-restart.ts';
import { KubeClient, KubeConfig } from '../src/kube/index.ts';
import { parseDuration } from '../src/runtime/duration.ts';
import { controllerProcessEnv } from '../src/runtime/process-tuning.ts';
import { startTcpProxy } from '../test/chaos/tcp-proxy.ts';
import { startGitServer } from '../test/support/git-server.ts';

const FLUXTS = fileURLToPath(new URL('../bin/fluxts.js', import.meta.url));
const ksType = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' };
const NS = 'soak';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '60m' },
    kustomizations: { type: 'string', default: '500' },
    'commit-every': { type: 'string', default: '60s' },
    'fault-every': { type: 'string', default: '5m' },
    seed: { type: 'string', default: '1' },
    json: { type: 'string' },
  },
});
const durationMs = parseDuration(values.duration);
const n = Number(values.kustomizations);
const commitEveryMs = parseDuration(values['commit-every']);
const faultEveryMs = parseDuration(values['fault-every']);
let seed = Number(values.seed);
/** random is a small seeded generator (mulberry32), so a run's faults can be replayed. */
const random = (): number => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const log = (msg: string): void => void process.stderr.write(`[soak ${new Date().toISOString()}] ${msg}\n`);

const work = await mkdtemp(join(tmpdir(), 'fluxts-soak-'));
const clusterDir = join(work, 'cluster');
log(`starting a control plane, ${n} Kustomizations, ${values.duration}, seed ${values.seed}`);
const state = await startDevCluster({ stateDir: clusterDir, ownerPid: process.pid, progress: () => undefined });
const git = await startGitServer();
const gitProxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(git.baseUrl).port) });
const kubeText = readFileSync(state.kubeconfig, 'utf8');
const apiserver = /server: https:\/\/127\.0\.0\.1:(\d+)/.exec(kubeText);
if (!apiserver?.[1]) throw new Error(`${state.kubeconfig}: no loopback apiserver`);
const apiProxy = await startTcpProxy({ host: '127.0.0.1', port: Number(apiserver[1]) });
const proxiedKubeconfig = join(work, 'kubeconfig');
await writeFile(proxiedKubeconfig, kubeText.replace(apiserver[0], `server: https://127.0.0.1:${apiProxy.port}`), {
  mode: 0o600,
});
const kubeConfig = new KubeConfig();
kubeConfig.loadFromFile(state.kubeconfig);
const client = new KubeClient(kubeConfig);
const [metricsPort, storagePort] = [await freePort(), await freePort()];
const logFile = join(work, 'controllers.log');

let controller: ChildProcess | undefined;
const startController = (): ChildProcess => {
  const child = spawn(
    process.execPath,
    [
      FLUXTS,
      'controller',
      'source-controller',
      'kustomize-controller',
      `--kubeconfig=${proxiedKubeconfig}`,
      `--storage-path=${join(work, 'storage')}`,
      `--storage-addr=127.0.0.1:${storagePort}`,
      `--metrics-addr=127.0.0.1:${metricsPort}`,
      '--health-addr=127.0.0.1:0',
      '--log-level=error',
      '--concurrent=10',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: controllerProcessEnv(process.env) },
  );
  const append = (chunk: Buffer): void => void writeFileSync(logFile, chunk, { flag: 'a' });
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  return child;
};

// One app per Kustomization: a ConfigMap whose data every commit changes.
const appFiles = (version: number): Record<string, string> => {
  const files: Record<string, string> = {};
  for (let i = 0; i < n; i++) {
    files[`apps/app-${i}/cm.yaml`] =
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-${i}\ndata:\n  version: "${version}"\n`;
  }
  return files;
};
const repo = git.createRepo('soak');
let version = 0;
const commits: { revision: string; at: number; applied: Map<string, number> }[] = [];
const commit = async (): Promise<void> => {
  version++;
  const sha = await repo.commit({ files: appFiles(version), message: `v${version}` });
  commits.push({ revision: `main@sha1:${sha}`, at: Date.now(), applied: new Map() });
};

await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
await commit();
controller = startController();
await client.create({
  apiVersion: 'source.toolkit.fluxcd.io/v1',
  kind: 'GitRepository',
  metadata: { name: 'soak', namespace: NS },
  spec: { url: `http://127.0.0.1:${gitProxy.port}/soak.git`, interval: '30s', ref: { branch: 'main' } },
});
for (let i = 0; i < n; i += 50) {
  await Promise.all(
    Array.from({ length: Math.min(50, n - i) }, (_, j) =>
      client.create({
        ...ksType,
        metadata: { name: `app-${i + j}`, namespace: NS },
        spec: {
          interval: '10m',
          retryInterval: '30s',
          path: `./apps/app-${i + j}`,
          prune: true,
          targetNamespace: NS,
          sourceRef: { kind: 'GitRepository', name: 'soak' },
        },
      }),
    ),
  );
}

// Samples: RSS every 10 s (per controller process lifetime), Kustomization status every 2 s.
interface RssSample {
  t: number;
  pid: number;
  rssMiB: number;
}
const rss: RssSample[] = [];
const faults: { t: number; fault: string }[] = [];
/** readyFalse counts Ready=False observations (one per Kustomization per 2 s poll) by reason. */
const readyFalse = new Map<string, number>();
const started = Date.now();
const rssOf = (pid: number): number => {
  try {
    const kib = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    return Math.round(kib / 102.4) / 10;
  } catch {
    return 0;
  }
};
const rssTimer = setInterval(() => {
  const pid = controller?.pid;
  if (pid) rss.push({ t: Date.now() - started, pid, rssMiB: rssOf(pid) });
}, 10_000);

const pollStatus = async (): Promise<void> => {
  interface Ks {
    metadata: { name?: string };
    status?: { lastAppliedRevision?: string; conditions?: { type: string; status: string; reason?: string }[] };
  }
  const list = (await client.listAll(ksType, { namespace: NS })) as unknown as { items: Ks[] };
  const now = Date.now();
  for (const ks of list.items) {
    const ready = ks.status?.conditions?.find((c) => c.type === 'Ready');
    if (ready?.status === 'False') readyFalse.set(ready.reason ?? '', (readyFalse.get(ready.reason ?? '') ?? 0) + 1);
    const c = commits.find((x) => x.revision === ks.status?.lastAppliedRevision);
    if (c && !c.applied.has(ks.metadata.name ?? '')) c.applied.set(ks.metadata.name ?? '', now - c.at);
  }
};

const FAULTS: Record<string, () => Promise<void>> = {
  'controller SIGKILL + restart': async () => {
    controller?.kill('SIGKILL');
    await new Promise((r) => controller?.once('exit', r));
    controller = startController();
  },
  'kube-apiserver restart (5 s down)': async () => {
    const stopped = await stopClusterProcess(clusterDir, 'kube-apiserver');
    await new Promise((r) => setTimeout(r, 5_000));
    await stopped.start();
  },
  'git host down 20 s': async () => {
    await gitProxy.down();
    await new Promise((r) => setTimeout(r, 20_000));
    await gitProxy.up();
  },
  'apiserver connections cut': () => Promise.resolve(apiProxy.cutAll()),
};

let nextCommit = started + commitEveryMs;
let nextFault = started + faultEveryMs;
try {
  while (Date.now() - started < durationMs) {
    await pollStatus().catch(() => undefined);
    if (Date.now() >= nextCommit) {
      await commit();
      nextCommit += commitEveryMs;
      log(`commit v${version}`);
    }
    if (Date.now() >= nextFault) {
      const names = Object.keys(FAULTS);
      const name = names[Math.floor(random() * names.length)] ?? names[0] ?? '';
      faults.push({ t: Date.now() - started, fault: name });
      log(`fault: ${name}`);
      await FAULTS[name]?.();
      nextFault += faultEveryMs;
    }
    await new Promise((r) => setTimeout(r, 2_000));
  }
  // Let the last commit land before judging it.
  const drainUntil = Date.now() + 120_000;
  while (Date.now() < drainUntil && (commits.at(-1)?.applied.size ?? 0) < n) {
    await pollStatus().catch(() => undefined);
    await new Promise((r) => setTimeout(r, 2_000));
  }
} finally {
  clearInterval(rssTimer);
  controller?.kill('SIGTERM');
  await new Promise((r) => (controller?.exitCode !== null ? r(undefined) : controller.once('exit', r)));
  await gitProxy.close();
  await apiProxy.close();
  await git.close();
  await stopDevCluster(clusterDir);
}

// Report.
const latencies = commits
  .slice(1)
  .flatMap((c) => [...c.applied.values()])
  .sort((a, b) => a - b);
const pct = (p: number): number =>
  latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
// A Kustomization may go straight to a newer commit (Flux applies the latest): skipped, not an error. The last
// commit must reach every one.
const skipped = commits.slice(0, -1).reduce((a, c) => a + (n - c.applied.size), 0);
const lastApplied = commits.at(-1)?.applied.size ?? 0;
let errorLines = 0;
try {
  errorLines = readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((l) => l.includes('"level":"error"')).length;
} catch {
  // no log: the controller never wrote one
}
// Memory growth within the longest-lived process, after a warm-up of its first quarter.
const byPid = new Map<number, RssSample[]>();
for (const s of rss) byPid.set(s.pid, [...(byPid.get(s.pid) ?? []), s]);
const longest = [...byPid.values()].sort((a, b) => b.length - a.length)[0] ?? [];
const warm = longest.slice(Math.floor(longest.length / 4));
const half = Math.floor(warm.length / 2);
const mean = (xs: RssSample[]): number => xs.reduce((a, s) => a + s.rssMiB, 0) / Math.max(1, xs.length);
const report = {
  durationMin: Math.round((Date.now() - started) / 6000) / 10,
  kustomizations: n,
  commits: commits.length,
  faults,
  latencyMs: { samples: latencies.length, p50: pct(50), p90: pct(90), p99: pct(99), max: latencies.at(-1) ?? NaN },
  errors: {
    readyFalseObservations: Object.fromEntries(readyFalse),
    controllerErrorLogLines: errorLines,
    lastCommitApplied: `${lastApplied}/${n}`,
  },
  revisionsSkipped: skipped,
  memory: {
    processes: byPid.size,
    peakMiB: Math.max(0, ...rss.map((s) => s.rssMiB)),
    longestLivedSamples: longest.length,
    warmFirstHalfMeanMiB: Math.round(mean(warm.slice(0, half)) * 10) / 10,
    warmSecondHalfMeanMiB: Math.round(mean(warm.slice(half)) * 10) / 10,
    series: rss.filter((_, i) => i % 6 === 0).map((s) => `${Math.round(s.t / 60_000)}m:${s.rssMiB}`),
  },
};
console.log(JSON.stringify(report, null, 2));
if (values.json) writeFileSync(values.json, JSON.stringify({ ...report, rss }, null, 2));
await rm(work, { recursive: true, force: true });
process.exitCode = lastApplied === n ? 0 : 1;
