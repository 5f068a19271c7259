// Drift detection and correction of a deployed release, as helm-controller does it (internal/action/diff.go,
// internal/diff/summarize.go, internal/reconcile/correct_cluster_drift.go over fluxcd/pkg ssa/jsondiff): every object
// of the stored manifest is server-side dry-run applied (field manager `helm-controller`, forced) and compared with
// the live object — labels and annotations for additions and changes only (controllers add labels of their own),
// everything outside metadata and status in full — leaving out `driftDetection.ignore` paths and objects marked
// `helm.toolkit.fluxcd.io/driftDetection: disabled`. Correction creates what was deleted and JSON-patches what
// changed, the patch being the difference itself.
import type { HelmRelease } from '../../api/index.ts';
import {
  anyInMetadata,
  compareRefs,
  dryRunApply,
  type ChangeSet,
  entryOf,
  ignoredPaths,
  type IgnoreRule,
  isNotFound,
  jsonPatchDiff,
  KubeApiError,
  type KubeClient,
  type KubeObject,
  normalizeObject,
  type ObjectRef,
  type PatchOp,
  refOf,
  removePointer,
  stageIndex,
  typeOf,
} from '../../kube/index.ts';
import { errorMessage, FluxtsError } from '../../util/errors.ts';
import { HELM_GROUP } from './kind.ts';

/** DRIFT_EXCLUSION marks an object (label or annotation) whose drift is never detected. */
export const DRIFT_EXCLUSION = { [`${HELM_GROUP}/driftDetection`]: 'disabled' } as const;

/** DriftMode is `spec.driftDetection.mode`; empty means disabled. */
export type DriftMode = 'enabled' | 'warn' | 'disabled';

/** driftModeOf reads the mode of a HelmRelease (disabled unless set). */
export function driftModeOf(hr: HelmRelease): DriftMode {
  return hr.spec.driftDetection?.mode ?? 'disabled';
}

/**
 * ObjectDrift is the outcome for one object: `create` (deleted from the cluster), `update` (changed: `patch` turns
 * the live object back into the desired one), `exclude` (not compared) or `none`.
 */
export interface ObjectDrift {
  ref: ObjectRef;
  type: 'create' | 'update' | 'exclude' | 'none';
  desired: KubeObject;
  patch: PatchOp[];
}

/** DriftSet is the outcome for every object of a release, and the objects that could not be compared. */
export interface DriftSet {
  objects: ObjectDrift[];
  errors: Error[];
}

/** DriftError is an object that could not be compared or corrected. */
export class DriftError extends FluxtsError {}

/** hasChanges tells whether any object was deleted or changed. */
export function hasChanges(set: readonly ObjectDrift[]): boolean {
  return set.some((d) => d.type === 'create' || d.type === 'update');
}

/** resourceName is `Kind/namespace/name`, as helm-controller names an object in drift messages. */
export function resourceName(ref: Pick<ObjectRef, 'kind' | 'namespace' | 'name'>): string {
  return `${ref.kind}/${ref.namespace}/${ref.name}`;
}

const metaOnly = (obj: KubeObject) => ({
  metadata: {
    ...(obj.metadata.annotations ? { annotations: obj.metadata.annotations } : {}),
    ...(obj.metadata.labels ? { labels: obj.metadata.labels } : {}),
  },
});

function withoutMetadataAndStatus(obj: KubeObject): Record<string, unknown> {
  const { metadata: _m, status: _s, ...rest } = obj;
  return rest;
}

/**
 * objectPatch is the JSON patch from the live object to the dry-run result, ignored paths left out: additions and
 * changes of labels and annotations (removals are not drift: other controllers add their own), then every
 * difference outside metadata and status.
 */
export function objectPatch(live: KubeObject, dryRun: KubeObject, ignore: readonly (readonly string[])[]): PatchOp[] {
  const a = structuredClone(live);
  const b = structuredClone(dryRun);
  for (const tokens of ignore) {
    removePointer(a, tokens);
    removePointer(b, tokens);
  }
  // Not rationalized: a removal folded into a whole-map replace would count (and be corrected) as drift.
  const meta = jsonPatchDiff(metaOnly(a), metaOnly(b), { rationalize: false }).filter((op) => op.op !== 'remove');
  return [...meta, ...jsonPatchDiff(withoutMetadataAndStatus(a), withoutMetadataAndStatus(b))];
}

/**
 * detectDrift compares every desired object with the cluster. An object that cannot be compared (its dry-run
 * fails) is reported in `errors` and the others are still compared, as Flux's graceful diff does.
 */
export async function detectDrift(
  client: KubeClient,
  objects: readonly KubeObject[],
  opts: { fieldManager: string; ignore?: readonly IgnoreRule[] | undefined },
): Promise<DriftSet> {
  const out: ObjectDrift[] = [];
  const errors: Error[] = [];
  for (const input of objects) {
    const desired = normalizeObject(input);
    const ref = refOf(desired);
    const entry = (type: ObjectDrift['type'], patch: PatchOp[] = []) => out.push({ ref, type, desired, patch });
    if (anyInMetadata(desired, DRIFT_EXCLUSION)) {
      entry('exclude');
      continue;
    }
    const ignore = ignoredPaths(opts.ignore ?? [], desired);
    if (ignore.some((tokens) => tokens.length === 0)) {
      entry('exclude');
      continue;
    }
    try {
      let live: KubeObject | undefined;
      try {
        live = await client.get(typeOf(desired), {
          name: desired.metadata.name ?? '',
          ...(desired.metadata.namespace ? { namespace: desired.metadata.namespace } : {}),
        });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      const dryRun = await dryRunApply(client, desired, opts.fieldManager);
      if (!live || !dryRun.metadata.resourceVersion) {
        entry('create');
        continue;
      }
      const patch = objectPatch(live, dryRun, ignore);
      entry(patch.length === 0 ? 'none' : 'update', patch);
    } catch (err) {
      errors.push(new DriftError(`${resourceName(ref)} dry-run failed: ${safeMessage(desired, err)}`, { cause: err }));
    }
  }
  return { objects: out, errors };
}

/**
 * safeMessage is an API error's message, cut to its last clause for a Secret (an Invalid answer can quote the
 * values sent), as helm-controller masks it.
 */
function safeMessage(obj: KubeObject, err: unknown): string {
  const message = errorMessage(err);
  if (obj.kind !== 'Secret' || !(err instanceof KubeApiError) || err.statusCode !== 422) return message;
  const i = message.lastIndexOf(':');
  return i < 0 ? message : message.slice(i + 1).trim();
}

function countOps(patch: readonly PatchOp[]): { added: number; changed: number; removed: number } {
  let added = 0;
  let changed = 0;
  let removed = 0;
  for (const op of patch) {
    if (op.op === 'add') added++;
    else if (op.op === 'replace') changed++;
    else removed++;
  }
  return { added, changed, removed };
}

/**
 * summarizeDrift is the DriftDetected event's list, one line per deleted, changed or excluded object:
 * `Deployment/apps/web changed (1 additions, 2 changes, 0 removals)`, `ConfigMap/apps/cfg removed`,
 * `Secret/apps/x excluded`.
 */
export function summarizeDrift(set: readonly ObjectDrift[]): string {
  const lines: string[] = [];
  for (const d of set) {
    const name = resourceName(d.ref);
    if (d.type === 'create') lines.push(`${name} removed`);
    else if (d.type === 'exclude') lines.push(`${name} excluded`);
    else if (d.type === 'update') {
      const { added, changed, removed } = countOps(d.patch);
      lines.push(`${name} changed (${added} additions, ${changed} changes, ${removed} removals)`);
    }
  }
  return lines.join('\n');
}

/** summarizeDriftBrief is the log line's count: `removed: 1, changed: 2, excluded: 0`. */
export function summarizeDriftBrief(set: readonly ObjectDrift[]): string {
  const count = (type: ObjectDrift['type']) => set.filter((d) => d.type === type).length;
  return `removed: ${count('create')}, changed: ${count('update')}, excluded: ${count('exclude')}`;
}

const byApplyOrder = (a: ObjectDrift, b: ObjectDrift) =>
  stageIndex(a.ref) - stageIndex(b.ref) || compareRefs(a.ref, b.ref);

/** CorrectionResult is what was corrected, and what failed (messages name the object, never a Secret value). */
export interface CorrectionResult {
  changeSet: ChangeSet;
  errors: string[];
}

/**
 * correctDrift creates the deleted objects (in apply order), then JSON-patches the changed ones with their patch,
 * under the field manager. Every object is tried; failures are collected.
 */
export async function correctDrift(
  client: KubeClient,
  set: readonly ObjectDrift[],
  fieldManager: string,
): Promise<CorrectionResult> {
  const changeSet: ChangeSet = [];
  const errors: string[] = [];
  for (const d of set.filter((x) => x.type === 'create').sort(byApplyOrder)) {
    try {
      await client.create(d.desired, { fieldManager });
      changeSet.push(entryOf(d.ref, 'created'));
    } catch (err) {
      errors.push(`${resourceName(d.ref)} creation failure: ${safeMessage(d.desired, err)}`);
    }
  }
  for (const d of set.filter((x) => x.type === 'update').sort(byApplyOrder)) {
    const key = { name: d.ref.name, ...(d.ref.namespace ? { namespace: d.ref.namespace } : {}) };
    try {
      await client.patch(typeOf(d.desired), key, 'json', d.patch, { fieldManager });
      changeSet.push(entryOf(d.ref, 'configured'));
    } catch (err) {
      errors.push(`${resourceName(d.ref)} patch failure: ${safeMessage(d.desired, err)}`);
    }
  }
  return { changeSet, errors };
}

/** changeSetLines renders a correction's change set as helm-controller's events do: `Kind/namespace/name action`. */
export function changeSetLines(changeSet: ChangeSet): string {
  return changeSet.map((e) => `${resourceName(e)} ${e.action}`).join('\n');
}
