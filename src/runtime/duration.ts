import { FluxtsError } from '../util/errors.ts';

/** DurationError is a malformed Go duration string. */
export class DurationError extends FluxtsError {}

const unitMs: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/**
 * parseDuration reads a Go duration (`1h30m`, `5m`, `750ms`, `1.5s`) into milliseconds, the format of
 * `spec.interval`, `spec.timeout` and duration flags.
 */
export function parseDuration(text: string): number {
  const source = text.trim();
  if (source === '0') return 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/y;
  let sign = 1;
  let pos = 0;
  if (source.startsWith('-') || source.startsWith('+')) {
    sign = source.startsWith('-') ? -1 : 1;
    pos = 1;
  }
  let total = 0;
  let parts = 0;
  while (pos < source.length) {
    re.lastIndex = pos;
    const m = re.exec(source);
    if (!m) break;
    total += Number(m[1]) * (unitMs[m[2] ?? ''] ?? 0);
    pos = re.lastIndex;
    parts++;
  }
  if (parts === 0 || pos !== source.length)
    throw new DurationError(`duration "${text}": not a Go duration like 5m or 1h30m`);
  return sign * total;
}

/** formatDuration renders milliseconds as Go prints a time.Duration (`5m0s`, `1h0m0s`, `750ms`). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(ms);
  if (rest < 1000) return `${sign}${trim(rest)}ms`;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = `${trim(rest / 1000)}s`;
  if (h > 0) return `${sign}${h}h${m}m${s}`;
  if (m > 0) return `${sign}${m}m${s}`;
  return `${sign}${s}`;
}

function trim(n: number): string {
  return String(Number(n.toFixed(9)));
}
