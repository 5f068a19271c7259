import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { runHelm } from '../../src/cli/commands/helm.ts';
import { SHARED_FIXTURES } from '../support/fixtures.ts';
import { helmBinary, runHelm as runReferenceHelm } from './reference.ts';

/**
 * The differential test of `fluxts helm template` against the helm v4.2.4 binary: every chart of
 * test/helm/corpus with each of its argument sets, plus the shared fixtures' charts. stdout must be identical
 * byte for byte, and a failure must carry helm's exact message (`Error: …`) and exit code.
 *
 * A case is `{ name, args, pack? }` in the chart's cases.json: `args` follow `helm template`, with `CHART` standing
 * for the chart (a directory, or with `pack` a .tgz packed from it) and file arguments relative to the chart's
 * corpus folder.
 */

const CORPUS = join(import.meta.dirname, 'corpus');

interface Case {
  name: string;
  args: string[];
  pack?: boolean;
  /** mask: regular expressions whose matches are replaced on both sides (random names). */
  mask?: string[];
}

interface Outcome {
  code: number;
  stdout: string;
  error: string;
}

/** errorPart is what follows `Error: ` on stderr (helm also logs warnings there, which are not compared). */
function errorPart(stderr: string): string {
  const i = stderr.indexOf('Error: ');
  return i < 0 ? '' : stderr.slice(i);
}

describe('fluxts helm template matches helm v4.2.4', () => {
  let helm: string;
  let home: string;
  before(async () => {
    helm = await helmBinary();
    home = mkdtempSync(join(tmpdir(), 'fluxts-helm-home-'));
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  const runBoth = async (
    cwd: string,
    args: string[],
    mask: string[] = [],
  ): Promise<{ ours: Outcome; theirs: Outcome }> => {
    const ref = runReferenceHelm(helm, ['template', ...args], { cwd, home });
    let stdout = '';
    let stderr = '';
    const code = await runHelm(['template', ...args], {
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
      cwd,
      env: { TZ: 'UTC' },
    });
    const clean = (s: string): string => mask.reduce((acc, m) => acc.replace(new RegExp(m, 'g'), '<masked>'), s);
    return {
      ours: { code, stdout: clean(stdout), error: errorPart(stderr) },
      theirs: { code: ref.status, stdout: clean(ref.stdout), error: errorPart(ref.stderr) },
    };
  };

  const charts = existsSync(CORPUS) ? readdirSync(CORPUS).sort() : [];
  for (const chart of charts) {
    const dir = join(CORPUS, chart);
    if (!existsSync(join(dir, 'cases.json'))) continue;
    it(chart, async () => {
      const cases = JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8')) as Case[];
      const work = mkdtempSync(join(tmpdir(), `fluxts-helm-${chart}-`));
      try {
        cpSync(dir, work, { recursive: true });
        for (const sub of ['chart', ...readdirSync(work).filter((f) => f.startsWith('pack-'))]) {
          // Subcharts named charts/<x>.tgz.d are directories packed here, so the corpus holds no binaries.
          packNested(join(work, sub));
        }
        const failures: string[] = [];
        for (const c of cases) {
          let chartArg = './chart';
          if (c.pack === true) {
            execFileSync('tar', [
              'czf',
              join(work, 'chart.tgz'),
              '-C',
              work,
              '--transform',
              `s,^chart,${chartName(work)},`,
              'chart',
            ]);
            chartArg = './chart.tgz';
          }
          const args = c.args.map((a) => (a === 'CHART' ? chartArg : a));
          const { ours, theirs } = await runBoth(work, args, c.mask);
          if (ours.code !== theirs.code || ours.stdout !== theirs.stdout || ours.error !== theirs.error) {
            failures.push(`${c.name}: helm template ${args.join(' ')}\n${diff(theirs, ours)}`);
          }
        }
        assert.deepEqual(failures, []);
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    });
  }

  it('podinfo fixture chart', async () => {
    const work = mkdtempSync(join(tmpdir(), 'fluxts-helm-podinfo-'));
    try {
      cpSync(join(SHARED_FIXTURES, 'podinfo/charts/podinfo'), join(work, 'podinfo'), { recursive: true });
      const mask = ['-test-[a-z0-9]{5}\\b'];
      const sets: string[][] = [
        ['podinfo', './podinfo'],
        ['podinfo', './podinfo', '-f', './podinfo/values-prod.yaml'],
        [
          'podinfo',
          './podinfo',
          '--set',
          'ingress.enabled=true,hpa.enabled=true,serviceMonitor.enabled=true,redis.enabled=true',
        ],
        [
          'podinfo',
          './podinfo',
          '-f',
          join(SHARED_FIXTURES, 'flux2-kustomize-helm-example/apps/staging/podinfo-values.yaml'),
          '-n',
          'podinfo',
        ],
        [
          'podinfo',
          './podinfo',
          '--set',
          'certificate.create=true,tls.enabled=true,probes.readiness.httpGet=null',
          '--include-crds',
          '--kube-version',
          '1.28.3',
        ],
      ];
      const failures: string[] = [];
      for (const args of sets) {
        const { ours, theirs } = await runBoth(work, args, mask);
        if (ours.code !== theirs.code || ours.stdout !== theirs.stdout || ours.error !== theirs.error) {
          failures.push(`helm template ${args.join(' ')}\n${diff(theirs, ours)}`);
        }
      }
      assert.deepEqual(failures, []);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});

function chartName(work: string): string {
  const m = /^name:\s*(\S+)/m.exec(readFileSync(join(work, 'chart', 'Chart.yaml'), 'utf8'));
  return m?.[1] ?? 'chart';
}

/** packNested turns every `charts/<name>.tgz.d/` directory into the packaged `charts/<name>.tgz`. */
function packNested(chartDir: string): void {
  const charts = join(chartDir, 'charts');
  if (!existsSync(charts)) return;
  for (const entry of readdirSync(charts)) {
    const full = join(charts, entry);
    packNested(full);
    if (!entry.endsWith('.tgz.d')) continue;
    const inner = readdirSync(full)[0]!;
    execFileSync('tar', ['czf', join(charts, entry.slice(0, -2)), '-C', full, inner]);
    rmSync(full, { recursive: true, force: true });
  }
}

/** diff shows where the outputs part, briefly. */
function diff(theirs: Outcome, ours: Outcome): string {
  const lines: string[] = [];
  if (theirs.code !== ours.code) lines.push(`  exit: helm ${theirs.code}, fluxts ${ours.code}`);
  if (theirs.error !== ours.error)
    lines.push(`  error:\n    helm:   ${JSON.stringify(theirs.error)}\n    fluxts: ${JSON.stringify(ours.error)}`);
  if (theirs.stdout !== ours.stdout) {
    const a = theirs.stdout.split('\n');
    const b = ours.stdout.split('\n');
    let i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    lines.push(`  stdout differs at line ${i + 1}:`);
    for (let k = Math.max(0, i - 2); k < Math.min(Math.max(a.length, b.length), i + 4); k++) {
      lines.push(`    helm:   ${JSON.stringify(a[k] ?? '<end>')}`);
      lines.push(`    fluxts: ${JSON.stringify(b[k] ?? '<end>')}`);
    }
  }
  return lines.join('\n');
}
