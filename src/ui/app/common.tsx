// Small pieces every view uses: the state badge (a word and a symbol, never colour alone), ages, messages.
import type { ComponentChildren } from 'preact';

const SYMBOL: Record<string, string> = {
  stalled: '⛔',
  failed: '✗',
  progressing: '◌',
  unknown: '?',
  suspended: '⏸',
  ready: '✓',
  static: '•',
  Current: '✓',
  InProgress: '◌',
  Failed: '✗',
  Terminating: '⌛',
  NotFound: '∅',
  Unknown: '?',
};

const WORD: Record<string, string> = {
  Current: 'healthy',
  InProgress: 'in progress',
  Failed: 'failed',
  Terminating: 'terminating',
  NotFound: 'not found',
  Unknown: 'unknown',
};

/** healthClass maps a row state or kstatus status to a CSS class. */
export function healthClass(state: string): string {
  if (state === 'stalled' || state === 'failed' || state === 'Failed' || state === 'NotFound') return 'bad';
  if (state === 'ready' || state === 'Current') return 'good';
  if (state === 'progressing' || state === 'InProgress' || state === 'Terminating') return 'busy';
  if (state === 'suspended') return 'paused';
  return 'neutral';
}

/** Badge shows a state as a symbol and a word. */
export function Badge({ state }: { state: string }) {
  return (
    <span class={`badge ${healthClass(state)}`} data-state={state}>
      <span aria-hidden="true">{SYMBOL[state] ?? '•'}</span> {WORD[state] ?? state}
    </span>
  );
}

/** age renders the time since an RFC 3339 timestamp as kubectl does (5s, 3m, 2h, 4d). */
export function age(since: string, now = Date.now()): string {
  const t = Date.parse(since);
  if (!since || Number.isNaN(t)) return '';
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

/** Time shows an age with the exact time on hover and for screen readers. */
export function Time({ at }: { at: string }) {
  if (!at) return <span />;
  return (
    <time dateTime={at} title={at}>
      {age(at)}
    </time>
  );
}

/** shortRevision cuts `main@sha1:<40 hex>` to 12 hex digits for tables; the full one is in the title. */
export function shortRevision(rev: string): string {
  return rev.replace(/([a-f0-9]{12})[a-f0-9]{28,116}\b/g, '$1');
}

/** Section is a titled region of a page. */
export function Section({ title, id, children }: { title: string; id: string; children: ComponentChildren }) {
  return (
    <section aria-labelledby={`${id}-title`} class="section">
      <h2 id={`${id}-title`}>{title}</h2>
      {children}
    </section>
  );
}

/** Notice is a banner: errors, unreachable clusters, stale data. */
export function Notice({ kind, children }: { kind: 'error' | 'warn' | 'info'; children: ComponentChildren }) {
  return (
    <div class={`notice ${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}
