// The drift part of helm-controller's AtomicRelease (ReleaseStatusDrifted, CorrectClusterDrift): once the release is
// in sync with the desired chart and values, a HelmRelease with `driftDetection.mode` enabled or warn has its
// cluster state compared with the deployed manifest (drift.ts). Drift is a Warning event `DriftDetected` listing the
// objects; in `enabled` mode the objects are corrected and the outcome is an event `DriftCorrected` (or
// `DriftCorrectionFailed`, a warning). Neither changes Ready: the release itself is as desired.
import { HelmReleaseReason, Reason, type HelmRelease } from '../../api/index.ts';
import type { Release } from '../../engines/helm/index.ts';
import { conditions, StepError, type StepContext } from '../../runtime/index.ts';
import {
  changeSetLines,
  correctDrift,
  detectDrift,
  driftModeOf,
  hasChanges,
  summarizeDrift,
  summarizeDriftBrief,
} from './drift.ts';
import { eventMeta } from './events.ts';
import { HELM_FIELD_MANAGER } from './kind.ts';
import { manifestObjects, type ActionTarget } from './release.ts';
import { fullReleaseName, snapshotOf, versionedChartName } from './snapshot.ts';

/**
 * reconcileDrift detects (and in enabled mode corrects) drift of the deployed release. Resolves when done; throws
 * `ActionPlanError` when the cluster state could not be compared at all, as helm-controller does.
 */
export async function reconcileDrift(hr: HelmRelease, ctx: StepContext, t: ActionTarget, rel: Release): Promise<void> {
  const mode = driftModeOf(hr);
  if (mode === 'disabled') return;
  const objects = await manifestObjects(t, rel.manifest);
  const set = await detectDrift(t.client, objects, {
    fieldManager: HELM_FIELD_MANAGER,
    ignore: hr.spec.driftDetection?.ignore,
  });
  const changed = hasChanges(set.objects);
  if (set.errors.length > 0) {
    const detail = set.errors.map((e) => e.message).join('\n');
    if (!changed) {
      const message = `Could not determine Helm action: unable to determine cluster state: ${detail}`;
      conditions.markFalse(hr, 'Ready', HelmReleaseReason.ActionPlanError, message);
      throw new StepError(HelmReleaseReason.ActionPlanError, message);
    }
    ctx.request.log.error(`diff of release against cluster state completed with error: ${detail}`);
  }
  if (!changed) return;

  const snap = hr.status?.history?.[0] ?? snapshotOf(rel);
  const name = fullReleaseName(snap);
  ctx.request.log.info(`detected changes in cluster state: ${summarizeDriftBrief(set.objects)}`);
  ctx.event(
    'error',
    'DriftDetected',
    `Cluster state of release ${name} has drifted from the desired state:\n${summarizeDrift(set.objects)}`,
  );
  if (mode !== 'enabled') return;

  conditions.markUnknown(hr, 'Ready', Reason.Progressing, 'correcting cluster drift');
  const { changeSet, errors } = await correctDrift(t.client, set.objects, HELM_FIELD_MANAGER);
  const meta = eventMeta(snap.chartVersion, snap.configDigest);
  if (errors.length > 0) {
    let message = `Failed to ${changeSet.length > 0 ? 'partially ' : ''}correct cluster state of release ${name}:\n${errors.join('\n')}`;
    if (changeSet.length > 0) message += `\n\nSuccessful corrections:\n${changeSetLines(changeSet)}`;
    ctx.event('error', HelmReleaseReason.DriftCorrectionFailed, message, meta);
    return;
  }
  ctx.request.log.info(`corrected drift of release ${name} with chart ${versionedChartName(snap)}`);
  ctx.event(
    'info',
    'DriftCorrected',
    `Cluster state of release ${name} has been corrected:\n${changeSetLines(changeSet)}`,
    meta,
  );
}
