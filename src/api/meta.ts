// Shared building blocks of Flux APIs (fluxcd/pkg apis/meta, apis/acl, apis/kustomize) as schema nodes and types.
import { s, type Infer, type Shape } from './schema/dsl.ts';

/** condition is metav1.Condition with the apiserver's own validation. */
export const condition = s.object({
  type: s.string({
    description: 'Condition type in CamelCase, optionally prefixed by a DNS subdomain.',
    maxLength: 316,
    pattern:
      '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$',
  }),
  status: s.enum(['True', 'False', 'Unknown'], { description: 'Whether the condition holds.' }),
  observedGeneration: s
    .integer({ format: 'int64', minimum: 0, description: 'Generation the condition was computed for.' })
    .optional(),
  lastTransitionTime: s.time({ description: 'When the status last changed.' }),
  reason: s.string({
    description: 'Machine-readable CamelCase reason of the last transition.',
    minLength: 1,
    maxLength: 1024,
    pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$',
  }),
  message: s.string({ description: 'Human-readable details of the last transition.', maxLength: 32768 }),
});
/** Condition is one entry of status.conditions. */
export type Condition = Infer<typeof condition>;

/** conditions is the status.conditions list. */
export const conditions = s.array(condition, { description: 'Observations of the current state of the object.' });

/** artifact is meta.Artifact, the output of a source reconciliation. */
export const artifact = s.object(
  {
    path: s.string({ description: 'Path of the file relative to the storage root.' }),
    url: s.string({ description: 'HTTP address of the artifact as exposed by the controller.' }),
    revision: s.string({ description: 'Human-readable upstream revision, e.g. main@sha1:<hex>.' }),
    digest: s.string({
      description: 'Digest of the file bytes as <algorithm>:<hex>.',
      pattern: '^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$',
    }),
    lastUpdateTime: s.time({ description: 'When the artifact file was last written.' }),
    size: s.integer({ format: 'int64', description: 'Size of the file in bytes.' }).optional(),
    metadata: s.map(s.string(), { description: 'Upstream metadata, such as OCI annotations.' }).optional(),
  },
  { description: 'Artifact produced by a source.' },
);
/** Artifact is status.artifact of the sources. */
export type Artifact = Infer<typeof artifact>;

/** localObjectReference names an object in the same namespace. */
export const localObjectReference = s.object({ name: s.string({ description: 'Name of the referent.' }) });
/** LocalObjectReference is meta.LocalObjectReference. */
export type LocalObjectReference = Infer<typeof localObjectReference>;

/** namespacedObjectReference names an object, optionally in another namespace. */
export const namespacedObjectReference = s.object({
  name: s.string({ description: 'Name of the referent.' }),
  namespace: s.string({ description: 'Namespace of the referent; defaults to the referrer’s.' }).optional(),
});
/** NamespacedObjectReference is meta.NamespacedObjectReference. */
export type NamespacedObjectReference = Infer<typeof namespacedObjectReference>;

/** namespacedObjectKindReference names an object of a given kind, optionally in another namespace. */
export const namespacedObjectKindReference = s.object({
  apiVersion: s.string({ description: 'API version of the referent.' }).optional(),
  kind: s.string({ description: 'Kind of the referent.' }),
  name: s.string({ description: 'Name of the referent.' }),
  namespace: s.string({ description: 'Namespace of the referent; defaults to the referrer’s.' }).optional(),
});
/** NamespacedObjectKindReference is meta.NamespacedObjectKindReference. */
export type NamespacedObjectKindReference = Infer<typeof namespacedObjectKindReference>;

/** secretKeyReference names one key of a Secret in the same namespace. */
export const secretKeyReference = s.object({
  name: s.string({ description: 'Name of the Secret.' }),
  key: s.string({ description: 'Key in the Secret; the consumer picks a default when empty.' }).optional(),
});
/** SecretKeyReference is meta.SecretKeyReference. */
export type SecretKeyReference = Infer<typeof secretKeyReference>;

/** dependencyReference is one dependsOn entry. */
export const dependencyReference = s.object({
  name: s.string({ description: 'Name of the dependency.' }),
  namespace: s.string({ description: 'Namespace of the dependency; defaults to the dependent’s.' }).optional(),
  readyExpr: s.string({ description: 'CEL expression over self and dep deciding readiness.' }).optional(),
});
/** DependencyReference is meta.DependencyReference. */
export type DependencyReference = Infer<typeof dependencyReference>;

/** kubeConfigReference points at the credentials of a remote cluster. */
export const kubeConfigReference = s.object(
  {
    secretRef: s
      .object({
        name: s.string({ description: 'Name of the Secret.' }),
        key: s.string({ description: 'Key holding the kubeconfig; value or value.yaml when empty.' }).optional(),
      })
      .describe('Secret holding a kubeconfig.')
      .optional(),
    configMapRef: localObjectReference
      .describe('ConfigMap describing a cluster reached with workload identity.')
      .optional(),
  },
  {
    description: 'Remote cluster to act on instead of the local one.',
    validations: [
      {
        rule: 'has(self.configMapRef) || has(self.secretRef)',
        message: 'exactly one of spec.kubeConfig.configMapRef or spec.kubeConfig.secretRef must be specified',
      },
      {
        rule: '!has(self.configMapRef) || !has(self.secretRef)',
        message: 'exactly one of spec.kubeConfig.configMapRef or spec.kubeConfig.secretRef must be specified',
      },
    ],
  },
);
/** KubeConfigReference is meta.KubeConfigReference. */
export type KubeConfigReference = Infer<typeof kubeConfigReference>;

/** accessFrom is acl.AccessFrom: which namespaces may reference the object. */
export const accessFrom = s.object(
  {
    namespaceSelectors: s.array(
      s.object({
        matchLabels: s
          .map(s.string(), { description: 'Labels the namespace must carry; empty matches all.' })
          .optional(),
      }),
      { description: 'Namespace selectors, ORed.' },
    ),
  },
  { description: 'Access control list for cross-namespace references.' },
);
/** AccessFrom is acl.AccessFrom. */
export type AccessFrom = Infer<typeof accessFrom>;

/** labelSelector is metav1.LabelSelector. */
export const labelSelector = s.object(
  {
    matchLabels: s.map(s.string(), { description: 'Labels that must all match.' }).optional(),
    matchExpressions: s
      .array(
        s.object({
          key: s.string({ description: 'Label key.' }),
          operator: s.string({ description: 'In, NotIn, Exists or DoesNotExist.' }),
          values: s.array(s.string(), { listType: 'atomic', description: 'Values for In and NotIn.' }).optional(),
        }),
        { listType: 'atomic', description: 'Label requirements, ANDed.' },
      )
      .optional(),
  },
  { mapType: 'atomic', description: 'Label query over objects.' },
);
/** LabelSelector is metav1.LabelSelector. */
export type LabelSelector = Infer<typeof labelSelector>;

/** commonMetadata holds labels and annotations stamped on every applied object. */
export const commonMetadata = s.object({
  labels: s.map(s.string(), { description: 'Labels added to every object.' }).optional(),
  annotations: s.map(s.string(), { description: 'Annotations added to every object.' }).optional(),
});

/** reconcileRequestStatus is the status field recording the last handled reconcile.fluxcd.io/requestedAt token. */
export const lastHandledReconcileAt = s
  .string({ description: 'Last reconcile.fluxcd.io/requestedAt value the controller handled.' })
  .optional();

/** observedGeneration is status.observedGeneration. */
export const observedGeneration = s
  .integer({ format: 'int64', description: 'Last generation that reached Ready or Stalled.' })
  .optional();

/**
 * reconciledStatus is the status of a reconciled kind: its own fields between the ones every reconciled Flux object
 * has (Flux's ObservedGeneration, Conditions and ReconcileRequestStatus).
 *
 * @example const status = reconciledStatus('Observed state of a Receiver.', { webhookPath: s.string().optional() });
 */
export function reconciledStatus<S extends Shape>(description: string, fields: S) {
  return s.object(
    { observedGeneration, conditions: conditions.optional(), ...fields, lastHandledReconcileAt },
    { description },
  );
}

/** suspend is the common suspend flag. */
export const suspend = s.boolean({ description: 'Stops reconciliation while true.' }).optional();

/** interval is the common required reconcile period. */
export const interval = s.duration({ description: 'Period between reconciliations.' });
