// The read-only half of an apply: GET, skip rules, server-side dry-run, drift and takeover check for one object.
import { apiDetail, apiReason, DryRunError, ObjectError, redactSecret } from './apply-errors.ts';
import { refOf, type Action, type ObjectRef } from './changeset.ts';
import {
  isAlreadyExists,
  isNotFound,
  type KubeClient,
  type KubeObject,
  RestMappingError,
  typeOf,
} from '../client/index.ts';
import { hasDrifted } from './diff.ts';
import { dryRunApply, dryRunCreate, isImmutableError } from './dry-run.ts';
import { ignoredPaths, ignorePayload, type IgnoreRule } from './ignore.ts';
import { anyInMetadata, EXCLUDE_FROM_APPLY, FORCE, IF_NOT_PRESENT, MERGE } from './selectors.ts';
import { takeoverPatch, type FieldManager, type JsonPatchOp } from './takeover.ts';

/**
 * PlanState is what the apply will do with an object: leave it (`skipped`, `unchanged`), write it (`apply`),
 * delete and re-create it (`recreate`, immutable field changed under force), or decide later (`deferred`: its kind
 * or namespace is created by an earlier stage of the same set, so the server cannot dry-run it yet).
 */
export type PlanState = 'skipped' | 'unchanged' | 'apply' | 'recreate' | 'deferred';

/** Plan is the dry-run verdict for one object. */
export interface Plan {
  obj: KubeObject;
  ref: ObjectRef;
  stage: number;
  state: PlanState;
  /** action is the change-set action the object will get (undefined while deferred or to be recreated). */
  action?: Action;
  live?: KubeObject;
  /** dryRun is the server's dry-run result (what the object becomes), when a dry-run was made. */
  dryRun?: KubeObject;
  /** cleanup is the JSON patch that takes fields over from kubectl and before-first-apply ([] for none). */
  cleanup: JsonPatchOp[];
  /** absent: the object cannot exist yet (its Namespace is created by this apply), so it is not read first. */
  absent?: boolean;
  /** payload is what to apply when it differs from `obj` (drift-ignored paths stripped or set to the live value). */
  payload?: KubeObject;
}

/** PlanContext carries what the object's plan depends on besides the object itself. */
export interface PlanContext {
  client: KubeClient;
  fieldManager: string;
  force: boolean;
  takeover: readonly FieldManager[];
  /** kindsInSet: `group/Kind` of every CRD of the set, whose objects may be deferred. */
  kindsInSet: ReadonlySet<string>;
  /** namespacesInSet: Namespaces of the set, whose objects may be deferred. */
  namespacesInSet: ReadonlySet<string>;
  /** ignore: drift-ignore rules (`spec.ignore`). */
  ignore?: readonly IgnoreRule[];
}

/**
 * planObject dry-runs one object and decides what to do with it; it changes nothing. Throws an ObjectError
 * (DryRunError for a server rejection) naming the object.
 */
export async function planObject(
  ctx: PlanContext,
  item: { obj: KubeObject; ref?: ObjectRef; stage: number; absent?: boolean },
): Promise<Plan> {
  const { obj, stage } = item;
  const ref = item.ref ?? refOf(obj);
  const base = { obj, ref, stage, cleanup: [] as JsonPatchOp[] };
  let namespaced: boolean;
  try {
    namespaced = (await ctx.client.resourceFor(typeOf(obj))).namespaced;
  } catch (err) {
    if (!(err instanceof RestMappingError)) throw err;
    if (ctx.kindsInSet.has(`${ref.group}/${ref.kind}`)) return { ...base, state: 'deferred' };
    throw new DryRunError(ref, `no matches for kind "${ref.kind}" in version "${obj.apiVersion ?? ''}"`, 'NotFound', {
      cause: err,
    });
  }
  if (namespaced && ref.namespace === '') throw new ObjectError(ref, 'namespace not specified');

  let live: KubeObject | undefined;
  if (!item.absent) {
    try {
      live = await ctx.client.get(typeOf(obj), {
        name: ref.name,
        ...(namespaced ? { namespace: ref.namespace } : {}),
      });
    } catch {
      // Like Flux, a failed read (NotFound, or Forbidden under impersonation) leaves the verdict to the dry-run.
      live = undefined;
    }
  }
  if (anyInMetadata(obj, EXCLUDE_FROM_APPLY) || anyInMetadata(live, EXCLUDE_FROM_APPLY)) {
    return { ...base, ...(live ? { live } : {}), state: 'skipped', action: 'skipped' };
  }
  if (live && anyInMetadata(obj, IF_NOT_PRESENT)) return { ...base, live, state: 'skipped', action: 'skipped' };

  let dryRun: KubeObject;
  try {
    dryRun = await dryRunApply(ctx.client, obj, ctx.fieldManager);
  } catch (err) {
    if (!live && isNotFound(err) && ctx.namespacesInSet.has(ref.namespace)) return { ...base, state: 'deferred' };
    const forced = ctx.force || anyInMetadata(obj, FORCE) || anyInMetadata(live, FORCE);
    if (live && forced && isImmutableError(err)) {
      // Flux deletes first and finds out afterwards whether the object is valid at all; we ask the server first.
      const invalid = await dryRunCreate(ctx.client, obj, ctx.fieldManager).then(
        () => undefined,
        (createErr: unknown) => (isAlreadyExists(createErr) ? undefined : createErr),
      );
      if (invalid === undefined) return { ...base, live, state: 'recreate' };
      throw new DryRunError(ref, redactSecret(apiDetail(invalid), obj), apiReason(invalid), { cause: invalid });
    }
    throw new DryRunError(ref, redactSecret(apiDetail(err), obj), apiReason(err), { cause: err });
  }

  const merge = anyInMetadata(obj, MERGE) || anyInMetadata(live, MERGE);
  const cleanup = live && !merge ? takeoverPatch(live, ctx.takeover, ctx.fieldManager) : [];
  if (!dryRun.metadata.resourceVersion) return { ...base, dryRun, state: 'apply', action: 'created' };
  // Ignore rules only matter for an existing object: a new one is created with every field of the source.
  let ignored: string[][];
  try {
    ignored = ignoredPaths(ctx.ignore, obj);
  } catch (err) {
    // A malformed pointer or target pattern is the rule's fault, but it is reported against the object it hit.
    throw new ObjectError(ref, `invalid ignore rule: ${(err as Error).message}`, { cause: err });
  }
  const drifted = hasDrifted(live, dryRun, ignored);
  if (!drifted && cleanup.length === 0)
    return { ...base, ...(live ? { live } : {}), dryRun, state: 'unchanged', action: 'unchanged' };
  const payload = live && ignored.length > 0 ? ignorePayload(obj, live, dryRun, ignored, ctx.fieldManager) : obj;
  return {
    ...base,
    ...(live ? { live } : {}),
    ...(payload !== obj ? { payload } : {}),
    dryRun,
    cleanup,
    state: 'apply',
    action: 'configured',
  };
}
