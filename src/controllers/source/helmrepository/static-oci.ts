// HelmRepositories of type `oci` are static data holders (source-controller `migrationToStatic`): HelmCharts read
// their URL and credentials, nothing is fetched or stored. An object that still carries what an older controller
// left (a finalizer, a status, stored artifacts) is migrated once: artifacts removed, finalizer dropped, status
// emptied. Suspended objects are left alone unless they are being deleted.
import type { HelmRepository } from '../../../api/index.ts';
import type { ArtifactStorage } from '../../../artifacts/index.ts';
import {
  done,
  hasFinalizer,
  isDeleting,
  isSuspended,
  removeFinalizer,
  StatusPatcher,
  type Manager,
  type Result,
} from '../../../runtime/index.ts';
import { sourceKey } from '../artifact.ts';

/** isStaticType: `spec.type: oci` makes a HelmRepository a static holder. */
export function isStaticType(obj: HelmRepository): boolean {
  return obj.spec.type === 'oci';
}

/** needsMigration: a finalizer, or any status beyond the CRD's default `observedGeneration: -1`. */
export function needsMigration(obj: HelmRepository): boolean {
  if (hasFinalizer(obj)) return true;
  return Object.entries(obj.status ?? {}).some(([key, value]) => !(key === 'observedGeneration' && value === -1));
}

/** migrateToStatic removes what a static HelmRepository must not have; a no-op once migrated. */
export async function migrateToStatic(
  obj: HelmRepository,
  manager: Manager,
  storage: ArtifactStorage,
): Promise<Result> {
  if (isSuspended(obj) && !isDeleting(obj)) return done();
  if (!needsMigration(obj)) return done();
  await storage.removeAll(sourceKey(obj));
  const patcher = new StatusPatcher(manager.client, obj, manager.name);
  if (hasFinalizer(obj)) await removeFinalizer(manager.client, obj, manager.name);
  if (isDeleting(obj)) return done();
  obj.status = {};
  await patcher.patch(obj);
  return done();
}
