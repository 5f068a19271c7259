// Benchmarks of notification-controller, run as its own process (`fluxts controller notification-controller`) on a
// private control plane:
// - receivers: requests/s on a github Receiver's webhook with forged signatures (all must be 400, nothing
//   triggered) and with valid ones (each annotates a GitRepository through the API server);
// - events: events/s posted as controllers post them, each forwarded to a generic provider (a local endpoint),
//   with the latency from POST to arrival at the provider (p50/p99).
// Run alone with `node bench/notification.ts [receivers|events]`.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

import { openBenchEnvironment, peakRssMiB, type BenchEnvironment } from './environment.ts';

const GITREPO = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository' };

/** cpuMs is a process's CPU time (user + system) so far, from /proc (clock ticks of 10ms). */
function cpuMs(pid: number | undefined): number {
  const fields =
    readFileSync(`/proc/${pid ?? 0}/stat`, 'utf8')
      .split(') ')[1]
      ?.split(' ') ?? [];
  return (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) * 10;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

/** post sends one request over a keep-alive agent and resolves with the status. */
function post(
  agent: Agent,
  port: number,
  path: string,
  body: string,
  headers: Record<string, string>,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        agent,
        headers: { ...headers, 'Content-Length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** load runs `total` requests with `concurrency` in flight and returns requests/s and the status counts. */
async function load(total: number, concurrency: number, one: (i: number) => Promise<number>) {
  const counts = new Map<number, number>();
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const status = await one(next++);
        counts.set(status, (counts.get(status) ?? 0) + 1);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { perSecond: total / seconds, counts };
}

async function setup(env: BenchEnvironment, ports: { events: number; receiver: number }) {
  const controller = env.startControllers(
    ['notification-controller'],
    [`--events-addr=127.0.0.1:${ports.events}`, `--receiverAddr=127.0.0.1:${ports.receiver}`],
  );
  await env.client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench' } });
  return controller;
}

export async function runReceiverBench(forged = 5000, valid = 300): Promise<void> {
  const env = await openBenchEnvironment();
  try {
    const ports = { events: await freePort(), receiver: await freePort() };
    const controller = await setup(env, ports);
    const token = 'bench-token';
    await env.client.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'hook', namespace: 'bench' },
      data: { token: Buffer.from(token).toString('base64') },
    });
    await env.client.create({
      ...GITREPO,
      metadata: { name: 'app', namespace: 'bench' },
      spec: { url: 'https://example.invalid/x', interval: '1h' },
    });
    await env.client.create({
      apiVersion: 'notification.toolkit.fluxcd.io/v1',
      kind: 'Receiver',
      metadata: { name: 'github', namespace: 'bench' },
      spec: { type: 'github', secretRef: { name: 'hook' }, resources: [{ kind: 'GitRepository', name: 'app' }] },
    });
    let path = '';
    for (let i = 0; i < 240 && !path; i++) {
      const r = await env.client.get<{ metadata: { name?: string }; status?: { webhookPath?: string } }>(
        { apiVersion: 'notification.toolkit.fluxcd.io/v1', kind: 'Receiver' },
        { namespace: 'bench', name: 'github' },
      );
      path = r.status?.webhookPath ?? '';
      if (!path) await new Promise((r) => setTimeout(r, 250));
    }
    const agent = new Agent({ keepAlive: true, maxSockets: 64 });
    const payload = JSON.stringify({ ref: 'refs/heads/main', after: '0'.repeat(40) });
    const good = `sha256=${createHmac('sha256', token).update(payload).digest('hex')}`;
    const bad = `sha256=${createHmac('sha256', 'not-the-token').update(payload).digest('hex')}`;
    const headers = (sig: string) => ({
      'Content-Type': 'application/json',
      'X-GitHub-Event': 'push',
      'X-Hub-Signature-256': sig,
    });
    // Wait for the process to listen and its cache to know the path.
    while ((await post(agent, ports.receiver, path, payload, headers(bad)).catch(() => 404)) === 404) {
      await new Promise((r) => setTimeout(r, 200));
    }
    const cpuBefore = cpuMs(controller.pid);
    const forgedRun = await load(forged, 32, () => post(agent, ports.receiver, path, payload, headers(bad)));
    // Throughput depends on what else the machine runs; the controller's CPU time per request does not.
    const forgedCpuMs = (cpuMs(controller.pid) - cpuBefore) / forged;
    const app = await env.client.get(GITREPO, { namespace: 'bench', name: 'app' });
    const triggered = app.metadata.annotations?.['reconcile.fluxcd.io/requestedAt'] !== undefined;
    const validRun = await load(valid, 16, () => post(agent, ports.receiver, path, payload, headers(good)));
    agent.destroy();
    const fmt = (m: Map<number, number>) => [...m].map(([s, n]) => `${n}×${s}`).join(', ');
    console.log(
      `receivers: forged ${forgedRun.perSecond.toFixed(0)} req/s (${fmt(forgedRun.counts)}; triggered: ${triggered ? 'YES' : 'no'}; ` +
        `${forgedCpuMs.toFixed(3)} ms controller CPU each, i.e. ${(1000 / forgedCpuMs).toFixed(0)} req/s per core); ` +
        `valid ${validRun.perSecond.toFixed(0)} req/s (${fmt(validRun.counts)}, each an API server patch); ` +
        `peak RSS ${peakRssMiB(controller.pid)} MiB`,
    );
    if (triggered || forgedRun.counts.get(400) !== forged)
      throw new Error('a forged request was not rejected with 400');
  } finally {
    await env.close();
  }
}

export async function runEventBench(total = 3000): Promise<void> {
  const env = await openBenchEnvironment();
  const arrivals = new Map<string, number>();
  const sink = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const message = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { message: string }).message;
      arrivals.set(message, Date.now());
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
  try {
    const ports = { events: await freePort(), receiver: await freePort() };
    const controller = await setup(env, ports);
    const sinkPort = (sink.address() as AddressInfo).port;
    await env.client.create({
      apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
      kind: 'Provider',
      metadata: { name: 'sink', namespace: 'bench' },
      spec: { type: 'generic', address: `http://127.0.0.1:${sinkPort}/` },
    });
    await env.client.create({
      apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
      kind: 'Alert',
      metadata: { name: 'all', namespace: 'bench' },
      spec: { providerRef: { name: 'sink' }, eventSources: [{ kind: 'Kustomization', name: '*' }] },
    });
    const agent = new Agent({ keepAlive: true, maxSockets: 32 });
    const event = (message: string) =>
      JSON.stringify({
        involvedObject: {
          kind: 'Kustomization',
          namespace: 'bench',
          name: 'apps',
          apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
        },
        severity: 'info',
        timestamp: new Date().toISOString(),
        message,
        reason: 'ReconciliationSucceeded',
        metadata: { 'kustomize.toolkit.fluxcd.io/revision': `main@sha1:${'0'.repeat(40)}` },
        reportingController: 'kustomize-controller',
      });
    // Warm up until the Alert is cached and events arrive.
    for (let i = 0; !arrivals.has(`warm ${i - 1}`); i++) {
      await post(agent, ports.events, '/', event(`warm ${i}`), { 'Content-Type': 'application/json' }).catch(() => 0);
      await new Promise((r) => setTimeout(r, 200));
    }
    const sentAt = new Map<string, number>();
    const cpuBefore = cpuMs(controller.pid);
    const run = await load(total, 16, (i) => {
      const message = `event ${i}`;
      sentAt.set(message, Date.now());
      return post(agent, ports.events, '/', event(message), { 'Content-Type': 'application/json' });
    });
    const deadline = Date.now() + 60_000;
    while ([...sentAt.keys()].some((m) => !arrivals.has(m)) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    const eventCpuMs = (cpuMs(controller.pid) - cpuBefore) / total;
    const latencies = [...sentAt].map(([m, t]) => (arrivals.get(m) ?? Number.NaN) - t).sort((a, b) => a - b);
    const delivered = latencies.filter((l) => !Number.isNaN(l)).length;
    const pct = (p: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? Number.NaN;
    agent.destroy();
    console.log(
      `events: ${run.perSecond.toFixed(0)} events/s accepted (${[...run.counts].map(([s, n]) => `${n}×${s}`).join(', ')}), ` +
        `${delivered}/${total} delivered to a generic provider; POST→provider latency p50 ${pct(50)} ms, p99 ${pct(99)} ms; ` +
        `${eventCpuMs.toFixed(3)} ms controller CPU per event (${(1000 / eventCpuMs).toFixed(0)} events/s per core); ` +
        `peak RSS ${peakRssMiB(controller.pid)} MiB`,
    );
  } finally {
    sink.close();
    await env.close();
  }
}

if (import.meta.main) {
  const which = process.argv[2];
  if (!which || which === 'receivers') await runReceiverBench();
  if (!which || which === 'events') await runEventBench();
}
