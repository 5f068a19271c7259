// Deletion of a HelmRelease (helm-controller `reconcileDelete`): unless suspended, the release is uninstalled
// (hooks, objects, history as spec.uninstall says) and the HelmChart of spec.chart deleted; then the finalizer
// goes. A release never installed (no storage namespace in status) is left alone, and so is one whose impersonated
// ServiceAccount (or kubeconfig Secret) is gone.
import { HelmReleaseReason, type HelmRelease } from '../../api/index.ts';
import type { KubeClient } from '../../kube/index.ts';
import { conditions, done, retry, type Result, type StepContext } from '../../runtime/index.ts';
import { errorMessage } from '../../util/errors.ts';
import { deleteHelmChart } from './chart-template.ts';
import { eventMeta } from './events.ts';
import { releaseClient, serviceAccountMissing } from './impersonation.ts';
import type { HelmControllerOptions } from './options.ts';
import { actionTargetFor } from './release-step.ts';
import { uninstall } from './release.ts';
import { fullReleaseName, snapshotOf, versionedChartName } from './snapshot.ts';
import { actionTimeout } from './target.ts';

/** finalizeHelmRelease uninstalls the release and deletes the generated HelmChart. */
export async function finalizeHelmRelease(
  hr: HelmRelease,
  ctx: StepContext,
  opts: HelmControllerOptions,
): Promise<Result> {
  if (hr.spec.suspend) return done();
  const status = (hr.status ??= {});
  let client: KubeClient | undefined;
  if (status.storageNamespace) {
    // Without its identity the release cannot be uninstalled: say so and let the object go, rather than block
    // its deletion forever (the ServiceAccount usually goes with its namespace).
    try {
      const missing = await serviceAccountMissing(hr, ctx, opts);
      if (missing) throw new Error(missing);
      client = await releaseClient(hr, ctx, opts);
    } catch (err) {
      const message = `skipping Helm uninstall: ${errorMessage(err)}`;
      ctx.request.log.error(message);
      ctx.event('error', HelmReleaseReason.UninstallFailed, message);
    }
  }
  if (status.storageNamespace && client) {
    const t = actionTargetFor(hr, ctx, client);
    try {
      const removed = await uninstall(t, {
        timeoutMs: actionTimeout(hr, hr.spec.uninstall?.timeout),
        wait: !hr.spec.uninstall?.disableWait,
        disableHooks: hr.spec.uninstall?.disableHooks ?? false,
        keepHistory: hr.spec.uninstall?.keepHistory ?? false,
      });
      if (removed) {
        const snap = snapshotOf(removed);
        const message = `Helm uninstall succeeded for release ${fullReleaseName(snap)} with chart ${versionedChartName(snap)}`;
        ctx.event(
          'info',
          HelmReleaseReason.UninstallSucceeded,
          message,
          eventMeta(snap.chartVersion, snap.configDigest),
        );
        ctx.request.log.info('uninstalled Helm release for deleted resource');
      }
    } catch (err) {
      const message = `Helm uninstall failed for release ${t.namespace}/${t.name}: ${errorMessage(err)}`;
      conditions.markFalse(hr, 'Ready', HelmReleaseReason.UninstallFailed, message);
      ctx.event('error', HelmReleaseReason.UninstallFailed, message);
      return retry(err instanceof Error ? err : new Error(message));
    }
    delete status.history;
    delete status.storageNamespace;
  }
  try {
    const deleted = await deleteHelmChart(ctx.manager.client, hr);
    if (deleted) ctx.event('trace', HelmReleaseReason.HelmChartDeleted, `deleted HelmChart '${deleted}'`);
  } catch (err) {
    return retry(err instanceof Error ? err : new Error(errorMessage(err)));
  }
  return done();
}
