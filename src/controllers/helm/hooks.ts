// Chart hooks as Helm v4 runs them (action/hooks.go execHook): the release's hooks for an event in weight order,
// each deleted first under `before-hook-creation` (the default policy), created, waited for when it is a Job or a
// Pod, and deleted afterwards under `hook-succeeded` / `hook-failed`. The release record carries each hook's last
// run, so `helm history`/`helm status` show it.
import {
  finishHook,
  hooksFor,
  localTime,
  startHook,
  type Release,
  type ReleaseHook,
} from '../../engines/helm/index.ts';
import { readStatus } from '../../engines/kstatus/index.ts';
import {
  isNotFound,
  type KubeClient,
  type KubeObject,
  refOf,
  type StatusFn,
  typeOf,
  waitForSet,
  waitForTermination,
} from '../../kube/index.ts';
import { errorMessage, FluxtsError } from '../../util/errors.ts';
import { parseManifest, withNamespaces } from './manifest.ts';
import { HELM_FIELD_MANAGER } from './kind.ts';

/** HookError is a hook that could not be created or did not succeed. */
export class HookError extends FluxtsError {}

/** HookOptions bound one hook run. */
export interface HookOptions {
  timeoutMs: number;
  signal: AbortSignal;
  /** wait: whether Jobs and Pods are waited for (always, as in Helm; false only in tests of the policy logic). */
  wait?: boolean;
}

const now = () => localTime(BigInt(Date.now()) * 1_000_000n);
const WAITED = new Set(['Job', 'Pod']);

/**
 * hookStatus is how Helm watches a hook until it is done (WatchUntilReady): a Pod must end Succeeded, and one that
 * ends Failed fails the hook (kstatus alone calls any completed Pod Current); Jobs follow kstatus's Job rule.
 */
export const hookStatus: StatusFn = (obj, pods) => {
  if (obj.kind !== 'Pod') return readStatus(obj, pods ? { pods } : {});
  const ref = refOf(obj);
  const kref = { group: ref.group, kind: ref.kind, namespace: ref.namespace, name: ref.name };
  const phase = (obj.status as { phase?: string } | undefined)?.phase ?? '';
  if (phase === 'Succeeded') return { ref: kref, status: 'Current', message: 'Pod has completed successfully' };
  if (phase === 'Failed') return { ref: kref, status: 'Failed', message: `pod ${obj.metadata.name ?? ''} failed` };
  return { ref: kref, status: 'InProgress', message: `Pod is ${phase || 'Pending'}` };
};

async function deleteHook(client: KubeClient, obj: KubeObject, signal: AbortSignal, timeoutMs: number): Promise<void> {
  const key = {
    name: obj.metadata.name ?? '',
    ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}),
  };
  try {
    await client.delete(typeOf(obj), key);
  } catch (err) {
    if (isNotFound(err)) return;
    throw err;
  }
  await waitForTermination(client, [refOf(obj)], { interval: 500, timeout: timeoutMs, signal });
}

/** runHook runs one hook of an event: created (after a before-hook-creation delete), waited for, cleaned up. */
export async function runHook(
  client: KubeClient,
  rel: Release,
  hook: ReleaseHook,
  event: string,
  opts: HookOptions,
): Promise<void> {
  const [obj] = await withNamespaces(client, parseManifest(hook.manifest), rel.namespace);
  if (!obj) return;
  startHook(hook, now());
  if (hook.deletePolicies.includes('before-hook-creation')) {
    await deleteHook(client, obj, opts.signal, opts.timeoutMs);
  }
  try {
    await client.apply(obj, { fieldManager: HELM_FIELD_MANAGER, force: true });
    if (opts.wait !== false && WAITED.has(obj.kind ?? '')) {
      await waitForSet(client, [refOf(obj)], {
        interval: 1000,
        timeout: opts.timeoutMs,
        signal: opts.signal,
        status: hookStatus,
      });
    }
  } catch (err) {
    finishHook(hook, now(), false);
    if (hook.deletePolicies.includes('hook-failed')) {
      await deleteHook(client, obj, opts.signal, opts.timeoutMs).catch(() => undefined);
    }
    throw new HookError(`${event} hook ${hook.path} failed: ${errorMessage(err)}`, { cause: err });
  }
  finishHook(hook, now(), true);
  if (hook.deletePolicies.includes('hook-succeeded')) await deleteHook(client, obj, opts.signal, opts.timeoutMs);
}

/**
 * runHooks runs the hooks of `event` in Helm's order and records their runs on the release; the first failure
 * stops the run (Helm: `<event> hooks failed`).
 */
export async function runHooks(client: KubeClient, rel: Release, event: string, opts: HookOptions): Promise<void> {
  for (const hook of hooksFor(rel, event)) await runHook(client, rel, hook, event, opts);
}
