// Public surface of controllers/helm: the helm-controller's descriptor and kind (the reconciler loads lazily).
export { helmControllerDescriptor } from './controller.ts';
export { HELM_FIELD_MANAGER, helmReleaseType } from './kind.ts';
export { releaseName, shortenName } from './release-name.ts';
export { ReleaseStorage, ReleaseStorageError } from './storage.ts';
export { composeValues, kubeValuesReader, type ValuesReader, type ValuesReference } from './values.ts';
// What `fluxts build|diff helmrelease` reuse to render a release as this controller would.
export { buildHelmChart, chartTemplateRef } from './chart-template.ts';
export { stampRelease } from './labels.ts';
export { parseManifest, withNamespaces } from './manifest.ts';
export { releaseTarget } from './target.ts';
export type { ValuesObject } from './values.ts';
export { configDigest, snapshotOf } from './snapshot.ts';
export { reusedValues } from './preserve-values.ts';
