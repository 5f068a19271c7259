import { records, strings, type Kustomization } from './kustomization.ts';
import type { Resource } from './resource.ts';
import type { Context } from './target.ts';

/**
 * Patch application (strategic merge and JSON 6902) plugs in the `merge/` and `jsonpatch/` engines. Until they are
 * wired, a kustomization that declares patches fails with a clear message instead of building something wrong.
 */

function unsupported(ctx: Context, k: Kustomization, field: string): void {
  ctx.problems.add(k.file, `${field}: patches are not supported by this build of the engine yet`);
}

/** applyLegacyStrategicMerge runs `patchesStrategicMerge`. */
export function applyLegacyStrategicMerge(ctx: Context, k: Kustomization, out: Resource[]): void {
  if (strings(k.data['patchesStrategicMerge']).length) unsupported(ctx, k, 'patchesStrategicMerge');
  void out;
}

/** applyPatches runs `patches`. */
export function applyPatches(ctx: Context, k: Kustomization, out: Resource[]): void {
  if (records(k.data['patches']).length) unsupported(ctx, k, 'patches');
  void out;
}

/** applyLegacyJson6902 runs `patchesJson6902`. */
export function applyLegacyJson6902(ctx: Context, k: Kustomization, out: Resource[]): void {
  if (records(k.data['patchesJson6902']).length) unsupported(ctx, k, 'patchesJson6902');
  void out;
}
