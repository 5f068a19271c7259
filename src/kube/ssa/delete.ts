// Garbage collection of objects that left the source (fluxcd/pkg ssa `manager_delete.go`).
import { apiDetail, DeleteError } from './apply-errors.ts';
import { apiVersionOf, entryOf, type ChangeSet, type ObjectRef } from './changeset.ts';
import { isNotFound, type KubeClient, type KubeObject } from '../client/index.ts';
import { anyInMetadata, EXCLUDE_FROM_PRUNE, type Selector } from './selectors.ts';
import { compareRefs } from './stages.ts';

/** DeleteOptions selects what may be deleted. */
export interface DeleteOptions {
  /**
   * inclusions: labels the live object must carry with exactly these values (the Kustomization's
   * `kustomize.toolkit.fluxcd.io/name` and `/namespace`, see ownerLabels); objects without them are skipped.
   */
  inclusions?: Readonly<Record<string, string>>;
  /** exclusions: label or annotation pairs that protect an object (default: prune/reconcile disabled, ssa Ignore). */
  exclusions?: Selector;
}

/** DeleteResult is the change set (deleted | skipped per object) and the objects that could not be deleted. */
export interface DeleteResult {
  changeSet: ChangeSet;
  /** errors name each object whose read or delete failed; those objects stay in the inventory. */
  errors: DeleteError[];
}

function labelsMatch(obj: KubeObject, inclusions: Readonly<Record<string, string>> | undefined): boolean {
  if (!inclusions) return true;
  const labels = obj.metadata.labels ?? {};
  return Object.entries(inclusions).every(([k, v]) => labels[k] === v);
}

/**
 * deleteAll deletes the given objects in reverse apply order with Background propagation. A missing object counts
 * as deleted; one without the inclusion labels or with an exclusion (`prune: disabled`, …) is skipped. Failures
 * do not stop the others; they are returned as errors.
 */
export async function deleteAll(
  client: KubeClient,
  refs: readonly ObjectRef[],
  opts: DeleteOptions = {},
): Promise<DeleteResult> {
  const ordered = [...refs].sort((a, b) => compareRefs(b, a));
  const exclusions = opts.exclusions ?? EXCLUDE_FROM_PRUNE;
  const changeSet: ChangeSet = [];
  const errors: DeleteError[] = [];
  for (const ref of ordered) {
    const type = { apiVersion: apiVersionOf(ref), kind: ref.kind };
    const key = { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) };
    let live: KubeObject;
    try {
      live = await client.get(type, key);
    } catch (err) {
      if (isNotFound(err)) changeSet.push(entryOf(ref, 'deleted'));
      else errors.push(new DeleteError(ref, `query failed: ${apiDetail(err)}`, { cause: err }));
      continue;
    }
    if (!labelsMatch(live, opts.inclusions) || anyInMetadata(live, exclusions)) {
      changeSet.push(entryOf(ref, 'skipped'));
      continue;
    }
    try {
      await client.delete(type, key);
      changeSet.push(entryOf(ref, 'deleted'));
    } catch (err) {
      if (isNotFound(err)) changeSet.push(entryOf(ref, 'deleted'));
      else errors.push(new DeleteError(ref, `delete failed: ${apiDetail(err)}`, { cause: err }));
    }
  }
  return { changeSet, errors };
}
