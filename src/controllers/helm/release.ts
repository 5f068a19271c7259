// The Helm actions on the cluster, as Helm v4.2.4's install / upgrade / uninstall run them for the helm-controller:
// render, store the pending record (`pending-install`, `pending-upgrade`), CRDs by policy, hooks in weight order,
// server-side apply of the manifest, removal of what the previous revision had and this one lacks, the kstatus
// wait, and the record's final state (`deployed`, the previous one `superseded`; `failed` with Helm's description
// when anything fails). Every storage write is reported to `observe`, so status.history follows the storage as
// helm-controller's observed releases do.
import {
  loadChart,
  localTime,
  newRelease,
  nodeChartFileSystem,
  renderChart,
  type GoTime,
  type Release,
  type RenderedRelease,
  type ValueMap,
} from '../../engines/helm/index.ts';
import { sprigFunctions } from '../../engines/sprig/index.ts';
import {
  applyAllStaged,
  type ChangeSet,
  deleteAll,
  isNotFound,
  type KubeClient,
  type StatusFn,
  type KubeObject,
  objectId,
  type ObjectRef,
  refOf,
  waitForSet,
  waitForTermination,
} from '../../kube/index.ts';
import { errorMessage, FluxtsError } from '../../util/errors.ts';
import { runHooks } from './hooks.ts';
import { HELM_FIELD_MANAGER } from './kind.ts';
import { parseManifest, withNamespaces } from './manifest.ts';
import { reusedValues } from './preserve-values.ts';
import type { ReleaseStorage } from './storage.ts';

/** ReleaseActionError is a failed Helm action; `stored` says whether it left a release record behind. */
export class ReleaseActionError extends FluxtsError {
  readonly stored: boolean;
  constructor(message: string, stored: boolean, options?: { cause?: unknown }) {
    super(message, options);
    this.stored = stored;
  }
}

/** ActionTarget is where and how a release is made. */
export interface ActionTarget {
  client: KubeClient;
  storage: ReleaseStorage;
  name: string;
  namespace: string;
  signal: AbortSignal;
  /** observe receives every record written to the storage. */
  observe: (rel: Release) => void;
  /** stamp adds the controller's labels and annotations to every object applied. */
  stamp: (obj: KubeObject) => KubeObject;
  /** health judges objects in the waits instead of kstatus (healthCheckExprs). */
  health?: StatusFn | undefined;
}

/** ActionOptions are the settings of one install or upgrade. */
export interface ActionOptions {
  timeoutMs: number;
  wait: boolean;
  waitForJobs: boolean;
  disableHooks: boolean;
  crds: 'Skip' | 'Create' | 'CreateReplace';
  force: boolean;
  maxHistory: number;
  /** cleanupOnFail deletes the objects a failed upgrade created (Helm's CleanupOnFail). */
  cleanupOnFail?: boolean;
  /** preserveValues reuses the current release's values under the desired ones (preserve-values.ts). */
  preserveValues?: boolean;
}

/** WaitOptions are the settings applyAndWait reads. */
export type WaitOptions = Pick<ActionOptions, 'timeoutMs' | 'wait' | 'waitForJobs' | 'force'>;

/**
 * cleanupCreated deletes the objects a failed action created (Helm's CleanupOnFail: `results.Created`), returning
 * the error to report: the action's own, or Helm's wording when the cleanup failed too.
 */
export async function cleanupCreated(
  t: ActionTarget,
  applied: ChangeSet,
  cause: unknown,
  action: 'upgrade' | 'rollback',
): Promise<unknown> {
  const created = applied.filter((e) => e.action === 'created');
  if (created.length === 0) return cause;
  const result = await deleteAll(t.client, created, { exclusions: {} });
  if (result.errors.length === 0) return cause;
  const detail = result.errors.map((e) => errorMessage(e)).join(', ');
  return new FluxtsError(
    `an error occurred while cleaning up resources. original ${action} error: ${errorMessage(cause)}: unable to cleanup resources: ${detail}`,
    { cause },
  );
}

/** ActionResult is the release made and the objects its manifest holds (for the inventory). */
export interface ActionResult {
  release: Release;
  objects: KubeObject[];
}

/** now is the current time as a release record keeps it. */
export const now = (): GoTime => localTime(BigInt(Date.now()) * 1_000_000n);

/** renderFor renders a freshly loaded chart (rendering changes the chart) for one revision. */
export function renderFor(
  chartPath: string,
  values: ValueMap,
  target: Pick<ActionTarget, 'name' | 'namespace'>,
  revision: number,
  isUpgrade: boolean,
  chartValues?: ValueMap,
): RenderedRelease {
  const chart = loadChart(nodeChartFileSystem, chartPath);
  // preserveValues renders with the current release's values as the chart's defaults (Helm's reuseValues).
  if (chartValues) chart.values = chartValues;
  return renderChart(chart, values, {
    name: target.name,
    namespace: target.namespace,
    revision,
    isUpgrade,
    functions: sprigFunctions({ localZone: 'UTC' }),
  });
}

/** store writes a record (created or updated) and reports it to `observe`. */
export async function store(t: ActionTarget, rel: Release, created: boolean): Promise<void> {
  if (created) await t.storage.create(rel);
  else await t.storage.update(rel);
  t.observe(structuredClone(rel));
}

/** applyCrds installs the chart's crds/ as the policy says (Create: only missing ones; CreateReplace: all). */
async function applyCrds(t: ActionTarget, rendered: RenderedRelease, policy: ActionOptions['crds']): Promise<void> {
  if (policy === 'Skip') return;
  const crds = rendered.chart.crdObjects().flatMap((c) => parseManifest(new TextDecoder().decode(c.file.data)));
  if (crds.length === 0) return;
  const applied: ObjectRef[] = [];
  for (const crd of crds) {
    if (policy === 'Create') {
      try {
        await t.client.get(
          { apiVersion: crd.apiVersion ?? '', kind: crd.kind ?? '' },
          { name: crd.metadata.name ?? '' },
        );
        continue;
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    await t.client.apply(crd, { fieldManager: HELM_FIELD_MANAGER, force: true });
    applied.push(refOf(crd));
  }
  await waitForSet(t.client, applied, { interval: 500, timeout: 60_000, signal: t.signal });
}

/** manifestObjects are the rendered manifest's objects, namespaced and stamped: what is applied, and compared for drift. */
export async function manifestObjects(t: ActionTarget, manifest: string): Promise<KubeObject[]> {
  const objects = await withNamespaces(t.client, parseManifest(manifest), t.namespace);
  return objects.map(t.stamp);
}

/**
 * updateObjects is Helm's KubeClient.Update: the objects applied (staged server-side apply, conflicts forced as
 * helm-controller always does), then what `previous` had and they lack removed, unless Helm's keep policy protects
 * it. What was applied is pushed to `applied` as it happens, so a caller cleaning up after a failure sees it.
 */
export async function updateObjects(
  t: ActionTarget,
  objects: KubeObject[],
  force: boolean,
  previous: KubeObject[],
  applied: ChangeSet = [],
): Promise<ChangeSet> {
  const changeSet = await applyAllStaged(t.client, objects, {
    fieldManager: HELM_FIELD_MANAGER,
    force,
    concurrency: 4,
  });
  applied.push(...changeSet);
  const kept = new Set(objects.map((o) => objectId(refOf(o))));
  const stale = previous.filter((o) => !kept.has(objectId(refOf(o)))).map(refOf);
  if (stale.length > 0) {
    const deleted = await deleteAll(t.client, stale, { exclusions: { 'helm.sh/resource-policy': 'keep' } });
    if (deleted.errors.length > 0) throw deleted.errors[0]!;
  }
  return changeSet;
}

/** waitForRelease waits for the applied objects with kstatus (Jobs too unless told not to), unless wait is off. */
export async function waitForRelease(t: ActionTarget, changeSet: ChangeSet, opts: WaitOptions): Promise<void> {
  if (!opts.wait) return;
  const refs = changeSet.filter((e) => opts.waitForJobs || e.kind !== 'Job');
  await waitForSet(t.client, refs, {
    interval: 2000,
    timeout: opts.timeoutMs,
    signal: t.signal,
    ...(t.health ? { status: t.health } : {}),
  });
}

/** applyAndWait is updateObjects then waitForRelease. */
export async function applyAndWait(
  t: ActionTarget,
  objects: KubeObject[],
  opts: WaitOptions,
  previous: KubeObject[],
  applied: ChangeSet = [],
): Promise<ChangeSet> {
  const changeSet = await updateObjects(t, objects, opts.force, previous, applied);
  await waitForRelease(t, changeSet, opts);
  return changeSet;
}

/** finish truncates the history to maxHistory revisions (0 keeps all). */
export async function finish(t: ActionTarget, maxHistory: number): Promise<void> {
  if (maxHistory > 0) await t.storage.truncate(t.name, maxHistory);
}

/** Plan is one install or upgrade: the revision, its pending record, the hook events and Helm's texts. */
interface Plan {
  revision: number;
  isUpgrade: boolean;
  pending: 'pending-install' | 'pending-upgrade';
  pendingDescription: string;
  firstDeployed: GoTime | undefined;
  event: 'install' | 'upgrade';
  done: string;
  failed: (err: unknown) => string;
  /** previous is the manifest of the revision being replaced ('' for an install). */
  previous: string;
  /** chartValues replace the chart's default values (preserveValues). */
  chartValues?: ValueMap | undefined;
}

/**
 * perform renders, stores the pending record, runs pre hooks, applies and waits, runs post hooks and stores the
 * outcome. A failure before the pending record is stored changed nothing (`stored: false`); after it, the record
 * is stored as failed with Helm's description.
 */
async function perform(
  t: ActionTarget,
  chartPath: string,
  values: ValueMap,
  plan: Plan,
  opts: ActionOptions,
): Promise<ActionResult> {
  let rel: Release;
  try {
    const rendered = renderFor(chartPath, values, t, plan.revision, plan.isUpgrade, plan.chartValues);
    await applyCrds(t, rendered, opts.crds);
    const at = now();
    rel = newRelease(rendered, {
      version: plan.revision,
      status: plan.pending,
      description: plan.pendingDescription,
      firstDeployed: plan.firstDeployed ?? at,
      lastDeployed: at,
      applyMethod: 'ssa',
    });
    await store(t, rel, true);
  } catch (err) {
    throw new ReleaseActionError(errorMessage(err), false, { cause: err });
  }
  let objects: KubeObject[];
  const applied: ChangeSet = [];
  try {
    objects = await manifestObjects(t, rel.manifest);
    const previous = plan.previous ? await manifestObjects(t, plan.previous) : [];
    const hookOpts = { timeoutMs: opts.timeoutMs, signal: t.signal };
    if (!opts.disableHooks) await runHooks(t.client, rel, `pre-${plan.event}`, hookOpts);
    await applyAndWait(t, objects, opts, previous, applied);
    if (!opts.disableHooks) await runHooks(t.client, rel, `post-${plan.event}`, hookOpts);
  } catch (err) {
    rel.info.status = 'failed';
    rel.info.description = plan.failed(err);
    rel.info.lastDeployed = now();
    await store(t, rel, false);
    // Helm cleans up after recording the failure; only upgrades offer it (install failures are remediated).
    const reported = opts.cleanupOnFail && plan.isUpgrade ? await cleanupCreated(t, applied, err, 'upgrade') : err;
    throw new ReleaseActionError(errorMessage(reported), true, { cause: reported });
  }
  rel.info.status = 'deployed';
  rel.info.description = plan.done;
  return { release: rel, objects };
}

/** install runs Helm's install of revision 1. */
export async function install(
  t: ActionTarget,
  chartPath: string,
  values: ValueMap,
  opts: ActionOptions & { createNamespace: boolean },
): Promise<ActionResult> {
  if (opts.createNamespace) {
    try {
      await createNamespace(t.client, t.namespace);
    } catch (err) {
      throw new ReleaseActionError(errorMessage(err), false, { cause: err });
    }
  }
  const result = await perform(
    t,
    chartPath,
    values,
    {
      revision: 1,
      isUpgrade: false,
      pending: 'pending-install',
      pendingDescription: 'Initial install underway',
      firstDeployed: undefined,
      event: 'install',
      done: 'Install complete',
      failed: (err) => `Release "${t.name}" failed: ${errorMessage(err)}`,
      previous: '',
    },
    opts,
  );
  await store(t, result.release, false);
  await finish(t, opts.maxHistory);
  return result;
}

/** upgrade runs Helm's upgrade from `current` (the deployed revision, else the last) to revision last+1. */
export async function upgrade(
  t: ActionTarget,
  chartPath: string,
  values: ValueMap,
  current: Release,
  lastVersion: number,
  opts: ActionOptions,
): Promise<ActionResult> {
  const reused = opts.preserveValues ? reusedValues(values, current) : undefined;
  const result = await perform(
    t,
    chartPath,
    reused?.values ?? values,
    {
      revision: lastVersion + 1,
      isUpgrade: true,
      pending: 'pending-upgrade',
      pendingDescription: 'Preparing upgrade',
      firstDeployed: current.info.firstDeployed,
      event: 'upgrade',
      done: 'Upgrade complete',
      failed: (err) => `Upgrade "${t.name}" failed: ${errorMessage(err)}`,
      previous: current.manifest,
      chartValues: reused?.chartValues,
    },
    opts,
  );
  if (current.info.status === 'deployed') {
    // Helm keeps the superseded record's description (`helm history` shows "Install complete").
    current.info.status = 'superseded';
    await store(t, current, false);
  }
  await store(t, result.release, false);
  await finish(t, opts.maxHistory);
  return result;
}

/** UninstallOptions are spec.uninstall's settings. */
export interface UninstallOptions {
  timeoutMs: number;
  wait: boolean;
  disableHooks: boolean;
  keepHistory: boolean;
}

/**
 * uninstall runs Helm's uninstall of the last revision: `uninstalling`, pre-delete hooks, the manifest's objects
 * deleted (those with `helm.sh/resource-policy: keep` stay), post-delete hooks, then the history removed (or the
 * record kept as `uninstalled`). Resolves undefined when there is no release.
 */
export async function uninstall(t: ActionTarget, opts: UninstallOptions): Promise<Release | undefined> {
  const last = await t.storage.last(t.name);
  if (!last) return undefined;
  if (last.info.status === 'uninstalled') return undefined;
  last.info.status = 'uninstalling';
  last.info.deleted = now();
  await store(t, last, false);
  const hookOpts = { timeoutMs: opts.timeoutMs, signal: t.signal };
  try {
    if (!opts.disableHooks) await runHooks(t.client, last, 'pre-delete', hookOpts);
    const objects = await withNamespaces(t.client, parseManifest(last.manifest), t.namespace);
    const result = await deleteAll(t.client, objects.map(refOf), {
      exclusions: { 'helm.sh/resource-policy': 'keep' },
    });
    if (result.errors.length > 0) throw result.errors[0]!;
    if (opts.wait) {
      const gone = result.changeSet.filter((e) => e.action === 'deleted');
      await waitForTermination(t.client, gone, { interval: 1000, timeout: opts.timeoutMs, signal: t.signal });
    }
    if (!opts.disableHooks) await runHooks(t.client, last, 'post-delete', hookOpts);
  } catch (err) {
    last.info.status = 'failed';
    last.info.description = `uninstallation completed with 1 error(s): ${errorMessage(err)}`;
    await store(t, last, false);
    throw new ReleaseActionError(errorMessage(err), true, { cause: err });
  }
  last.info.status = 'uninstalled';
  last.info.description = 'Uninstallation complete';
  if (opts.keepHistory) {
    await store(t, last, false);
  } else {
    t.observe(structuredClone(last));
    for (const rel of await t.storage.history(t.name)) await t.storage.delete(t.name, rel.version);
  }
  return last;
}

async function createNamespace(client: KubeClient, name: string): Promise<void> {
  try {
    await client.get({ apiVersion: 'v1', kind: 'Namespace' }, { name });
  } catch (err) {
    if (!isNotFound(err)) throw err;
    await client.create(
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
      { fieldManager: HELM_FIELD_MANAGER },
    );
  }
}
