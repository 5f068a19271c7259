// Which Alerts an event matches: event sources (kind, name or `*`, namespace, matchLabels), severity, and the
// inclusion/exclusion regular expressions with Go's RE2 semantics.
import { RE2JS } from 're2js';

import type { Alert } from '../../../api/index.ts';
import type { FluxEvent } from '../event.ts';

/** AlertWarning is a configuration problem found while matching, reported as a Warning event on the Alert. */
export interface AlertWarning {
  alert: Alert;
  reason: 'InvalidConfig' | 'SourceFetchFailed';
  message: string;
}

/** MatchContext gives the matcher what it needs beyond the event: object labels and a sink for warnings. */
export interface MatchContext {
  /** labelsOf fetches the involved object's labels; undefined when it cannot be read. */
  labelsOf(event: FluxEvent): Promise<Record<string, string> | undefined>;
  warn(warning: AlertWarning): void;
}

type Compiled = { ok: true; re: RE2JS } | { ok: false };

/** RegexCache compiles each distinct pattern once; patterns come from Alerts and change rarely. */
export class RegexCache {
  readonly #cache = new Map<string, Compiled>();

  get(pattern: string): Compiled {
    let compiled = this.#cache.get(pattern);
    if (!compiled) {
      try {
        compiled = { ok: true, re: RE2JS.compile(pattern) };
      } catch {
        compiled = { ok: false };
      }
      if (this.#cache.size > 4096) this.#cache.clear();
      this.#cache.set(pattern, compiled);
    }
    return compiled;
  }
}

/**
 * matchAlerts returns the Alerts that forward the event: not suspended, with a matching event source, the message
 * matching an inclusion pattern (when there are any) and no exclusion pattern. Invalid patterns never match and
 * are reported once per evaluation, as Flux does.
 */
export async function matchAlerts(
  event: FluxEvent,
  alerts: readonly Alert[],
  ctx: MatchContext,
  regexes: RegexCache,
): Promise<Alert[]> {
  const matched: Alert[] = [];
  let labels: Promise<Record<string, string> | undefined> | undefined;
  const lazyLabels = () => (labels ??= ctx.labelsOf(event));
  for (const alert of alerts) {
    if (alert.spec.suspend) continue;
    if (!(await matchesSources(event, alert, lazyLabels, ctx))) continue;
    if (!messageIncluded(event.message, alert, ctx, regexes)) continue;
    if (messageExcluded(event.message, alert, ctx, regexes)) continue;
    matched.push(alert);
  }
  return matched;
}

async function matchesSources(
  event: FluxEvent,
  alert: Alert,
  labelsOf: () => Promise<Record<string, string> | undefined>,
  ctx: MatchContext,
): Promise<boolean> {
  const io = event.involvedObject;
  const severity = alert.spec.eventSeverity ?? 'info';
  for (const source of alert.spec.eventSources) {
    const namespace = source.namespace || (alert.metadata.namespace ?? '');
    if (io.namespace !== namespace || io.kind !== source.kind) continue;
    if (event.severity !== severity && severity !== 'info') continue;
    if (source.name !== '*' && source.name !== io.name) continue;
    if (source.matchLabels === undefined) return true;
    const labels = await labelsOf();
    if (labels === undefined) {
      ctx.warn({
        alert,
        reason: 'SourceFetchFailed',
        message: `error getting source object ${io.kind}/${io.namespace}/${io.name}`,
      });
      continue;
    }
    if (Object.entries(source.matchLabels).every(([k, v]) => labels[k] === v)) return true;
  }
  return false;
}

function messageIncluded(message: string, alert: Alert, ctx: MatchContext, regexes: RegexCache): boolean {
  const list = alert.spec.inclusionList ?? [];
  if (list.length === 0) return true;
  let included = false;
  for (const pattern of list) {
    const compiled = regexes.get(pattern);
    if (!compiled.ok) {
      ctx.warn({ alert, reason: 'InvalidConfig', message: `failed to compile inclusion regex: ${pattern}` });
    } else if (compiled.re.matcher(message).find()) {
      included = true;
      break;
    }
  }
  return included;
}

function messageExcluded(message: string, alert: Alert, ctx: MatchContext, regexes: RegexCache): boolean {
  for (const pattern of alert.spec.exclusionList ?? []) {
    const compiled = regexes.get(pattern);
    if (!compiled.ok) {
      ctx.warn({ alert, reason: 'InvalidConfig', message: `failed to compile exclusion regex: ${pattern}` });
    } else if (compiled.re.matcher(message).find()) {
      return true;
    }
  }
  return false;
}
