// Flux's inventory (status.inventory): entry ids `<namespace>_<name>_<group>_<Kind>` with the version in `v`
// (cli-utils `object.ObjMetadata.String`, kustomize-controller `internal/inventory`).
import { FluxtsError } from '../../util/errors.ts';
import { refOf, type ChangeSetEntry, type ObjectRef } from './changeset.ts';
import { compareRefs } from './stages.ts';
import type { KubeObject } from '../client/index.ts';

/** InventoryEntry is one status.inventory.entries item. */
export interface InventoryEntry {
  id: string;
  v: string;
}

/** Inventory is status.inventory. */
export interface Inventory {
  entries: InventoryEntry[];
}

/** InventoryParseError: an entry id does not have the four fields. */
export class InventoryParseError extends FluxtsError {}

const RBAC_KINDS = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']);
const isRbac = (group: string, kind: string): boolean => group === 'rbac.authorization.k8s.io' && RBAC_KINDS.has(kind);

/** objectId renders an inventory id; colons in RBAC names become `__` (RBAC names may contain them). */
export function objectId(ref: Pick<ObjectRef, 'group' | 'kind' | 'namespace' | 'name'>): string {
  const name = isRbac(ref.group, ref.kind) ? ref.name.replaceAll(':', '__') : ref.name;
  return `${ref.namespace}_${name}_${ref.group}_${ref.kind}`;
}

/** parseObjectId splits an id: namespace up to the first `_`, kind after the last, group after the one before. */
export function parseObjectId(id: string): Omit<ObjectRef, 'version'> {
  const first = id.indexOf('_');
  const last = id.lastIndexOf('_');
  const rest = first >= 0 && last > first ? id.slice(first + 1, last) : '';
  const groupAt = rest.lastIndexOf('_');
  if (first < 0 || last <= first || groupAt < 0) {
    throw new InventoryParseError(`inventory entry ${JSON.stringify(id)}: unable to parse stored object metadata`);
  }
  const name = rest.slice(0, groupAt).replaceAll('__', ':');
  if (name.includes('_')) throw new InventoryParseError(`inventory entry ${JSON.stringify(id)}: too many fields`);
  return {
    namespace: id.slice(0, first),
    name,
    group: rest.slice(groupAt + 1).trim(),
    kind: id.slice(last + 1).trim(),
  };
}

/** inventoryFromChangeSet lists every object of an apply change set, skipped ones included (as Flux does). */
export function inventoryFromChangeSet(changeSet: readonly ChangeSetEntry[]): Inventory {
  return { entries: changeSet.map((e) => ({ id: objectId(e), v: e.version })) };
}

/** inventoryFromObjects lists objects by identity and version. */
export function inventoryFromObjects(objects: readonly KubeObject[]): Inventory {
  return { entries: objects.map((o) => refOf(o)).map((r) => ({ id: objectId(r), v: r.version })) };
}

/** inventoryRefs turns an inventory back into refs, in apply order. */
export function inventoryRefs(inv: Inventory | undefined): ObjectRef[] {
  return (inv?.entries ?? []).map((e) => ({ ...parseObjectId(e.id), version: e.v })).sort(compareRefs);
}

/**
 * staleObjects returns the objects of `previous` that are not in `next` (by id, versions ignored), with the version
 * they were applied with, in apply order: what garbage collection deletes. One map lookup per entry.
 */
export function staleObjects(previous: Inventory | undefined, next: Inventory | undefined): ObjectRef[] {
  const keep = new Set((next?.entries ?? []).map((e) => e.id));
  return inventoryRefs({ entries: (previous?.entries ?? []).filter((e) => !keep.has(e.id)) });
}

/** mergeInventory adds the entries of `extra` missing from `base` (objects whose deletion failed stay tracked). */
export function mergeInventory(base: Inventory, extra: readonly InventoryEntry[]): Inventory {
  const seen = new Set(base.entries.map((e) => e.id));
  return { entries: [...base.entries, ...extra.filter((e) => !seen.has(e.id))] };
}
