// What the helm-controller stamps on the objects of a release: Flux's origin labels (its post-renderer) and the
// ownership metadata Helm sets on every object it manages, so `helm upgrade` can take the release over and Helm
// refuses to adopt objects of another release.
import type { HelmRelease } from '../../api/index.ts';
import type { KubeObject } from '../../kube/index.ts';
import { HELM_GROUP } from './kind.ts';

/** ownerLabelsFor are `helm.toolkit.fluxcd.io/name` and `/namespace` of the HelmRelease. */
export function ownerLabelsFor(hr: HelmRelease): Record<string, string> {
  return { [`${HELM_GROUP}/name`]: hr.metadata.name ?? '', [`${HELM_GROUP}/namespace`]: hr.metadata.namespace ?? '' };
}

/** stampRelease adds the origin labels, commonMetadata, and Helm's managed-by label and release annotations. */
export function stampRelease(
  obj: KubeObject,
  hr: HelmRelease,
  release: { name: string; namespace: string },
): KubeObject {
  const common = hr.spec.commonMetadata;
  const labels = {
    ...(obj.metadata.labels ?? {}),
    ...(common?.labels ?? {}),
    ...ownerLabelsFor(hr),
    'app.kubernetes.io/managed-by': 'Helm',
  };
  const annotations = {
    ...(obj.metadata.annotations ?? {}),
    ...(common?.annotations ?? {}),
    'meta.helm.sh/release-name': release.name,
    'meta.helm.sh/release-namespace': release.namespace,
  };
  return { ...obj, metadata: { ...obj.metadata, labels, annotations } };
}
