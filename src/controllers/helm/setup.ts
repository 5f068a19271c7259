import type { HelmRelease } from '../../api/index.ts';
import { type ControllerSetup, sourceRefKey } from '../../runtime/index.ts';
import { addConsumerController, configRefKey } from '../common/index.ts';
import { chartTemplateRef } from './chart-template.ts';
import { finalizeHelmRelease } from './finalize.ts';
import { CHART_REF_KINDS, HELM_FIELD_MANAGER, helmReleaseType } from './kind.ts';
import type { HelmControllerOptions } from './options.ts';
import { reconcileHelmRelease } from './reconcile.ts';

/** chartSourceKey files a HelmRelease under its chart's source (the template's HelmChart, or spec.chartRef). */
function chartSourceKeys(hr: HelmRelease): string[] {
  const ns = hr.metadata.namespace ?? '';
  if (hr.spec.chartRef) {
    return [sourceRefKey(hr.spec.chartRef.kind, hr.spec.chartRef.namespace || ns, hr.spec.chartRef.name)];
  }
  if (hr.spec.chart) {
    const { namespace, name } = chartTemplateRef(hr);
    return [sourceRefKey('HelmChart', namespace, name)];
  }
  return [];
}

/** configRefs are the Secrets and ConfigMaps of valuesFrom (and kubeConfig), as CONFIG_INDEX values. */
function configRefs(hr: HelmRelease): string[] {
  const ns = hr.metadata.namespace ?? '';
  const refs = (hr.spec.valuesFrom ?? []).map((r) => configRefKey(r.kind, ns, r.name));
  if (hr.spec.kubeConfig?.secretRef) refs.push(configRefKey('Secret', ns, hr.spec.kubeConfig.secretRef.name));
  return refs;
}

/**
 * helmController is the helm-controller: HelmReleases installed and upgraded from a chart artifact. A new chart
 * artifact requeues the HelmReleases of that source; a dependency becoming Ready requeues its dependants; a
 * watched Secret or ConfigMap named in valuesFrom requeues the HelmReleases reading it.
 */
export function helmController(options: HelmControllerOptions = {}): ControllerSetup {
  return {
    name: 'helm-controller',
    setup(manager) {
      const gates = manager.options.featureGates;
      const kinds: Record<string, string> = { ...CHART_REF_KINDS };
      if (!gates['ExternalArtifact']) delete kinds['ExternalArtifact'];
      addConsumerController<HelmRelease>(manager, {
        name: 'helmrelease',
        type: helmReleaseType,
        fieldManager: HELM_FIELD_MANAGER,
        ...(options.workDir ? { workDir: options.workDir } : {}),
        sourceKinds: kinds,
        sourceKeys: chartSourceKeys,
        dependsOn: (hr) => hr.spec.dependsOn,
        configRefs,
        reconcile: (obj, ctx, cachedSource) => reconcileHelmRelease(obj, ctx, { options, cachedSource }),
        finalize: (obj, ctx) => finalizeHelmRelease(obj, ctx, options),
      });
    },
  };
}
