// The diff verb (`fluxts diff kustomization`): what an apply of the set would change, without changing anything.
import { DryRunFailedError, ObjectError } from './apply-errors.ts';
import { entryOf, refOf, type ChangeSetEntry } from './changeset.ts';
import type { KubeClient, KubeObject } from '../client/index.ts';
import { diffObjects } from './diff.ts';
import { normalizeObject } from './normalize.ts';
import type { IgnoreRule } from './ignore.ts';
import { planObject, type PlanContext } from './plan.ts';
import { compareRefs, stageIndex } from './stages.ts';
import { defaultTakeoverManagers } from './takeover.ts';

/** DiffEntry is a change-set entry plus, for `configured` objects, the live and merged objects (Secrets masked). */
export interface DiffEntry extends ChangeSetEntry {
  live?: KubeObject;
  merged?: KubeObject;
}

/**
 * diffAll dry-runs every object (sequentially, in apply order) and reports what an apply would do. Objects whose
 * kind or namespace does not exist yet are reported as `created`; server rejections throw a DryRunFailedError
 * listing them all. `ignore` are the Kustomization's drift-ignore rules: a change only there is no difference.
 */
export async function diffAll(
  client: KubeClient,
  objects: readonly KubeObject[],
  opts: { fieldManager?: string; ignore?: readonly IgnoreRule[] } = {},
): Promise<DiffEntry[]> {
  const fieldManager = opts.fieldManager ?? 'kustomize-controller';
  const items = objects.map(normalizeObject).map((obj) => {
    const ref = refOf(obj);
    return { obj, ref, stage: stageIndex(ref) };
  });
  items.sort((a, b) => a.stage - b.stage || compareRefs(a.ref, b.ref));
  // Kinds and namespaces the set itself defines may be missing from the cluster: their objects would be created.
  const kindsInSet = new Set<string>();
  const namespacesInSet = new Set<string>();
  for (const { obj, ref } of items) {
    if (ref.kind === 'Namespace' && ref.group === '') namespacesInSet.add(ref.name);
    if (ref.kind === 'CustomResourceDefinition') {
      const spec = (obj.spec ?? {}) as { group?: string; names?: { kind?: string } };
      kindsInSet.add(`${spec.group ?? ''}/${spec.names?.kind ?? ''}`);
    }
  }
  const ctx: PlanContext = {
    client,
    fieldManager,
    force: false,
    takeover: defaultTakeoverManagers(fieldManager),
    kindsInSet,
    namespacesInSet,
    ...(opts.ignore ? { ignore: opts.ignore } : {}),
  };
  const out: DiffEntry[] = [];
  const errors: ObjectError[] = [];
  for (const item of items) {
    try {
      const plan = await planObject(ctx, item);
      const action = plan.action ?? 'created';
      const entry: DiffEntry = entryOf(item.ref, plan.state === 'recreate' ? 'configured' : action);
      if (action === 'configured' && plan.live && plan.dryRun) Object.assign(entry, mergedView(plan.live, plan.dryRun));
      out.push(entry);
    } catch (err) {
      if (err instanceof ObjectError) errors.push(err);
      else throw err;
    }
  }
  if (errors.length > 0) throw new DryRunFailedError(errors);
  return out;
}

function mergedView(live: KubeObject, dryRun: KubeObject): { live: KubeObject; merged: KubeObject } {
  const { live: l, merged } = diffObjects(live, dryRun);
  return { live: l, merged };
}
