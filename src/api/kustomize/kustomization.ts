// Kustomization (kustomize.toolkit.fluxcd.io/v1): build a path of a source artifact with kustomize and apply it.
import { columns, defineKind, type ObjectOfKind } from '../crd.ts';
import {
  commonMetadata,
  dependencyReference,
  interval,
  kubeConfigReference,
  localObjectReference,
  namespacedObjectKindReference,
  reconciledStatus,
  suspend,
} from '../meta.ts';
import { customHealthCheck, ignoreRule, image, inventory, patch } from '../kustomize-types.ts';
import { s, type Infer } from '../schema/dsl.ts';

const sourceRef = s.object(
  {
    apiVersion: s.string({ description: 'API version of the source.' }).optional(),
    kind: s.enum(['OCIRepository', 'GitRepository', 'Bucket', 'ExternalArtifact'], {
      description: 'Kind of the source.',
    }),
    name: s.string({ description: 'Name of the source.' }),
    namespace: s.string({ description: 'Namespace of the source; the Kustomization’s when empty.' }).optional(),
  },
  { description: 'Source whose artifact is built.' },
);

const postBuild = s.object(
  {
    substitute: s
      .map(s.string(), { description: 'Variables substituted as ${name} in the built manifests.' })
      .optional(),
    substituteFrom: s
      .array(
        s.object({
          kind: s.enum(['Secret', 'ConfigMap'], { description: 'Kind of the values object.' }),
          name: s.string({ description: 'Name of the values object, same namespace.', minLength: 1, maxLength: 253 }),
          optional: s.boolean({ default: false, description: 'Tolerate a missing object.' }).optional(),
        }),
        { description: 'ConfigMaps and Secrets whose data become variables, later entries winning.' },
      )
      .optional(),
    substituteStrategy: s
      .enum(['WithVariables', 'Always'], {
        description: 'WithVariables substitutes only when a variable is defined; Always substitutes regardless.',
      })
      .optional(),
  },
  { description: 'Variable substitution applied after the kustomize build.' },
);

const spec = s.object(
  {
    sourceRef,
    path: s.string({ description: 'Directory in the artifact to build; the root when empty.' }).optional(),
    interval,
    retryInterval: s.duration({ description: 'Retry period after a failure; the interval when empty.' }).optional(),
    timeout: s.duration({ description: 'Time limit for build, apply and health checks.' }).optional(),
    prune: s.boolean({ description: 'Delete objects that disappeared from the source.' }),
    deletionPolicy: s
      .enum(['MirrorPrune', 'Delete', 'WaitForTermination', 'Orphan'], {
        description: 'What happens to applied objects when the Kustomization is deleted.',
      })
      .optional(),
    dependsOn: s.array(dependencyReference, { description: 'Kustomizations that must be ready first.' }).optional(),
    suspend,
    targetNamespace: s
      .string({ minLength: 1, maxLength: 63, description: 'Namespace set on every namespaced object.' })
      .optional(),
    namePrefix: s.string({ minLength: 1, maxLength: 200, description: 'Prefix added to every name.' }).optional(),
    nameSuffix: s.string({ minLength: 1, maxLength: 200, description: 'Suffix added to every name.' }).optional(),
    commonMetadata: commonMetadata.describe('Labels and annotations set on every applied object.').optional(),
    patches: s.array(patch, { description: 'Patches applied to the built resources.' }).optional(),
    images: s.array(image, { description: 'Image overrides applied to the built resources.' }).optional(),
    components: s.array(s.string(), { description: 'Relative paths of kustomize components to include.' }).optional(),
    ignoreMissingComponents: s.boolean({ description: 'Skip component paths that do not exist.' }).optional(),
    buildMetadata: s
      .array(s.enum(['originAnnotations', 'transformerAnnotations']), {
        description: 'kustomize build metadata options.',
      })
      .optional(),
    postBuild: postBuild.optional(),
    decryption: s
      .object(
        {
          provider: s.enum(['sops'], { description: 'Decryption provider.' }),
          secretRef: localObjectReference.describe('Secret with decryption keys.').optional(),
          serviceAccountName: s.string({ description: 'ServiceAccount for KMS workload identity.' }).optional(),
        },
        { description: 'Decryption of SOPS-encrypted manifests.' },
      )
      .optional(),
    serviceAccountName: s.string({ description: 'ServiceAccount to impersonate when applying.' }).optional(),
    kubeConfig: kubeConfigReference.optional(),
    force: s.boolean({ default: false, description: 'Recreate objects whose immutable fields changed.' }).optional(),
    wait: s.boolean({ description: 'Wait for every applied object to become ready.' }).optional(),
    healthChecks: s
      .array(namespacedObjectKindReference, { description: 'Objects whose health gates readiness.' })
      .optional(),
    healthCheckExprs: s.array(customHealthCheck, { description: 'CEL health rules per group or kind.' }).optional(),
    ignore: s.array(ignoreRule, { description: 'Fields whose drift is not corrected.' }).optional(),
  },
  { description: 'Desired state of a Kustomization.' },
);
/** KustomizationSpec is spec of a Kustomization. */
export type KustomizationSpec = Infer<typeof spec>;

const snapshot = s.object({
  digest: s.string({ description: 'sha256 digest of the built manifests.' }),
  firstReconciled: s.time({ description: 'First reconciliation with this digest.' }),
  lastReconciled: s.time({ description: 'Last reconciliation with this digest.' }),
  lastReconciledDuration: s.string({ description: 'Duration of the last reconciliation.' }),
  lastReconciledStatus: s.string({ description: 'Outcome of the last reconciliation.' }),
  totalReconciliations: s.integer({ format: 'int64', description: 'Reconciliations with this digest.' }),
  metadata: s.map(s.string(), { description: 'Revisions the digest was built from.' }).optional(),
});

const status = reconciledStatus('Observed state of a Kustomization.', {
  lastAppliedRevision: s.string({ description: 'Source revision last applied successfully.' }).optional(),
  lastAppliedOriginRevision: s.string({ description: 'Origin revision of the last applied artifact.' }).optional(),
  lastAttemptedRevision: s.string({ description: 'Source revision last attempted.' }).optional(),
  inventory: inventory.optional(),
  history: s.array(snapshot, { description: 'Recent reconciliations, newest first.' }).optional(),
});

/** KustomizationKind defines the Kustomization kind and CRD. */
export const KustomizationKind = defineKind({
  group: 'kustomize.toolkit.fluxcd.io',
  version: 'v1',
  kind: 'Kustomization',
  plural: 'kustomizations',
  shortNames: ['ks'],
  categories: ['all', 'fluxcd', 'fluxcd-appliers'],
  controller: 'kustomize-controller',
  description: 'Kustomization builds and applies manifests from a source artifact.',
  printerColumns: [columns.age, columns.ready, columns.status],
  spec,
  status,
});
/** Kustomization is a Kustomization object. */
export type Kustomization = ObjectOfKind<typeof KustomizationKind>;
