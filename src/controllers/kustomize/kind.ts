import { KustomizationKind } from '../../api/index.ts';

/** kustomizationType addresses the Kustomization kind. */
export const kustomizationType = {
  apiVersion: `${KustomizationKind.group}/${KustomizationKind.version}`,
  kind: KustomizationKind.kind,
};

/** KUSTOMIZE_GROUP is the API group: event metadata keys and owner labels are prefixed with it. */
export const KUSTOMIZE_GROUP = KustomizationKind.group;
