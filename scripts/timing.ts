// Where the time of an `npm test` run went: tool builds (recorded by withBuildLock through FLUXTS_TIMING_FILE),
// the control plane, the two phases, and each suite (the sum of its files' wall times, from timing-reporter.ts).
import { appendFileSync, readFileSync } from 'node:fs';

/** TimingLine is one record: a build, a wait for another process's build, a test file, or a phase. */
export interface TimingLine {
  kind: string;
  name: string;
  ms: number;
}

/** recordPhase appends a phase's wall time to the run's timing file. */
export function recordPhase(file: string, name: string, ms: number): void {
  appendFileSync(file, `${JSON.stringify({ kind: 'phase', name, ms })}\n`);
}

/** readTimings parses the JSON lines of the given files; missing files and torn lines are skipped. */
export function readTimings(...files: string[]): TimingLine[] {
  const out: TimingLine[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n')) {
      try {
        const v = JSON.parse(line) as Partial<TimingLine>;
        if (typeof v.kind === 'string' && typeof v.name === 'string' && typeof v.ms === 'number') {
          out.push({ kind: v.kind, name: v.name, ms: v.ms });
        }
      } catch {
        // an empty or torn line
      }
    }
  }
  return out;
}

/** suiteOf names the suite of a test file: `test/<area>`, or `src/<folder>` for unit tests. */
export function suiteOf(file: string): string {
  const parts = file.split('/');
  if (parts[0] === 'test' && parts.length > 2) return `test/${parts[1]}`;
  if (parts[0] === 'src' && parts.length > 2) return `src/${parts[1]}`;
  return parts.slice(0, -1).join('/') || file;
}

/** formatDuration prints 950ms, 12s, 3m05s or 1h02m. */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * summarize is the one line printed at the end of a run: total, phases, builds (slowest first, waits marked), and
 * every suite (slowest first; files of one phase run two at a time, so suites may add up to more than the phase).
 */
export function summarize(lines: readonly TimingLine[], totalMs: number): string {
  const sum = (kind: string): Map<string, number> => {
    const m = new Map<string, number>();
    for (const l of lines) {
      if (l.kind !== kind) continue;
      const key = kind === 'file' ? suiteOf(l.name) : l.name;
      m.set(key, (m.get(key) ?? 0) + l.ms);
    }
    return m;
  };
  const sorted = (m: Map<string, number>): [string, number][] => [...m].sort((a, b) => b[1] - a[1]);
  const list = (m: Map<string, number>, suffix = ''): string =>
    sorted(m)
      .map(([k, ms]) => `${k}${suffix} ${formatDuration(ms)}`)
      .join(', ');
  const parts = [`timing: total ${formatDuration(totalMs)}`];
  const phases = sum('phase');
  if (phases.size > 0) parts.push(`phases: ${[...phases].map(([k, ms]) => `${k} ${formatDuration(ms)}`).join(', ')}`);
  const builds = sum('build');
  const waits = sum('build-wait');
  parts.push(
    builds.size + waits.size > 0
      ? `builds: ${[list(builds), list(waits, ' (waited)')].filter(Boolean).join(', ')}`
      : 'builds: none (caches warm)',
  );
  const suites = sum('file');
  if (suites.size > 0) parts.push(`suites: ${list(suites)}`);
  return parts.join(' | ');
}
