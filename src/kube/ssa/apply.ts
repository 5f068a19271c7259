// Staged server-side apply of a set of objects (fluxcd/pkg ssa `ApplyAllStaged`), validated as a whole first.
import { ApplyError, apiDetail, DryRunError, DryRunFailedError, ObjectError, redactSecret } from './apply-errors.ts';
import { entryOf, refOf, type ChangeSet, type ObjectRef } from './changeset.ts';
import { isNotFound, type KubeClient, type KubeObject, typeOf } from '../client/index.ts';
import { serverSideApply } from './dry-run.ts';
import { objectId } from './inventory.ts';
import { normalizeObject } from './normalize.ts';
import { planObject, type Plan, type PlanContext } from './plan.ts';
import { APPLY_STAGES, compareRefs, stageIndex } from './stages.ts';
import type { IgnoreRule } from './ignore.ts';
import { defaultTakeoverManagers, type FieldManager } from './takeover.ts';
import { waitForSet, waitForTermination, type StatusFn } from './wait.ts';

/** FIELD_MANAGER is kustomize-controller's field manager for applies and dry-runs. */
export const FIELD_MANAGER = 'kustomize-controller';

/** ApplyOptions tunes applyAllStaged; durations in milliseconds. */
export interface ApplyOptions {
  fieldManager?: string;
  /** force recreates objects whose immutable fields changed (`spec.force`); the force annotation does it per object. */
  force?: boolean;
  /** customStageKinds: `group/Kind` applied in their own stage before the rest (`--custom-apply-stage-kinds`). */
  customStageKinds?: ReadonlySet<string>;
  /** overrideManagers: extra managers taken over by exact name (`--override-manager`). */
  overrideManagers?: readonly string[];
  /** takeover replaces the whole list of managers taken over. */
  takeover?: readonly FieldManager[];
  /**
   * ignore: drift-ignore rules (`spec.ignore`): their paths are left out of the drift check, and an apply leaves
   * them to their other Apply owner or keeps their live value.
   */
  ignore?: readonly IgnoreRule[];
  /** concurrency of dry-runs (`--concurrent-ssa`, default 4); writes are sequential in apply order. */
  concurrency?: number;
  /** waitInterval/waitTimeout: the wait after the definitions and classes stages (2s / 60s). */
  waitInterval?: number;
  waitTimeout?: number;
  /** status overrides the status reader of the stage waits. */
  status?: StatusFn;
  /**
   * observed, when given, receives the server's view of every object after the apply (the apply response, or the
   * live object when nothing was written), by objectId(): a health check can start from it instead of reading
   * every object again.
   */
  observed?: Map<string, KubeObject>;
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<(R | Error)[]> {
  const out = new Array<R | Error>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      try {
        out[i] = await fn(items[i]!);
      } catch (err) {
        out[i] = err instanceof Error ? err : new Error(String(err));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

/**
 * planAll dry-runs items concurrently; any failure (all of them, in apply order) throws DryRunFailedError. With
 * `deferMissing`, an object rejected because something it refers to is missing (NotFound, or an RBAC check that
 * could not find a Role) is deferred to its stage when an earlier stage of the set creates objects: the server can
 * only judge it once those exist, as in Flux's stage-by-stage dry-run.
 */
async function planAll(
  ctx: PlanContext,
  items: readonly PlanItem[],
  limit: number,
  deferMissing = false,
): Promise<Plan[]> {
  let results: (Plan | Error)[];
  if (deferMissing) {
    // Namespaces first: the objects of a Namespace this apply creates cannot exist and cannot be dry-run yet, so
    // they are deferred to their stage without a read or a dry-run that is bound to fail.
    const namespaces = items.flatMap((item, i) => (isNamespace(item.ref) ? [i] : []));
    results = new Array<Plan | Error>(items.length);
    const first = await mapLimit(
      namespaces.map((i) => items[i]!),
      limit,
      (item) => planObject(ctx, item),
    );
    namespaces.forEach((index, j) => (results[index] = first[j]!));
    const created = new Set(
      first.filter((r): r is Plan => !(r instanceof Error) && r.action === 'created').map((p) => p.ref.name),
    );
    const rest = items.flatMap((item, i) => (isNamespace(item.ref) ? [] : [i]));
    const planned = await mapLimit(
      rest.map((i) => items[i]!),
      limit,
      (item): Promise<Plan> =>
        created.has(item.ref.namespace)
          ? Promise.resolve({ ...item, state: 'deferred', absent: true, cleanup: [] })
          : planObject(ctx, item),
    );
    rest.forEach((index, j) => (results[index] = planned[j]!));
  } else {
    results = await mapLimit(items, limit, (item) => planObject(ctx, item));
  }
  const creatingStages = results
    .filter((r): r is Plan => !(r instanceof Error))
    .filter((p) => p.action === 'created' || p.state === 'deferred' || p.state === 'recreate')
    .map((p) => p.stage);
  const firstCreating = Math.min(...creatingStages);
  results.forEach((r, i) => {
    const item = items[i]!;
    if (deferMissing && r instanceof DryRunError && refersToMissing(r) && firstCreating < item.stage) {
      results[i] = { ...item, state: 'deferred', cleanup: [] };
    }
  });
  const errors = results.filter((r): r is Error => r instanceof Error);
  if (errors.length > 0) {
    const typed = errors.filter((e): e is ObjectError => e instanceof ObjectError);
    const untyped = errors.find((e) => !(e instanceof ObjectError));
    if (untyped) throw untyped;
    throw new DryRunFailedError(typed);
  }
  return results as Plan[];
}

/** PlanItem is one object waiting for its plan. */
interface PlanItem {
  obj: KubeObject;
  ref: ObjectRef;
  stage: number;
  absent?: boolean;
}

const isNamespace = (ref: ObjectRef): boolean => ref.group === '' && ref.kind === 'Namespace';

const refersToMissing = (err: DryRunError): boolean =>
  err.reason === 'NotFound' || (err.reason === 'Forbidden' && /\bnot found\b/.test(err.message));

function validate(objects: readonly KubeObject[]): ObjectError[] {
  const errors: ObjectError[] = [];
  for (const obj of objects) {
    if (!obj.apiVersion || !obj.kind || !obj.metadata?.name) {
      errors.push(
        new ObjectError(refOf(obj), 'is not a Kubernetes object: apiVersion, kind and metadata.name are required'),
      );
    }
  }
  return errors;
}

/**
 * applyAllStaged server-side applies a set of objects as kustomize-controller does, and returns what it did.
 *
 * 1. Every object is read and dry-run first (concurrently); if any is rejected, a DryRunFailedError naming every
 *    rejected object is thrown and nothing has been changed. Objects whose kind or namespace is created by the set
 *    itself cannot be dry-run yet; they are dry-run at the start of their stage.
 * 2. Stages (APPLY_STAGES): CRDs, Namespaces, ClusterRoles → wait until Current (CRDs Established); `*Class` kinds
 *    → wait; custom-stage kinds; everything else. Inside a stage objects are written one by one in Flux's kind order.
 * 3. Per object: skipped (`reconcile: disabled`, `ssa: Ignore`, `ssa: IfNotPresent` on an existing object),
 *    unchanged (the dry-run equals the live object and no foreign manager to take over), or applied with force
 *    ownership after folding `kubectl`/`before-first-apply` fields into ours (not with `ssa: Merge`), so hand edits
 *    are reverted. Immutable-field rejections with force (option or `force: enabled`) delete and re-create.
 *
 * @example
 *   const changeSet = await applyAllStaged(client, objects, { force: ks.spec.force });
 *   // [{ subject: 'Deployment/apps/web', action: 'configured', … }, …]
 */
export async function applyAllStaged(
  client: KubeClient,
  objects: readonly KubeObject[],
  opts: ApplyOptions = {},
): Promise<ChangeSet> {
  const fieldManager = opts.fieldManager ?? FIELD_MANAGER;
  const invalid = validate(objects);
  if (invalid.length > 0) throw new DryRunFailedError(invalid);

  const items = objects
    .map(normalizeObject)
    .map((obj) => {
      const ref = refOf(obj);
      return { obj, ref, stage: stageIndex(ref, opts) };
    })
    .sort((a, b) => a.stage - b.stage || compareRefs(a.ref, b.ref));

  const kindsInSet = new Set<string>();
  const namespacesInSet = new Set<string>();
  for (const { obj, ref } of items) {
    if (ref.kind === 'CustomResourceDefinition' && ref.group === 'apiextensions.k8s.io') {
      const spec = (obj.spec ?? {}) as { group?: string; names?: { kind?: string } };
      kindsInSet.add(`${spec.group ?? ''}/${spec.names?.kind ?? ''}`);
    }
    if (ref.kind === 'Namespace' && ref.group === '') namespacesInSet.add(ref.name);
  }
  const ctx: PlanContext = {
    client,
    fieldManager,
    force: opts.force ?? false,
    takeover: opts.takeover ?? defaultTakeoverManagers(fieldManager, opts.overrideManagers),
    kindsInSet,
    namespacesInSet,
    ...(opts.ignore && opts.ignore.length > 0 ? { ignore: opts.ignore } : {}),
  };
  const limit = opts.concurrency ?? 4;
  const plans = await planAll(ctx, items, limit, true);

  const changeSet: ChangeSet = [];
  for (let stage = 0; stage < APPLY_STAGES.length; stage++) {
    let stagePlans = plans.filter((p) => p.stage === stage);
    if (stagePlans.length === 0) continue;
    stagePlans = await resolveDeferred(ctx, stagePlans, limit, opts.waitTimeout ?? 60_000);
    stagePlans = await recreate(ctx, stagePlans, opts);
    const stageObserved = new Map<string, KubeObject>();
    for (const plan of stagePlans) {
      const seen = (await write(client, plan, fieldManager)) ?? plan.live;
      if (seen) stageObserved.set(objectId(plan.ref), seen);
      changeSet.push(entryOf(plan.ref, plan.action ?? 'unchanged'));
    }
    for (const [id, obj] of stageObserved) opts.observed?.set(id, obj);
    if (APPLY_STAGES[stage]!.wait) {
      const refs = stagePlans.filter((p) => p.state !== 'skipped').map((p) => p.ref);
      await waitForSet(client, refs, {
        interval: opts.waitInterval ?? 2000,
        timeout: opts.waitTimeout ?? 60_000,
        failFast: false,
        initial: stageObserved,
        ...(opts.status ? { status: opts.status } : {}),
      });
    }
  }
  return changeSet;
}

/** resolveDeferred dry-runs the objects that had to wait for an earlier stage (discovery may lag a new CRD). */
async function resolveDeferred(ctx: PlanContext, plans: Plan[], limit: number, timeout: number): Promise<Plan[]> {
  const deferred = plans.filter((p) => p.state === 'deferred');
  if (deferred.length === 0) return plans;
  const deadline = Date.now() + timeout;
  for (;;) {
    const lenient = Date.now() < deadline;
    // Until the deadline, kinds of the set may still be missing from discovery: retry them.
    const strict = {
      ...ctx,
      namespacesInSet: new Set<string>(),
      kindsInSet: lenient ? ctx.kindsInSet : new Set<string>(),
    };
    const again = await planAll(strict, deferred, limit);
    if (again.every((p) => p.state !== 'deferred') || !lenient) {
      const byRef = new Map(again.map((p) => [p.obj, p]));
      return plans.map((p) => byRef.get(p.obj) ?? p);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** recreate deletes the objects with immutable changes under force, waits until they are gone, and re-plans them. */
async function recreate(ctx: PlanContext, plans: Plan[], opts: ApplyOptions): Promise<Plan[]> {
  const out: Plan[] = [];
  for (const plan of plans) {
    if (plan.state !== 'recreate') {
      out.push(plan);
      continue;
    }
    const key = { name: plan.ref.name, ...(plan.ref.namespace ? { namespace: plan.ref.namespace } : {}) };
    try {
      await ctx.client.delete(typeOf(plan.obj), key);
    } catch (err) {
      if (!isNotFound(err)) {
        throw new ApplyError(plan.ref, `immutable field detected, failed to delete object: ${apiDetail(err)}`, {
          cause: err,
        });
      }
    }
    try {
      await waitForTermination(ctx.client, [plan.ref], { interval: 500, timeout: opts.waitTimeout ?? 60_000 });
    } catch (err) {
      throw new ApplyError(plan.ref, `immutable field detected, failed to wait for object to be deleted`, {
        cause: err,
      });
    }
    try {
      out.push(await planObject({ ...ctx, force: false }, plan));
    } catch (err) {
      throw err instanceof ObjectError ? new DryRunFailedError([err]) : err;
    }
  }
  return out;
}

/** write sends the takeover patch and the apply of one planned object; returns the applied object, if written. */
async function write(client: KubeClient, plan: Plan, fieldManager: string): Promise<KubeObject | undefined> {
  if (plan.state !== 'apply') return undefined;
  if (plan.cleanup.length > 0) {
    const key = { name: plan.ref.name, ...(plan.ref.namespace ? { namespace: plan.ref.namespace } : {}) };
    try {
      await client.patch(typeOf(plan.obj), key, 'json', plan.cleanup, { fieldManager });
    } catch (err) {
      throw new ApplyError(plan.ref, `metadata.managedFields cleanup failed: ${apiDetail(err)}`, { cause: err });
    }
  }
  try {
    return await serverSideApply(client, plan.payload ?? plan.obj, fieldManager, false);
  } catch (err) {
    throw new ApplyError(plan.ref, `apply failed: ${redactSecret(apiDetail(err), plan.obj)}`, { cause: err });
  }
}
