// Event metadata as helm-controller annotates its events (internal/reconcile `eventMeta`): the chart version as
// `helm.toolkit.fluxcd.io/revision`, the values digest as `helm.toolkit.fluxcd.io/token`.
import { HELM_GROUP } from './kind.ts';

/** eventMeta is the metadata of a release event. */
export function eventMeta(chartVersion: string, configDigest: string, ociDigest = ''): Record<string, string> {
  const meta: Record<string, string> = {};
  if (chartVersion) meta[`${HELM_GROUP}/revision`] = chartVersion;
  if (configDigest) meta[`${HELM_GROUP}/token`] = configDigest;
  if (ociDigest) meta[`${HELM_GROUP}/oci-digest`] = ociDigest;
  return meta;
}
