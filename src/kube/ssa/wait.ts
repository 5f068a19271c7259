// Polling a set of objects until kstatus says they are Current (fluxcd/pkg ssa `manager_wait.go`).
import { readStatus, waitDone, waitError, type ResourceStatus } from '../../engines/kstatus/index.ts';
import { sleep } from '../../util/sleep.ts';
import { FluxtsError } from '../../util/errors.ts';
import { apiVersionOf, type ObjectRef } from './changeset.ts';
import { isNotFound, type KubeClient, type KubeObject } from '../client/index.ts';
import { objectId } from './inventory.ts';

/**
 * StatusFn computes the status of one live object (default: kstatus as Flux's health checks read it); `pods` are
 * the Pods selected by a StatefulSet or ReplicaSet, whose failures fail their controller.
 */
export type StatusFn = (obj: KubeObject, pods?: readonly KubeObject[]) => ResourceStatus;

/** WaitOptions tunes a wait; durations in milliseconds. */
export interface WaitOptions {
  /** interval between polls (Flux: 5s for health checks, 2s between apply stages). */
  interval?: number;
  /** timeout of the whole wait (Flux: the Kustomization's timeout; 60s between apply stages). */
  timeout?: number;
  /** failFast stops as soon as one object is Failed (Flux's default). */
  failFast?: boolean;
  /** status overrides the status reader (custom health checks). */
  status?: StatusFn;
  /** jobsWithTTL: refKey()s of Jobs that may disappear once complete. */
  jobsWithTTL?: ReadonlySet<string>;
  signal?: AbortSignal;
  /** concurrency of the GETs of one poll. */
  concurrency?: number;
  /**
   * initial holds objects as the server returned them moments ago (apply responses, live reads), by objectId():
   * the first poll judges them without reading them again.
   */
  initial?: ReadonlyMap<string, KubeObject>;
}

/** WaitError: the set did not become Current; the message names every object that is not, with its status. */
export class WaitError extends FluxtsError {
  readonly statuses: readonly ResourceStatus[];
  readonly timedOut: boolean;

  constructor(message: string, statuses: readonly ResourceStatus[], timedOut: boolean) {
    super(message);
    this.statuses = statuses;
    this.timedOut = timedOut;
  }
}

const defaultStatus: StatusFn = (obj, pods) => readStatus(obj, pods ? { pods } : {});

const podControllers = new Set(['apps/StatefulSet', 'apps/ReplicaSet']);

/** selectedPods lists the Pods of a StatefulSet or ReplicaSet by its matchLabels, as Flux's status poller does. */
async function selectedPods(client: KubeClient, obj: KubeObject, ref: ObjectRef): Promise<KubeObject[] | undefined> {
  if (!podControllers.has(`${ref.group}/${ref.kind}`)) return undefined;
  const selector = (obj.spec as { selector?: { matchLabels?: Record<string, string> } } | undefined)?.selector;
  const labels = Object.entries(selector?.matchLabels ?? {});
  if (labels.length === 0) return undefined;
  const list = await client.list(
    { apiVersion: 'v1', kind: 'Pod' },
    {
      namespace: ref.namespace,
      labelSelector: labels.map(([k, v]) => `${k}=${v}`).join(','),
    },
  );
  // List items carry no apiVersion/kind, which kstatus needs to pick the Pod rule.
  return list.items.map((pod) => ({ ...pod, apiVersion: 'v1', kind: 'Pod' }));
}

/**
 * pollOnce reads and judges the objects at `indexes` into `out`; `initial` objects are judged without a read (the
 * Pods of a StatefulSet or ReplicaSet are still listed).
 */
async function pollOnce(
  client: KubeClient,
  refs: readonly ObjectRef[],
  indexes: readonly number[],
  out: ResourceStatus[],
  opts: WaitOptions,
  initial?: ReadonlyMap<string, KubeObject>,
): Promise<void> {
  const status = opts.status ?? defaultStatus;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < indexes.length) {
      const i = indexes[next++]!;
      const r = refs[i]!;
      const kref = { group: r.group, kind: r.kind, namespace: r.namespace, name: r.name };
      try {
        const obj =
          initial?.get(objectId(r)) ??
          (await client.get(
            { apiVersion: apiVersionOf(r), kind: r.kind },
            { name: r.name, ...(r.namespace ? { namespace: r.namespace } : {}) },
          ));
        out[i] = status(obj, await selectedPods(client, obj, r).catch(() => undefined));
      } catch (err) {
        out[i] = isNotFound(err)
          ? { ref: kref, status: 'NotFound', message: 'Resource not found' }
          : { ref: kref, status: 'Unknown', message: '', error: err instanceof Error ? err.message : String(err) };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 8, indexes.length) }, worker));
}

/** FIRST_POLL_DELAY_MS is the pause before the second poll of a wait; it doubles up to the interval. */
const FIRST_POLL_DELAY_MS = 250;

/**
 * waitForSet polls the objects until all are Current, and throws a WaitError when one fails (fail-fast), when all
 * settled without being Current, or on timeout: `timeout waiting for: [Deployment/apps/web status: 'InProgress':
 * Deployment does not have minimum availability., …]`. Returns the last statuses on success.
 */
export async function waitForSet(
  client: KubeClient,
  refs: readonly ObjectRef[],
  opts: WaitOptions = {},
): Promise<ResourceStatus[]> {
  if (refs.length === 0) return [];
  const interval = opts.interval ?? 5000;
  // Most objects settle within a second of being applied: poll soon, then back off to the configured interval, so
  // a fast apply isn't held for a whole interval and a slow one doesn't hammer the apiserver.
  let delay = Math.min(FIRST_POLL_DELAY_MS, interval);
  const deadline = Date.now() + (opts.timeout ?? 60_000);
  const waitOpts = { failFast: opts.failFast ?? true, ...(opts.jobsWithTTL ? { jobsWithTTL: opts.jobsWithTTL } : {}) };
  const statuses = new Array<ResourceStatus>(refs.length);
  // An object that reached Current is not read again: on a set of hundreds that is most of the requests, and
  // Flux's aggregate verdict (all Current) is the same unless an object regresses within the wait.
  let pending = refs.map((_, i) => i);
  let initial = opts.initial;
  for (;;) {
    await pollOnce(client, refs, pending, statuses, opts, initial);
    initial = undefined;
    pending = pending.filter((i) => statuses[i]!.status !== 'Current');
    if (waitDone(statuses, waitOpts)) {
      const message = waitError(statuses, { timedOut: false, ...waitOpts });
      if (message === undefined) return statuses;
      throw new WaitError(message, statuses, false);
    }
    if (Date.now() + delay > deadline || opts.signal?.aborted) break;
    await sleep(delay, opts.signal);
    delay = Math.min(delay * 2, interval);
  }
  const message = waitError(statuses, { timedOut: true, ...waitOpts }) ?? 'timeout waiting for the objects';
  throw new WaitError(message, statuses, true);
}

/** waitForTermination polls until every object is gone (deletionPolicy WaitForTermination); throws on timeout. */
export async function waitForTermination(
  client: KubeClient,
  refs: readonly ObjectRef[],
  opts: Pick<WaitOptions, 'interval' | 'timeout' | 'signal'> = {},
): Promise<void> {
  const deadline = Date.now() + (opts.timeout ?? 60_000);
  for (const r of refs) {
    for (;;) {
      try {
        await client.get(
          { apiVersion: apiVersionOf(r), kind: r.kind },
          { name: r.name, ...(r.namespace ? { namespace: r.namespace } : {}) },
        );
      } catch (err) {
        if (isNotFound(err)) break;
        throw err;
      }
      if (Date.now() >= deadline || opts.signal?.aborted) {
        throw new WaitError(`${r.kind}/${r.namespace ? `${r.namespace}/` : ''}${r.name} termination timeout`, [], true);
      }
      await sleep(opts.interval ?? 2000, opts.signal);
    }
  }
}
