// Deletion of a Kustomization: garbage-collect its inventory as spec.deletionPolicy says, then let the finalizer go
// (kustomize-controller `finalize`, flux-api.md §4.3 "Finalize on delete").
import { Reason, type Kustomization } from '../../api/index.ts';
import { deleteAll, inventoryRefs, ownerLabels, waitForTermination } from '../../kube/ssa/index.ts';
import type { KubeClient } from '../../kube/index.ts';
import { done, type Result, type StepContext } from '../../runtime/index.ts';
import { errorMessage } from '../../util/errors.ts';
import type { KustomizeControllerOptions } from './options.ts';
import { timeoutOf } from './reconcile.ts';
import { targetClient } from './target.ts';

/** shouldDelete: MirrorPrune deletes iff prune; Delete and WaitForTermination always; Orphan never; suspended never. */
export function shouldDelete(ks: Kustomization): boolean {
  if (ks.spec.suspend || !ks.status?.inventory?.entries?.length) return false;
  const policy = ks.spec.deletionPolicy ?? 'MirrorPrune';
  if (policy === 'MirrorPrune') return ks.spec.prune;
  return policy === 'Delete' || policy === 'WaitForTermination';
}

/**
 * finalizeKustomization deletes the inventory objects that still carry this Kustomization's owner labels. When the
 * impersonated identity cannot be built (ServiceAccount or kubeconfig gone) it records that and lets go, as Flux
 * does, rather than blocking the deletion forever.
 */
export async function finalizeKustomization(
  ks: Kustomization,
  ctx: StepContext,
  opts: KustomizeControllerOptions,
): Promise<Result> {
  if (!shouldDelete(ks)) return done();
  let target: KubeClient;
  try {
    target = await targetClient(ctx, ks, opts);
  } catch (err) {
    const message = `unable to prune objects on deletion: ${errorMessage(err)}`;
    ctx.request.log.error(message);
    ctx.event('error', Reason.PruneFailed, message);
    return done();
  }
  const refs = inventoryRefs(ks.status?.inventory);
  const result = await deleteAll(target, refs, {
    inclusions: ownerLabels(ks.metadata.name ?? '', ks.metadata.namespace ?? ''),
  });
  const deleted = result.changeSet.filter((e) => e.action === 'deleted');
  if (deleted.length > 0) {
    ctx.event('info', Reason.Progressing, deleted.map((e) => `${e.subject} deleted`).join('\n'));
  }
  for (const e of result.errors) ctx.request.log.error(e.message);
  if (ks.spec.deletionPolicy === 'WaitForTermination' && deleted.length > 0) {
    try {
      await waitForTermination(target, deleted, { interval: 2000, timeout: timeoutOf(ks), signal: ctx.request.signal });
    } catch (err) {
      // Flux only logs a termination timeout; the finalizer goes regardless.
      ctx.request.log.error(`wait for termination failed: ${errorMessage(err)}`);
    }
  }
  return done();
}
