import { formatRef, type ObjectRef, type ResourceStatus, type Status } from './types.ts';

/**
 * aggregateStatus combines statuses as cli-utils' aggregator does: any Failed → Failed, else any Unknown →
 * Unknown, else all Current → Current, else InProgress. No statuses count as Current.
 */
export function aggregateStatus(statuses: readonly Status[]): Status {
  if (statuses.length === 0) return 'Current';
  if (statuses.includes('Failed')) return 'Failed';
  if (statuses.includes('Unknown')) return 'Unknown';
  return statuses.every((s) => s === 'Current') ? 'Current' : 'InProgress';
}

/** refKey identifies an object for sets such as `jobsWithTTL`. */
export const refKey = (ref: ObjectRef): string => `${ref.group}|${ref.kind}|${ref.namespace}|${ref.name}`;

export interface WaitOptions {
  /** failFast stops as soon as one object is Failed (Flux's default; `DisableFailFastBehavior` turns it off). */
  failFast: boolean;
  /** jobsWithTTL are Jobs that may vanish once finished: NotFound counts as Current for them (keys by refKey). */
  jobsWithTTL?: ReadonlySet<string>;
}

function effective(s: ResourceStatus, jobsWithTTL: ReadonlySet<string> | undefined): Status {
  return s.status === 'NotFound' && jobsWithTTL?.has(refKey(s.ref)) ? 'Current' : s.status;
}

/**
 * waitDone says whether a health-check wait may stop after a poll (fluxcd/pkg ssa `WaitForSetWithContext`): when
 * everything is Current, when fail-fast and one is Failed, or when every object is either Current or Failed.
 * Objects not yet polled count as Unknown.
 */
export function waitDone(statuses: readonly ResourceStatus[], options: WaitOptions): boolean {
  const eff = statuses.map((s) => effective(s, options.jobsWithTTL));
  const terminal = eff.every((s) => s === 'Failed' || s === 'Current');
  if (aggregateStatus(statuses.map((s) => s.status)) === 'Current') return true;
  return (options.failFast && eff.includes('Failed')) || terminal;
}

export interface WaitErrorOptions {
  /** timedOut is true when the wait ran into its timeout, false when it stopped early. */
  timedOut: boolean;
  jobsWithTTL?: ReadonlySet<string>;
  /**
   * details appends each object's status message (`…status: 'InProgress': Ready: 0/1`), so the message says why.
   * Flux prints only the status; `details: false` reproduces its text byte for byte.
   */
  details?: boolean;
}

/**
 * waitError is the health-check failure message Flux sets on the Kustomization, or undefined when the wait
 * succeeded: `timeout waiting for: [Deployment/apps/web status: 'InProgress', …]` after a timeout, else
 * `failed early due to stalled resources: […]`. `statuses` holds the last status of every checked object, in the
 * order they are listed (Flux's order is random); `undefined` marks an object never polled.
 */
export function waitError(
  statuses: readonly (ResourceStatus | { ref: ObjectRef; status?: undefined })[],
  options: WaitErrorOptions,
): string | undefined {
  const errs: string[] = [];
  for (const s of statuses) {
    const ttl = options.jobsWithTTL?.has(refKey(s.ref)) ?? false;
    if (s.status === undefined) {
      if (!ttl) errs.push(`can't determine status for ${formatRef(s.ref)}`);
      continue;
    }
    if (s.status === 'NotFound' && ttl) continue;
    if (s.status === 'Failed' || (options.timedOut && s.status !== 'Current')) {
      const full = s;
      let line = `${formatRef(s.ref)} status: '${s.status}'`;
      if (full.error) line += `: ${full.error}`;
      else if (options.details !== false && full.message) line += `: ${full.message}`;
      errs.push(line);
    }
  }
  if (errs.length === 0) return undefined;
  return `${options.timedOut ? 'timeout waiting for' : 'failed early due to stalled resources'}: [${errs.join(', ')}]`;
}
