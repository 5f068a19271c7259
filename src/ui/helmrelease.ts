// The HelmRelease part of the object page: which chart from which source, the release it manages, the conditions
// that tell a Helm user what happened (Released, TestSuccess, Remediated beside Ready), and status.history as
// typed snapshots (newest first, as the helm-controller keeps them). Everything here is read from the
// HelmRelease itself: no Secret (release storage or valuesFrom) is read for this view.
import type { KubeObject } from '../kube/index.ts';
import { releaseName } from '../controllers/helm/index.ts';
import { type Condition, conditionsOf, sourceRefOf } from './summary.ts';

/** HELM_CONDITIONS are the HelmRelease condition types the release summary names, in this order. */
export const HELM_CONDITIONS = ['Ready', 'Released', 'TestSuccess', 'Remediated'] as const;

/** ReleaseSnapshot is one status.history entry, with the fields the history table shows. */
export interface ReleaseSnapshot {
  version: number;
  status: string;
  action: string;
  chartName: string;
  chartVersion: string;
  appVersion: string;
  configDigest: string;
  digest: string;
  firstDeployed: string;
  lastDeployed: string;
  /** tests: each test hook's name and phase, when the release was tested. */
  tests: { name: string; phase: string }[];
}

/** HelmReleaseView is what the object page shows about a HelmRelease beyond the common sections. */
export interface HelmReleaseView {
  /** chart is the chart name (spec.chart) or empty for a chartRef, whose artifact names the chart itself. */
  chart: string;
  /** version is the semver range asked for (spec.chart.spec.version, `*` when unset), empty for a chartRef. */
  version: string;
  /** source is `Kind/namespace/name` of the chart's source (spec.chart.spec.sourceRef or spec.chartRef). */
  source: string;
  /** release is the Helm release, `storageNamespace/name`. */
  release: string;
  /** helmChart is the HelmChart the controller made for spec.chart, `namespace/name`. */
  helmChart: string;
  /** deployed is the chart version and app version of the newest snapshot (what runs now, if it deployed). */
  deployed?: { chartVersion: string; appVersion: string; status: string };
  /** conditions are HELM_CONDITIONS present on the object; a missing one is absent, not Unknown. */
  conditions: Condition[];
  history: ReleaseSnapshot[];
}

type Json = Record<string, unknown>;
const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const map = (v: unknown): Json => (isMap(v) ? v : {});

/** snapshotOf reads one history entry; fields a writer left out read as empty, never as a crash. */
export function snapshotOf(entry: unknown): ReleaseSnapshot {
  const e = map(entry);
  const hooks = map(e['testHooks']);
  return {
    version: typeof e['version'] === 'number' ? e['version'] : 0,
    status: str(e['status']),
    action: str(e['action']),
    chartName: str(e['chartName']),
    chartVersion: str(e['chartVersion']),
    appVersion: str(e['appVersion']),
    configDigest: str(e['configDigest']),
    digest: str(e['digest']),
    firstDeployed: str(e['firstDeployed']),
    lastDeployed: str(e['lastDeployed']),
    tests: Object.entries(hooks).map(([name, h]) => ({ name, phase: str(map(h)['phase']) })),
  };
}

/** helmReleaseView reads the HelmRelease summary from the object alone. */
export function helmReleaseView(obj: KubeObject): HelmReleaseView {
  const spec = map(obj.spec);
  const status = map(obj.status);
  const ns = obj.metadata.namespace ?? '';
  const template = map(map(spec['chart'])['spec']);
  const ref = sourceRefOf(obj);
  const source = ref ? `${ref.kind}/${ref.namespace}/${ref.name}` : '';
  const history = Array.isArray(status['history']) ? status['history'].map(snapshotOf) : [];
  const name = releaseName({
    metadata: { name: obj.metadata.name ?? '' },
    spec: {
      ...(str(spec['releaseName']) ? { releaseName: str(spec['releaseName']) } : {}),
      ...(str(spec['targetNamespace']) ? { targetNamespace: str(spec['targetNamespace']) } : {}),
    },
  });
  const storageNamespace = str(status['storageNamespace']) || str(spec['storageNamespace']) || ns;
  const conditions = conditionsOf(obj);
  const view: HelmReleaseView = {
    chart: str(template['chart']),
    version: template['chart'] ? str(template['version']) || '*' : '',
    source,
    release: `${storageNamespace}/${name}`,
    helmChart: str(status['helmChart']),
    conditions: HELM_CONDITIONS.flatMap((t) => conditions.filter((c) => c.type === t)),
    history,
  };
  const newest = history[0];
  if (newest) {
    view.deployed = { chartVersion: newest.chartVersion, appVersion: newest.appVersion, status: newest.status };
  }
  return view;
}
