import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { helmTemplate, nodeChartFileSystem } from '../src/engines/helm/index.ts';
import { sprigFunctions } from '../src/engines/sprig/index.ts';
import { SHARED_FIXTURES } from '../test/support/fixtures.ts';
import { helmBinary } from '../test/helm/reference.ts';

/**
 * `npm run bench helm`: `helm template` (v4.2.4, built from its module) against `fluxts helm template` on the same
 * charts in the same run. Whole processes are timed (the standalone command entry, compile cache on), plus the
 * render inside a warm process, which is what the helm-controller pays per reconcile. Outputs must be identical.
 */

const CLI = resolve(import.meta.dirname, '../src/cli/commands/helm.ts');
const CORPUS = resolve(import.meta.dirname, '../test/helm/corpus');
const RUNS = 5;
/** WARMUP renders run before the in-process figures are taken. */
const WARMUP = 5;

/** writeWideChart generates a chart rendering n Deployments and Services from one ranged template and helpers. */
function writeWideChart(dir: string, n: number): void {
  mkdirSync(join(dir, 'templates'), { recursive: true });
  writeFileSync(join(dir, 'Chart.yaml'), `apiVersion: v2\nname: wide\nversion: 1.0.0\n`);
  const apps = Array.from(
    { length: n },
    (_, i) => `  - name: app-${i}\n    replicas: ${(i % 5) + 1}\n    env: {LOG: info, ID: "${i}"}`,
  );
  writeFileSync(join(dir, 'values.yaml'), `image: nginx:1.27\napps:\n${apps.join('\n')}\n`);
  writeFileSync(
    join(dir, 'templates/_helpers.tpl'),
    `{{- define "wide.labels" -}}\napp.kubernetes.io/name: {{ .name }}\napp.kubernetes.io/instance: {{ .root.Release.Name }}\n{{- end -}}\n`,
  );
  writeFileSync(
    join(dir, 'templates/apps.yaml'),
    `{{- range .Values.apps }}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .name }}
  labels:
    {{- include "wide.labels" (dict "name" .name "root" $) | nindent 4 }}
spec:
  replicas: {{ .replicas }}
  template:
    spec:
      containers:
        - name: web
          image: {{ $.Values.image | quote }}
          env:
            {{- range $k, $v := .env }}
            - name: {{ $k }}
              value: {{ $v | quote }}
            {{- end }}
          resources:
            {{- toYaml (dict "limits" (dict "memory" "256Mi" "cpu" "500m")) | nindent 12 }}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ .name }}
spec:
  ports:
    - port: 80
{{- end }}
`,
  );
}

/** writeManyTemplatesChart generates a chart of n template files (the "500 templates"), each a small
 * ConfigMap using a helper, values and a pipeline, as charts split into many files do. */
function writeManyTemplatesChart(dir: string, n: number): void {
  mkdirSync(join(dir, 'templates'), { recursive: true });
  writeFileSync(join(dir, 'Chart.yaml'), `apiVersion: v2\nname: many\nversion: 1.0.0\n`);
  writeFileSync(
    join(dir, 'values.yaml'),
    `prefix: svc\nlabels: {team: platform, tier: backend}\nsettings: {retries: 3, timeout: 30s}\n`,
  );
  writeFileSync(
    join(dir, 'templates/_helpers.tpl'),
    `{{- define "many.labels" -}}\napp.kubernetes.io/instance: {{ .Release.Name }}\n{{ toYaml .Values.labels }}\n{{- end -}}\n`,
  );
  for (let i = 0; i < n; i++) {
    writeFileSync(
      join(dir, `templates/cm-${String(i).padStart(3, '0')}.yaml`),
      `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ printf "%s-%d" .Values.prefix ${i} | trunc 63 }}
  labels:
    {{- include "many.labels" . | nindent 4 }}
data:
  index: "${i}"
  settings: {{ toJson .Values.settings | quote }}
  checksum: {{ .Template.Name | sha256sum | trunc 12 }}
`,
    );
  }
}

const mask = (s: string): string => s.replace(/-test-[a-z0-9]{5}\b/g, '-test-XXXXX');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function timeRun(cmd: string, args: string[], cwd: string): { ms: number; out: string; ok: boolean } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, TZ: 'UTC' } });
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, out: r.stdout, ok: r.status === 0 };
}

/** HelmBenchRow is one chart's figures (milliseconds, medians of RUNS). */
export interface HelmBenchRow {
  chart: string;
  helmMs: number;
  fluxtsMs: number;
  inProcessMs: number;
  /** inProcessCpuMs is the CPU time of one warm in-process render (user + system). */
  inProcessCpuMs: number;
  identical: boolean;
}

export async function runHelmBench(): Promise<HelmBenchRow[]> {
  const helm = await helmBinary();
  const root = mkdtempSync(join(tmpdir(), 'fluxts-helmbench-'));
  const rows: HelmBenchRow[] = [];
  try {
    const charts: [string, string][] = [
      ['podinfo', join(root, 'podinfo')],
      ['basic-app', join(CORPUS, 'basic-app/chart')],
      ['helm-functions', join(CORPUS, 'helm-functions/chart')],
      ['webapp-common', join(CORPUS, 'webapp-common/chart')],
      ['prometheus', join(CORPUS, 'prometheus-config/chart')],
      ['wide-100', join(root, 'wide-100')],
      ['wide-1000', join(root, 'wide-1000')],
      ['templates-500', join(root, 'templates-500')],
    ];
    cpSync(join(SHARED_FIXTURES, 'podinfo/charts/podinfo'), join(root, 'podinfo'), { recursive: true });
    writeWideChart(join(root, 'wide-100'), 100);
    writeWideChart(join(root, 'wide-1000'), 1000);
    writeManyTemplatesChart(join(root, 'templates-500'), 500);
    const functions = sprigFunctions({ localZone: 'UTC' });
    console.log(
      'helm template vs fluxts helm template (median of 5 whole processes; the render in a warm process: median of 10 after 5)',
    );
    console.log('chart            helm ms  fluxts ms  ratio   in-process ms  ratio  (cpu ms)  identical');
    for (const [name, dir] of charts) {
      const args = ['template', 'rel', dir];
      timeRun(process.execPath, [CLI, ...args], root); // warm the compile cache
      const theirs: number[] = [];
      const ours: number[] = [];
      let helmOut = '';
      let ourOut = '';
      for (let i = 0; i < RUNS; i++) {
        const h = timeRun(helm, args, root);
        const f = timeRun(process.execPath, [CLI, ...args], root);
        if (!h.ok || !f.ok) throw new Error(`${name}: a render failed`);
        theirs.push(h.ms);
        ours.push(f.ms);
        helmOut = h.out;
        ourOut = f.out;
      }
      // The helm-controller renders in a long-lived process: warm the JIT first, then time wall and CPU (CPU time
      // is what the figure means on a loaded machine, where wall time includes waiting for a core).
      const inProcess: number[] = [];
      const inProcessCpu: number[] = [];
      for (let i = 0; i < WARMUP + 2 * RUNS; i++) {
        const t0 = process.hrtime.bigint();
        const c0 = process.cpuUsage();
        helmTemplate({
          fs: nodeChartFileSystem,
          args: ['rel', dir],
          cwd: root,
          readFile: (p) => readFileSync(p, 'utf8'),
          functions,
        });
        const c = process.cpuUsage(c0);
        if (i < WARMUP) continue;
        inProcess.push(Number(process.hrtime.bigint() - t0) / 1e6);
        inProcessCpu.push((c.user + c.system) / 1000);
      }
      const row = {
        chart: name,
        helmMs: median(theirs),
        fluxtsMs: median(ours),
        inProcessMs: median(inProcess),
        inProcessCpuMs: median(inProcessCpu),
        // podinfo's test hook names itself with randAlphaNum 5.
        identical: mask(helmOut) === mask(ourOut),
      };
      rows.push(row);
      console.log(
        `${name.padEnd(15)} ${row.helmMs.toFixed(0).padStart(8)} ${row.fluxtsMs.toFixed(0).padStart(10)} ${(row.fluxtsMs / row.helmMs).toFixed(2).padStart(6)}x ${row.inProcessMs.toFixed(1).padStart(14)} ${(row.inProcessMs / row.helmMs).toFixed(2).padStart(6)}x ${row.inProcessCpuMs.toFixed(1).padStart(9)}  ${row.identical ? 'yes' : 'NO'}`,
      );
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return rows;
}
