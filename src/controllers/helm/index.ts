// Public surface of controllers/helm: the helm-controller's descriptor and kind (the reconciler loads lazily).
export { helmControllerDescriptor } from './controller.ts';
export { HELM_FIELD_MANAGER, helmReleaseType } from './kind.ts';
export { releaseName, shortenName } from './release-name.ts';
export { ReleaseStorage, ReleaseStorageError } from './storage.ts';
export { composeValues, kubeValuesReader, type ValuesReader, type ValuesReference } from './values.ts';
