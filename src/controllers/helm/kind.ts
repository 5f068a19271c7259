import { HelmReleaseKind } from '../../api/index.ts';

/** helmReleaseType addresses the HelmRelease kind. */
export const helmReleaseType = {
  apiVersion: `${HelmReleaseKind.group}/${HelmReleaseKind.version}`,
  kind: HelmReleaseKind.kind,
};

/** HELM_GROUP prefixes the owner labels and event metadata keys of the helm-controller. */
export const HELM_GROUP = HelmReleaseKind.group;

/** FIELD_MANAGER is the helm-controller's field manager for applies, release objects and status. */
export const HELM_FIELD_MANAGER = 'helm-controller';

/** SOURCE_API_VERSION is the apiVersion of the source kinds a HelmRelease reads. */
export const SOURCE_API_VERSION = 'source.toolkit.fluxcd.io/v1';

/** CHART_REF_KINDS are the kinds spec.chartRef may name, with their default apiVersion. */
export const CHART_REF_KINDS: Readonly<Record<string, string>> = {
  HelmChart: SOURCE_API_VERSION,
  OCIRepository: SOURCE_API_VERSION,
  ExternalArtifact: SOURCE_API_VERSION,
};
