// Steps "chart template" and "chart source": the HelmChart spec.chart stands for kept in sync (or removed when
// spec.chartRef replaced it), then the source whose artifact is the chart — that HelmChart, or the HelmChart,
// OCIRepository or ExternalArtifact of spec.chartRef — and whether it is ready (helm-controller `isSourceReady`).
import { HelmReleaseReason, type HelmRelease } from '../../api/index.ts';
import type { KubeObject } from '../../kube/index.ts';
import { conditions, StepError, type StepContext } from '../../runtime/index.ts';
import { errorMessage } from '../../util/errors.ts';
import { resolveSource, type ResolvedSource, type SourceLookup, type SourceReference } from '../common/index.ts';
import { applyHelmChart, chartTemplateRef, deleteHelmChart } from './chart-template.ts';
import { CHART_REF_KINDS } from './kind.ts';

/** syncChartTemplate creates or updates the HelmChart of spec.chart, deleting one that no longer applies. */
export async function syncChartTemplate(hr: HelmRelease, ctx: StepContext): Promise<void> {
  const client = ctx.manager.client;
  const status = (hr.status ??= {});
  const wanted = hr.spec.chart ? chartTemplateRef(hr) : undefined;
  const wantedRef = wanted ? `${wanted.namespace}/${wanted.name}` : undefined;
  if (status.helmChart && status.helmChart !== wantedRef) {
    try {
      const deleted = await deleteHelmChart(client, hr);
      if (deleted) ctx.event('trace', HelmReleaseReason.HelmChartDeleted, `deleted HelmChart '${deleted}'`);
    } catch (err) {
      throw new StepError(
        HelmReleaseReason.HelmChartSyncErr,
        `failed to delete HelmChart '${status.helmChart}': ${errorMessage(err)}`,
      );
    }
  }
  if (!hr.spec.chart || !wanted) return;
  let action;
  try {
    action = await applyHelmChart(client, hr);
  } catch (err) {
    const message = `failed to run server-side apply: ${errorMessage(err)}`;
    ctx.event('trace', HelmReleaseReason.HelmChartSyncErr, message);
    throw new StepError(HelmReleaseReason.HelmChartSyncErr, message, { cause: err });
  }
  const src = hr.spec.chart.spec.sourceRef;
  const subject = `HelmChart/${wanted.namespace}/${wanted.name}`;
  if (action === 'unchanged') {
    ctx.request.log.debug(`${subject} with SourceRef '${src.kind}/${wanted.namespace}/${src.name}' is in-sync`);
    return;
  }
  const message = `${action === 'created' ? 'Created' : 'Configured'} ${subject} with SourceRef '${src.kind}/${wanted.namespace}/${src.name}'`;
  ctx.request.log.info(message);
  ctx.event(
    'trace',
    action === 'created' ? HelmReleaseReason.HelmChartCreated : HelmReleaseReason.HelmChartConfigured,
    message,
  );
}

/** chartSourceRef is the source of the chart: the template's HelmChart or spec.chartRef. */
export function chartSourceRef(hr: HelmRelease): SourceReference {
  if (hr.spec.chartRef) return hr.spec.chartRef;
  const { namespace, name } = chartTemplateRef(hr);
  return { kind: 'HelmChart', name, namespace };
}

/** resolveChartSource reads the chart's source object (ArtifactFailed when it cannot be read, AccessDenied stalls). */
export async function resolveChartSource(
  hr: HelmRelease,
  ctx: StepContext,
  opts: { noCrossNamespaceRefs: boolean; externalArtifact: boolean; cached?: SourceLookup['cached'] },
): Promise<ResolvedSource> {
  try {
    return await resolveSource(ctx.manager.client, hr, chartSourceRef(hr), {
      kinds: CHART_REF_KINDS,
      noCrossNamespaceRefs: opts.noCrossNamespaceRefs,
      gatedKinds: opts.externalArtifact ? [] : ['ExternalArtifact'],
      ...(opts.cached ? { cached: opts.cached } : {}),
    });
  } catch (err) {
    if (err instanceof StepError && err.terminal) throw err;
    throw new StepError(HelmReleaseReason.ArtifactFailed, `could not get Source object: ${errorMessage(err)}`, {
      cause: err,
    });
  }
}

/** sourceNotReady is why a source cannot be used yet (isReady in helm-controller), or undefined when it can. */
export function sourceNotReady(source: KubeObject, hasArtifact: boolean): string | undefined {
  const subject = `${source.kind} '${source.metadata.namespace}/${source.metadata.name}'`;
  const status = source.status as { observedGeneration?: number } | undefined;
  if ((source.metadata.generation ?? 0) !== (status?.observedGeneration ?? -1)) {
    const ready = conditions.get(source as never, 'Ready');
    const why = ready?.status === 'False' ? ready.message : 'latest generation of object has not been reconciled';
    return `${subject} is not ready: ${why}`;
  }
  if (conditions.isStalled(source as never)) {
    return `${subject} is not ready: ${conditions.get(source as never, 'Stalled')?.message ?? ''}`;
  }
  if (!hasArtifact) return `${subject} is not ready: does not have an artifact`;
  return undefined;
}
