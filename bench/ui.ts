// Benchmark: the web UI over a large cluster. N Kustomizations (default 2,000, in 20 namespaces) with Ready status
// and M inventory objects each (default 10: 20,000 ConfigMaps that exist in the cluster and are listed in the
// Kustomizations' status.inventory), served by `fluxts ui` as its own process, read by headless Chromium.
// Reports: time to the overview's first rows (navigation to rows painted), time for a status change to reach the
// page (median and worst of 20), the longest main-thread task and frame gap while 100 objects change per second
// for 10 s, the object page of one Kustomization with its inventory, and the server's resident memory.
// Targets (#20): first view < 1 s, live updates < 1 s, no frame over 100 ms under 100 changes/s. Flux has no UI
// of its own to compare with; the figures are printed against the targets.
// Run alone with `node bench/ui.ts [N] [M]`; bench/run.ts calls runUiBench().
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

import type { KubeClient } from '../src/kube/index.ts';
import { launchChromium } from '../test/support/browser.ts';
import { openBenchEnvironment, peakRssMiB } from './environment.ts';

const FLUXTS = fileURLToPath(new URL('../bin/fluxts.js', import.meta.url));
const KS = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' };
const NAMESPACES = 20;

async function inParallel<T>(items: readonly T[], width: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

// inventory is set when populating; status changes leave it out, so the merge patch keeps what populate wrote.
function readyStatus(ready: boolean, inventory?: { id: string; v: string }[], note = ''): Record<string, unknown> {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  return {
    observedGeneration: 1,
    lastAppliedRevision: 'main@sha1:0123456789abcdef0123456789abcdef01234567',
    ...(inventory ? { inventory: { entries: inventory } } : {}),
    conditions: [
      {
        type: 'Ready',
        status: ready ? 'True' : 'False',
        reason: ready ? 'ReconciliationSucceeded' : 'BuildFailed',
        message: ready ? 'Applied revision: main@sha1:0123456789abcdef' : `kustomize build failed ${note}`,
        lastTransitionTime: now,
        observedGeneration: 1,
      },
    ],
  };
}

async function populate(client: KubeClient, n: number, m: number): Promise<string[]> {
  const namespaces = Array.from({ length: NAMESPACES }, (_, i) => `bench-${i}`);
  await inParallel(namespaces, 8, (name) => client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));
  const items = Array.from({ length: n }, (_, i) => ({ ns: namespaces[i % NAMESPACES]!, name: `app-${i}` }));
  const inventoryOf = (name: string, ns: string) =>
    Array.from({ length: m }, (_, j) => ({ id: `${ns}_${name}-cm-${j}__ConfigMap`, v: 'v1' }));
  await inParallel(items, 16, async ({ ns, name }) => {
    await client.create({
      ...KS,
      metadata: { name, namespace: ns },
      spec: { interval: '10m', path: './', prune: true, sourceRef: { kind: 'GitRepository', name: 'repo' } },
    });
    await client.patch(
      KS,
      { namespace: ns, name },
      'merge',
      { status: readyStatus(true, inventoryOf(name, ns)) },
      {
        subresource: 'status',
      },
    );
  });
  const configMaps = items.flatMap(({ ns, name }) =>
    Array.from({ length: m }, (_, j) => ({ ns, name: `${name}-cm-${j}` })),
  );
  await inParallel(configMaps, 16, ({ ns, name }) =>
    client.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data: { a: '1' } }),
  );
  return items.map(({ ns, name }) => `${ns}/${name}`);
}

interface TraceEvent {
  name: string;
  ph: string;
  dur?: number;
  tdur?: number;
  tid: number;
  pid: number;
  args?: { name?: string };
}

/** rendererTasks are the page's main-thread tasks in a Chromium trace, with their thread CPU time (tdur, µs). */
function rendererTasks(traceJson: Buffer): TraceEvent[] {
  const events = (JSON.parse(traceJson.toString('utf8')) as { traceEvents: TraceEvent[] }).traceEvents;
  const mains = new Set(
    events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}/${e.tid}`),
  );
  return events.filter((e) => e.name === 'RunTask' && e.ph === 'X' && mains.has(`${e.pid}/${e.tid}`));
}

const cpuMs = (tasks: TraceEvent[]): number => tasks.reduce((sum, e) => sum + (e.tdur ?? 0), 0) / 1000;

/** processCpuMs is a process's user + system CPU time so far (from /proc, in clock ticks of 10 ms). */
function processCpuMs(pid: number | undefined): number {
  const fields = readFileSync(`/proc/${pid ?? 0}/stat`, 'utf8')
    .split(') ')[1]!
    .split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const TRACE = { categories: ['disabled-by-default-devtools.timeline', 'toplevel'] };

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/** runUiBench populates a fresh control plane, starts `fluxts ui` and measures it in Chromium. */
export async function runUiBench(n = 2000, m = 10): Promise<void> {
  const env = await openBenchEnvironment();
  const browser = await launchChromium();
  try {
    let started = Date.now();
    const keys = await populate(env.client, n, m);
    console.log(
      `populated ${n} Kustomizations and ${n * m} inventory ConfigMaps in ${((Date.now() - started) / 1000).toFixed(0)} s`,
    );

    const server = spawn(process.execPath, [FLUXTS, 'ui', '--kubeconfig', env.kubeconfig, '--address', '127.0.0.1:0'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      server.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const found = /at (http:\/\/\S+)/.exec(out);
        if (found) resolve(found[1]!);
      });
      server.once('exit', (code) => reject(new Error(`fluxts ui exited with ${code}: ${out}`)));
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      // Warm the server's caches (its informers list at start) as a person opening the page a moment later would.
      await page.goto(url);
      await page.locator('tbody tr').first().waitFor({ timeout: 60_000 });
      // The CPU the first view costs: the page's main thread (trace) and the server process (/proc), which on an
      // idle machine is what the wall clock would show.
      await browser.startTracing(page, TRACE);
      let serverCpu = processCpuMs(server.pid);
      started = Date.now();
      await page.goto(url);
      await page.locator('tbody tr').first().waitFor();
      const firstView = Date.now() - started;
      const firstViewCpu = cpuMs(rendererTasks(await browser.stopTracing()));
      const firstViewServerCpu = processCpuMs(server.pid) - serverCpu;
      const shown = await page.locator('tbody tr').count();

      // Live updates: flip one object to failing and back; the clock is the same machine's.
      const latencies: number[] = [];
      // Objects whose rows are on the page (each table shows its first 200 rows until "show all"), so the change is
      // seen both ways: failing (under "Needs attention") and ready again (back in its kind's table).
      const shownIds = await page.evaluate<string[]>(
        "[...document.querySelectorAll('tbody tr')].map((tr) => tr.dataset.id)",
      );
      for (let i = 0; i < 20; i++) {
        // Pairs: the same object fails (even i), then recovers (odd i), so each wait sees a real change.
        const id = shownIds[(Math.floor(i / 2) * 7) % shownIds.length]!;
        const [ns, name] = id.split('/').slice(-2) as [string, string];
        const failing = i % 2 === 0;
        const t0 = Date.now();
        await env.client.patch(
          KS,
          { namespace: ns, name },
          'merge',
          { status: readyStatus(!failing, undefined, `#${i}`) },
          {
            subresource: 'status',
          },
        );
        await page
          .locator(`tr[data-id$="/Kustomization/${ns}/${name}"][data-state="${failing ? 'failed' : 'ready'}"]`)
          .waitFor({ timeout: 10_000 });
        latencies.push(Date.now() - t0);
      }

      // Responsiveness: 100 changes per second for 10 s; long tasks and frame gaps measured in the page.
      // A script string: it runs in the page (DOM types), not in this Node process.
      await page.evaluate(`(() => {
        window.benchLongest = 0;
        window.benchGap = 0;
        window.benchLast = performance.now();
        new PerformanceObserver((list) => {
          for (const e of list.getEntries()) window.benchLongest = Math.max(window.benchLongest, e.duration);
        }).observe({ type: 'longtask', buffered: false });
        const tick = (t) => {
          window.benchGap = Math.max(window.benchGap, t - window.benchLast);
          window.benchLast = t;
          requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      })()`);
      // The page's main-thread time during the storm, from Chromium's own counters (wall time of its tasks, so a
      // loaded machine inflates it too), and optionally a CPU profile (FLUXTS_BENCH_PROFILE=file.cpuprofile).
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Performance.enable');
      const profilePath = process.env['FLUXTS_BENCH_PROFILE'];
      if (profilePath) {
        await cdp.send('Profiler.enable');
        await cdp.send('Profiler.start');
      }
      const busy = async (): Promise<Record<string, number>> =>
        Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
      const busyBefore = await busy();
      // A trace of the storm: each main-thread task's thread CPU time (tdur), which the machine's load does not
      // stretch, beside its wall time.
      await browser.startTracing(page, TRACE);
      const stormStart = Date.now();
      let changes = 0;
      while (Date.now() - stormStart < 10_000) {
        const second = Date.now();
        const batch = Array.from({ length: 100 }, (_, k) => keys[(changes + k) % keys.length]!);
        await inParallel(batch, 32, (key) => {
          const [ns, name] = key.split('/') as [string, string];
          return env.client.patch(
            KS,
            { namespace: ns, name },
            'merge',
            { status: readyStatus(changes % 2 === 0, undefined, key) },
            {
              subresource: 'status',
            },
          );
        });
        changes += 100;
        await new Promise((r) => setTimeout(r, Math.max(0, 1000 - (Date.now() - second))));
      }
      const storm = await page.evaluate(() => {
        const w = globalThis as unknown as { benchLongest: number; benchGap: number };
        return { longest: w.benchLongest, gap: w.benchGap };
      });
      const stormSeconds = (Date.now() - stormStart) / 1000;
      const rate = changes / stormSeconds;
      const busyAfter = await busy();
      const tasks = rendererTasks(await browser.stopTracing());
      const longestCpu = Math.max(0, ...tasks.map((e) => (e.tdur ?? 0) / 1000));
      const busyShare = (name: string): string =>
        `${((100 * ((busyAfter[name] ?? 0) - (busyBefore[name] ?? 0))) / stormSeconds).toFixed(0)} %`;
      if (profilePath) {
        const { profile } = await cdp.send('Profiler.stop');
        writeFileSync(profilePath, JSON.stringify(profile));
      }

      // The object page of one Kustomization, its inventory read live with health.
      const [ns, name] = keys[1]!.split('/') as [string, string];
      await browser.startTracing(page, TRACE);
      serverCpu = processCpuMs(server.pid);
      started = Date.now();
      const cluster = env.client.transport.kubeConfig.currentContext;
      await page.goto(`${url}object/${encodeURIComponent(cluster)}/Kustomization/${ns}/${name}`);
      const objectPage = await page
        .locator('table.inventory tbody tr')
        .first()
        .waitFor({ timeout: 30_000 })
        .then(() => Date.now() - started)
        .catch(() => NaN);
      const objectPageCpu = cpuMs(rendererTasks(await browser.stopTracing()));
      const objectPageServerCpu = processCpuMs(server.pid) - serverCpu;

      const rss = peakRssMiB(server.pid);
      const row = (what: string, value: string, target: string): string =>
        `  ${what.padEnd(46)} ${value.padStart(12)}   ${target}`;
      console.log(`fluxts ui over ${n} Kustomizations, ${n * m} inventory objects (Chromium ${browser.version()})`);
      console.log(`  machine load average at the end: ${loadavg()[0]!.toFixed(1)} (wall-clock figures scale with it)`);
      console.log(
        row('first view (navigation → rows painted)', `${firstView} ms`, `target < 1000 ms (${shown} rows shown)`),
      );
      console.log(
        row(
          '  CPU: page main thread + server',
          `${firstViewCpu.toFixed(0)} + ${firstViewServerCpu} ms`,
          'target < 1000 ms',
        ),
      );
      console.log(row('status change → page, median of 20', `${median(latencies)} ms`, 'target < 1000 ms'));
      console.log(row('status change → page, worst of 20', `${Math.max(...latencies)} ms`, 'target < 1000 ms'));
      console.log(
        row(`longest task during ${rate.toFixed(0)} changes/s`, `${storm.longest.toFixed(0)} ms`, 'target < 100 ms'),
      );
      console.log(
        row(`longest frame gap during ${rate.toFixed(0)} changes/s`, `${storm.gap.toFixed(0)} ms`, 'target < 100 ms'),
      );
      console.log(row('  longest task in thread CPU time', `${longestCpu.toFixed(0)} ms`, 'target < 100 ms'));
      console.log(row('main thread busy during the storm (tasks)', busyShare('TaskDuration'), ''));
      console.log(row('  of which script', busyShare('ScriptDuration'), ''));
      console.log(
        row('  of which style and layout', `${busyShare('RecalcStyleDuration')} + ${busyShare('LayoutDuration')}`, ''),
      );
      console.log(row(`object page with ${m} inventory objects`, `${objectPage} ms`, ''));
      console.log(
        row('  CPU: page main thread + server', `${objectPageCpu.toFixed(0)} + ${objectPageServerCpu} ms`, ''),
      );
      console.log(row('server peak RSS', `${rss} MiB`, ''));
    } finally {
      server.kill('SIGTERM');
      await new Promise((r) => server.once('exit', r));
    }
  } finally {
    await browser.close();
    await env.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [n, m] = process.argv.slice(2).map(Number);
  await runUiBench(n || 2000, m || 10);
}
