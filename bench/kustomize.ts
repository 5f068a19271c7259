import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { goInstall } from '../src/devcluster/go-build.ts';
import { KUSTOMIZE } from '../test/kustomize/reference.ts';

/** KustomizeBenchRow is one measured size. */
export interface KustomizeBenchRow {
  n: number;
  /** oursMs: `node src/cli/commands/kustomize.ts build` (only this command loaded, compile cache on). */
  oursMs: number;
  /** fluxtsMs: `node bin/fluxts.js kustomize build` (the whole CLI, every command module loaded). */
  fluxtsMs: number;
  kustomizeMs: number;
  ratio: number;
  identical: boolean;
}

const SIZES = [250, 500, 1000, 2000];
const CLI = resolve(import.meta.dirname, '../src/cli/commands/kustomize.ts');
const FLUXTS = resolve(import.meta.dirname, '../bin/fluxts.js');

/**
 * writeOverlay generates the issue's benchmark input: a base of n apps (a Deployment and a Service each) and an
 * overlay setting namespace, namePrefix, commonLabels, an image tag, a configMapGenerator, a JSON 6902 patch on
 * every Deployment and one strategic-merge patch.
 */
export function writeOverlay(root: string, n: number, withPatches = true): string {
  const base = join(root, 'base');
  const overlay = join(root, 'overlay');
  mkdirSync(base, { recursive: true });
  mkdirSync(overlay, { recursive: true });
  const files: string[] = [];
  for (let i = 0; i < n; i++) {
    const name = `app-${i}`;
    const file = `${name}.yaml`;
    files.push(file);
    writeFileSync(
      join(base, file),
      `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  labels:
    app: ${name}
spec:
  replicas: 1
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      containers:
      - name: web
        image: nginx:1.25
        ports:
        - containerPort: 8080
        envFrom:
        - configMapRef:
            name: settings
---
apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
  selector:
    app: ${name}
  ports:
  - port: 80
    targetPort: 8080
`,
    );
  }
  writeFileSync(join(base, 'kustomization.yaml'), `resources:\n${files.map((f) => `- ${f}`).join('\n')}\n`);
  writeFileSync(
    join(overlay, 'kustomization.yaml'),
    `resources:
- ../base
namespace: bench
namePrefix: prod-
commonLabels:
  env: prod
images:
- name: nginx
  newTag: "1.27"
configMapGenerator:
- name: settings
  literals:
  - LOG_LEVEL=info
  - FEATURE=true
${
  withPatches
    ? `patches:
- target:
    kind: Deployment
  patch: |-
    - op: replace
      path: /spec/replicas
      value: 3
- patch: |-
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: app-0
    spec:
      template:
        spec:
          containers:
          - name: web
            resources:
              limits:
                memory: 256Mi
`
    : ''
}`,
  );
  return overlay;
}

function timeRun(cmd: string, args: string[]): { ms: number; out: string; ok: boolean; err: string } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  return { ms, out: r.stdout, ok: r.status === 0, err: r.stderr };
}

/**
 * runKustomizeBench times `fluxts kustomize build` (whole Node processes: the standalone command entry and the full
 * `bin/fluxts.js`) and the reference kustomize on the same generated overlays, in the same run, prints a table,
 * and returns the rows. `sizes` defaults to 250, 500, 1000 and 2000 apps.
 */
export async function runKustomizeBench(sizes = SIZES, withPatches = true): Promise<KustomizeBenchRow[]> {
  const bin = await goInstall(KUSTOMIZE);
  const root = mkdtempSync(join(tmpdir(), 'fluxts-kbench-'));
  const rows: KustomizeBenchRow[] = [];
  try {
    console.log('kustomize build, overlay over N apps (Deployment + Service each)');
    console.log('     N  kustomize-cmd ms  fluxts ms  kustomize ms  ratio(cmd)  ratio(fluxts)  identical');
    for (const n of sizes) {
      const dir = writeOverlay(join(root, String(n)), n, withPatches);
      timeRun(process.execPath, [CLI, 'build', dir]); // warm the compile cache and the page cache
      const ours = timeRun(process.execPath, [CLI, 'build', dir]);
      if (!ours.ok) throw new Error(`fluxts kustomize build failed for N=${n}: ${ours.err.slice(0, 2000)}`);
      const full = timeRun(process.execPath, [FLUXTS, 'kustomize', 'build', dir]);
      if (!full.ok) throw new Error(`fluxts kustomize build failed for N=${n}: ${full.err.slice(0, 2000)}`);
      const ref = timeRun(bin, ['build', dir]);
      if (!ref.ok) throw new Error(`kustomize build failed for N=${n}: ${ref.err.slice(0, 2000)}`);
      const ratio = (ms: number): number => Math.round((ref.ms / ms) * 10) / 10;
      const row: KustomizeBenchRow = {
        n,
        oursMs: Math.round(ours.ms),
        fluxtsMs: Math.round(full.ms),
        kustomizeMs: Math.round(ref.ms),
        ratio: ratio(ours.ms),
        identical: ours.out === ref.out && full.out === ref.out,
      };
      rows.push(row);
      console.log(
        [
          String(n).padStart(6),
          String(row.oursMs).padStart(17),
          String(row.fluxtsMs).padStart(10),
          String(row.kustomizeMs).padStart(13),
          `${row.ratio}x`.padStart(11),
          `${ratio(full.ms)}x`.padStart(14),
          row.identical ? 'yes' : 'NO',
        ].join(' '),
      );
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return rows;
}

if (import.meta.main) {
  const sizes = process.argv[2] ? process.argv.slice(2).map(Number) : SIZES;
  await runKustomizeBench(sizes, process.env['BENCH_NO_PATCHES'] !== '1');
}
