// Helm v4.2.4's rollback (action/rollback.go) on the cluster: a new revision that copies the chart, values,
// manifest and hooks of the revision rolled back to, stored `pending-rollback` with the description `Rollback to N`
// (what `helm history` shows), pre-rollback hooks, the objects updated from the current revision's to the target's
// (server-side apply; what only the current revision had is removed), the kstatus wait, post-rollback hooks, then
// every deployed revision superseded and the new one deployed. Failures are recorded as Helm records them:
// an update that fails marks the new revision `failed` ("Rollback "name" failed: …") and the current one
// `superseded`; a wait that fails marks it `failed` ("Release "name" failed: …"); a failing hook leaves it
// `pending-rollback`, as Helm does (the next reconcile unlocks it).
import type { Release } from '../../engines/helm/index.ts';
import type { ChangeSet, KubeObject } from '../../kube/index.ts';
import { errorMessage } from '../../util/errors.ts';
import { runHooks } from './hooks.ts';
import {
  type ActionResult,
  type ActionTarget,
  cleanupCreated,
  finish,
  manifestObjects,
  now,
  ReleaseActionError,
  store,
  updateObjects,
  waitForRelease,
} from './release.ts';

/** RollbackOptions are spec.rollback's settings. */
export interface RollbackOptions {
  timeoutMs: number;
  wait: boolean;
  waitForJobs: boolean;
  disableHooks: boolean;
  /** force recreates objects whose immutable fields changed (see README: force under server-side apply). */
  force: boolean;
  cleanupOnFail: boolean;
  maxHistory: number;
}

/** rollbackRecord is the new revision a rollback from `current` to `previous` stores (prepareRollback). */
export function rollbackRecord(current: Release, previous: Release): Release {
  return {
    name: current.name,
    namespace: current.namespace,
    chart: previous.chart,
    config: previous.config,
    info: {
      firstDeployed: current.info.firstDeployed,
      lastDeployed: now(),
      status: 'pending-rollback',
      notes: previous.info.notes,
      description: `Rollback to ${previous.version}`,
    },
    version: current.version + 1,
    labels: { ...previous.labels },
    manifest: previous.manifest,
    hooks: structuredClone(previous.hooks),
    applyMethod: 'ssa',
  };
}

/**
 * rollback rolls the release back to revision `toVersion`. A failure before the new revision is stored changed
 * nothing (`stored: false`); after it, the storage holds what Helm would have written.
 */
export async function rollback(t: ActionTarget, toVersion: number, opts: RollbackOptions): Promise<ActionResult> {
  let current: Release | undefined;
  let previous: Release | undefined;
  try {
    current = await t.storage.last(t.name);
    previous = await t.storage.get(t.name, toVersion);
  } catch (err) {
    throw new ReleaseActionError(errorMessage(err), false, { cause: err });
  }
  if (!current) throw new ReleaseActionError('release: not found', false);
  if (!previous) throw new ReleaseActionError(`release has no ${toVersion} version`, false);
  const target = rollbackRecord(current, previous);
  let currentObjects: KubeObject[];
  let targetObjects: KubeObject[];
  try {
    await store(t, target, true);
    currentObjects = await manifestObjects(t, current.manifest);
    targetObjects = await manifestObjects(t, target.manifest);
  } catch (err) {
    throw new ReleaseActionError(errorMessage(err), false, { cause: err });
  }
  const hookOpts = { timeoutMs: opts.timeoutMs, signal: t.signal };
  await hookStep(() => (opts.disableHooks ? undefined : runHooks(t.client, target, 'pre-rollback', hookOpts)));

  const applied: ChangeSet = [];
  let changeSet: ChangeSet;
  try {
    changeSet = await updateObjects(t, targetObjects, opts.force, currentObjects, applied);
  } catch (err) {
    current.info.status = 'superseded';
    target.info.status = 'failed';
    target.info.description = `Rollback "${t.name}" failed: ${errorMessage(err)}`;
    await store(t, current, false);
    await store(t, target, false);
    const reported = opts.cleanupOnFail ? await cleanupCreated(t, applied, err, 'rollback') : err;
    throw new ReleaseActionError(errorMessage(reported), true, { cause: reported });
  }
  try {
    await waitForRelease(t, changeSet, opts);
  } catch (err) {
    target.info.status = 'failed';
    target.info.description = `Release "${t.name}" failed: ${errorMessage(err)}`;
    await store(t, target, false);
    throw new ReleaseActionError(`release ${t.name} failed: ${errorMessage(err)}`, true, { cause: err });
  }
  await hookStep(() => (opts.disableHooks ? undefined : runHooks(t.client, target, 'post-rollback', hookOpts)));

  // Supersede every deployed revision (Helm issue #2941), then the new one is the deployed one.
  for (const rel of await t.storage.history(t.name)) {
    if (rel.info.status !== 'deployed' || rel.version === target.version) continue;
    rel.info.status = 'superseded';
    await store(t, rel, false);
  }
  target.info.status = 'deployed';
  await store(t, target, false);
  await finish(t, opts.maxHistory);
  return { release: target, objects: targetObjects };
}

/** hookStep runs a hook phase; its failure leaves the stored revision as Helm leaves it (pending-rollback). */
async function hookStep(run: () => Promise<void> | undefined): Promise<void> {
  try {
    await run();
  } catch (err) {
    throw new ReleaseActionError(errorMessage(err), true, { cause: err });
  }
}
