// The HelmChart a HelmRelease's spec.chart template stands for (helm-controller `HelmChartTemplate`): created and
// kept in sync with server-side apply as `<namespace>-<name>` in the source's namespace, labelled as owned by the
// HelmRelease, recorded in status.helmChart; deleted when the template moves elsewhere, gives way to a chartRef,
// or the HelmRelease goes.
import type { HelmRelease } from '../../api/index.ts';
import { isNotFound, type KubeClient, type KubeObject } from '../../kube/index.ts';
import { ownerLabelsFor } from './labels.ts';
import { HELM_FIELD_MANAGER, SOURCE_API_VERSION } from './kind.ts';

const HELM_CHART = { apiVersion: SOURCE_API_VERSION, kind: 'HelmChart' } as const;

/** chartTemplateRef is `namespace/name` of the HelmChart spec.chart stands for. */
export function chartTemplateRef(hr: HelmRelease): { namespace: string; name: string } {
  const ns = hr.metadata.namespace ?? '';
  return { namespace: hr.spec.chart?.spec.sourceRef.namespace || ns, name: `${ns}-${hr.metadata.name ?? ''}` };
}

/** buildHelmChart is the HelmChart of the template (buildHelmChartFromTemplate). */
export function buildHelmChart(hr: HelmRelease): KubeObject {
  const template = hr.spec.chart!;
  const t = template.spec;
  const { namespace, name } = chartTemplateRef(hr);
  const spec: Record<string, unknown> = {
    chart: t.chart,
    version: t.version ?? '*',
    sourceRef: { kind: t.sourceRef.kind, name: t.sourceRef.name },
    interval: t.interval ?? hr.spec.interval,
    reconcileStrategy: t.reconcileStrategy ?? 'ChartVersion',
  };
  if (t.valuesFiles?.length) spec['valuesFiles'] = t.valuesFiles;
  if (t.ignoreMissingValuesFiles) spec['ignoreMissingValuesFiles'] = true;
  if (t.verify) spec['verify'] = t.verify;
  const labels = { ...(template.metadata?.labels ?? {}), ...ownerLabelsFor(hr) };
  return {
    ...HELM_CHART,
    metadata: {
      name,
      namespace,
      labels,
      ...(template.metadata?.annotations ? { annotations: template.metadata.annotations } : {}),
    },
    spec,
  };
}

/** ChartSync says what the apply did: `created`, `configured` or `unchanged`. */
export type ChartSync = 'created' | 'configured' | 'unchanged';

/** applyHelmChart server-side applies the template's HelmChart and records it in status.helmChart. */
export async function applyHelmChart(client: KubeClient, hr: HelmRelease): Promise<ChartSync> {
  const desired = buildHelmChart(hr);
  const { namespace, name } = chartTemplateRef(hr);
  let before: KubeObject | undefined;
  try {
    before = await client.get(HELM_CHART, { namespace, name });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  const after = await client.apply(desired, { fieldManager: HELM_FIELD_MANAGER, force: true });
  (hr.status ??= {}).helmChart = `${namespace}/${name}`;
  if (!before) return 'created';
  return before.metadata.generation === after.metadata.generation &&
    JSON.stringify(before.metadata.labels) === JSON.stringify(after.metadata.labels)
    ? 'unchanged'
    : 'configured';
}

/** deleteHelmChart deletes the HelmChart in status.helmChart (a missing one is fine) and clears the field. */
export async function deleteHelmChart(client: KubeClient, hr: HelmRelease): Promise<string | undefined> {
  const ref = hr.status?.helmChart;
  if (!ref) return undefined;
  const [namespace = '', name = ''] = ref.split('/');
  try {
    await client.delete(HELM_CHART, { namespace, name });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  delete hr.status!.helmChart;
  return ref;
}
