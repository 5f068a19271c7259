// Steps "apply" and "prune": owner labels and commonMetadata stamped on every object, staged server-side apply,
// the new inventory, and garbage collection of what left the source (flux-api.md §4.3 steps 8–11).
import { Reason, type Kustomization } from '../../api/index.ts';
import { KubeApiError, type KubeClient, type KubeObject } from '../../kube/index.ts';
import {
  applyAllStaged,
  type ChangeSet,
  deleteAll,
  DryRunFailedError,
  FIELD_MANAGER,
  type Inventory,
  inventoryFromChangeSet,
  mergeInventory,
  ObjectError,
  objectId,
  ownerLabels,
  staleObjects,
} from '../../kube/ssa/index.ts';
import { errorMessage } from '../../util/errors.ts';
import { StepError } from '../../runtime/index.ts';
import type { KustomizeControllerOptions } from './options.ts';

/** stampMetadata sets commonMetadata and the owner labels on every object (owner labels win). */
export function stampMetadata(objects: readonly KubeObject[], ks: Kustomization): KubeObject[] {
  const owner = ownerLabels(ks.metadata.name ?? '', ks.metadata.namespace ?? '');
  const common = ks.spec.commonMetadata;
  return objects.map((obj) => {
    const metadata = { ...obj.metadata };
    const labels = { ...(metadata.labels ?? {}), ...(common?.labels ?? {}), ...owner };
    metadata.labels = labels;
    if (common?.annotations) metadata.annotations = { ...(metadata.annotations ?? {}), ...common.annotations };
    return { ...obj, metadata };
  });
}

/**
 * applyObjects runs the staged apply; any failure is ReconciliationFailed naming the objects. `observed` receives the
 * server's view of each object after the apply (see ApplyOptions.observed).
 */
export async function applyObjects(
  client: KubeClient,
  objects: readonly KubeObject[],
  ks: Kustomization,
  opts: KustomizeControllerOptions,
  observed?: Map<string, KubeObject>,
): Promise<ChangeSet> {
  try {
    return await applyAllStaged(client, objects, {
      fieldManager: FIELD_MANAGER,
      ...(observed ? { observed } : {}),
      force: ks.spec.force ?? false,
      ...(ks.spec.ignore ? { ignore: ks.spec.ignore } : {}),
      concurrency: opts.concurrentSsa ?? 4,
      ...(opts.overrideManagers ? { overrideManagers: opts.overrideManagers } : {}),
      ...(opts.customApplyStageKinds ? { customStageKinds: new Set(opts.customApplyStageKinds) } : {}),
    });
  } catch (err) {
    if (err instanceof DryRunFailedError || err instanceof ObjectError || err instanceof KubeApiError) {
      throw new StepError(Reason.ReconciliationFailed, err.message, { cause: err });
    }
    throw new StepError(Reason.ReconciliationFailed, `apply failed: ${errorMessage(err)}`, { cause: err });
  }
}

/** PruneResult is the inventory to record and the objects garbage collection deleted. */
export interface PruneResult {
  inventory: Inventory;
  deleted: ChangeSet;
  error?: StepError;
}

/**
 * prune deletes the objects of the previous inventory that the new one lacks, only when they still carry this
 * Kustomization's owner labels and are not protected (`prune: disabled`, …). Objects whose deletion failed stay in
 * the inventory so the next run tries again.
 */
export async function prune(
  client: KubeClient,
  ks: Kustomization,
  previous: Inventory | undefined,
  changeSet: ChangeSet,
): Promise<PruneResult> {
  const inventory = inventoryFromChangeSet(changeSet);
  if (!ks.spec.prune) return { inventory, deleted: [] };
  const stale = staleObjects(previous, inventory);
  if (stale.length === 0) return { inventory, deleted: [] };
  const result = await deleteAll(client, stale, {
    inclusions: ownerLabels(ks.metadata.name ?? '', ks.metadata.namespace ?? ''),
  });
  const deleted = result.changeSet.filter((e) => e.action === 'deleted');
  if (result.errors.length === 0) return { inventory, deleted };
  const failed = new Set(result.errors.map((e) => objectId(e.ref)));
  const keep = (previous?.entries ?? []).filter((e) => failed.has(e.id));
  return {
    inventory: mergeInventory(inventory, keep),
    deleted,
    error: new StepError(Reason.PruneFailed, result.errors.map((e) => e.message).join('\n'), {
      cause: result.errors[0],
    }),
  };
}
