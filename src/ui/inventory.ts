// The inventory of a Kustomization or HelmRelease (status.inventory) with each object's own kstatus health, read
// live. Only references and health leave the server: a Secret in the inventory is named, never sent.
import { readStatus } from '../engines/kstatus/index.ts';
import { isNotFound, type KubeClient, type KubeObject } from '../kube/index.ts';
import { errorMessage } from '../util/errors.ts';

/** InventoryItem is one applied object and its health. */
export interface InventoryItem {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  /** health is kstatus' status: Current, InProgress, Failed, Terminating, NotFound or Unknown. */
  health: string;
  message: string;
}

/** INVENTORY_HEALTH_LIMIT caps how many objects are read for health; the rest are listed as Unknown. */
export const INVENTORY_HEALTH_LIMIT = 300;
const PARALLEL = 8;

/** parseInventoryId splits `<namespace>_<name>_<group>_<kind>` (names and groups hold no underscore). */
export function parseInventoryId(id: string, version: string): Omit<InventoryItem, 'health' | 'message'> | undefined {
  const parts = id.split('_');
  if (parts.length !== 4) return undefined;
  const [namespace, name, group, kind] = parts as [string, string, string, string];
  return { apiVersion: group ? `${group}/${version}` : version, kind, namespace, name };
}

/** inventoryOf reads status.inventory.entries of an object. */
export function inventoryOf(obj: KubeObject): Omit<InventoryItem, 'health' | 'message'>[] {
  const inv = (obj.status as { inventory?: { entries?: { id?: string; v?: string }[] } } | undefined)?.inventory;
  const out: Omit<InventoryItem, 'health' | 'message'>[] = [];
  for (const e of inv?.entries ?? []) {
    const item = parseInventoryId(e.id ?? '', e.v ?? '');
    if (item) out.push(item);
  }
  return out;
}

/** inventoryHealth reads every inventory object (up to the limit, a few at a time) and computes its health. */
export async function inventoryHealth(client: KubeClient, obj: KubeObject): Promise<InventoryItem[]> {
  const items = inventoryOf(obj);
  const out: InventoryItem[] = items.map((i) => ({ ...i, health: 'Unknown', message: 'not read' }));
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < Math.min(items.length, INVENTORY_HEALTH_LIMIT)) {
      const i = next++;
      const item = items[i]!;
      try {
        const live = await client.get(
          { apiVersion: item.apiVersion, kind: item.kind },
          { name: item.name, ...(item.namespace ? { namespace: item.namespace } : {}) },
        );
        const status = readStatus(live);
        out[i] = { ...item, health: status.status, message: status.error ?? status.message };
      } catch (err) {
        out[i] = isNotFound(err)
          ? { ...item, health: 'NotFound', message: 'not found in the cluster' }
          : { ...item, health: 'Unknown', message: errorMessage(err) };
      }
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  return out;
}
