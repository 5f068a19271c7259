// HelmRelease (helm.toolkit.fluxcd.io/v2): a Helm release installed and upgraded from a chart source.
import { columns, defineKind, type ObjectOfKind } from '../crd.ts';
import {
  commonMetadata,
  dependencyReference,
  interval,
  kubeConfigReference,
  localObjectReference,
  suspend,
} from '../meta.ts';
import { customHealthCheck, ignoreRule, image, patch } from '../kustomize-types.ts';
import { s, type Infer } from '../schema/dsl.ts';
import { install, rollback, test, uninstall, upgrade } from './actions.ts';
import { helmReleaseStatus } from './status.ts';
export type { Snapshot } from './status.ts';

const name253 = (description: string): ReturnType<typeof s.string> =>
  s.string({ minLength: 1, maxLength: 253, description });
const namespace63 = (description: string): ReturnType<typeof s.string> =>
  s.string({ minLength: 1, maxLength: 63, description });

const chartTemplate = s.object(
  {
    metadata: commonMetadata.describe('Labels and annotations of the generated HelmChart.').optional(),
    spec: s.object(
      {
        chart: s.string({ minLength: 1, maxLength: 2048, description: 'Chart name or path in the source.' }),
        version: s.string({ default: '*', description: 'Semver range of the chart version.' }).optional(),
        sourceRef: s.object(
          {
            apiVersion: s.string({ description: 'API version of the source.' }).optional(),
            kind: s.enum(['HelmRepository', 'GitRepository', 'Bucket'], { description: 'Kind of the source.' }),
            name: name253('Name of the source.'),
            namespace: namespace63('Namespace of the source; the HelmRelease’s when empty.').optional(),
          },
          { description: 'Source holding the chart.' },
        ),
        interval: s.duration({ description: 'Interval of the HelmChart; the release interval when empty.' }).optional(),
        reconcileStrategy: s
          .enum(['ChartVersion', 'Revision'], {
            default: 'ChartVersion',
            description: 'What makes a new chart artifact.',
          })
          .optional(),
        valuesFiles: s.array(s.string(), { description: 'Values files merged into the chart.' }).optional(),
        ignoreMissingValuesFiles: s.boolean({ description: 'Skip values files that do not exist.' }).optional(),
        verify: s
          .object(
            {
              provider: s.enum(['cosign', 'notation'], { default: 'cosign', description: 'Verification tool.' }),
              secretRef: localObjectReference.describe('Secret with trusted public keys.').optional(),
            },
            { description: 'Signature verification of OCI charts.' },
          )
          .optional(),
      },
      { description: 'Spec of the generated HelmChart.' },
    ),
  },
  { description: 'Template of the HelmChart the controller creates for this release.' },
);

const chartRef = s.object(
  {
    apiVersion: s.string({ description: 'API version of the source.' }).optional(),
    kind: s.enum(['OCIRepository', 'HelmChart', 'ExternalArtifact'], { description: 'Kind of the source.' }),
    name: name253('Name of the source.'),
    namespace: namespace63('Namespace of the source; the HelmRelease’s when empty.').optional(),
  },
  { description: 'Existing source whose artifact is the chart.' },
);

const valuesReference = s.object({
  kind: s.enum(['Secret', 'ConfigMap'], { description: 'Kind of the values object.' }),
  name: name253('Name of the values object in the same namespace.'),
  valuesKey: s
    .string({
      maxLength: 253,
      pattern: '^[\\-._a-zA-Z0-9]+$',
      description: 'Data key holding values; values.yaml when empty.',
    })
    .optional(),
  targetPath: s
    .string({
      maxLength: 250,
      pattern: '^([a-zA-Z0-9_\\-.\\\\\\/]|\\[[0-9]{1,5}\\])+$',
      description: 'Helm --set path the value is written to, instead of merging the whole document.',
    })
    .optional(),
  optional: s.boolean({ description: 'Tolerate a missing object or key.' }).optional(),
  literal: s.boolean({ description: 'Write the value at targetPath as a literal string.' }).optional(),
});

const spec = s.object(
  {
    chart: chartTemplate.optional(),
    chartRef: chartRef.optional(),
    interval,
    kubeConfig: kubeConfigReference.optional(),
    suspend,
    releaseName: s.string({ minLength: 1, maxLength: 53, description: 'Helm release name.' }).optional(),
    targetNamespace: namespace63('Namespace of the release; the HelmRelease’s when empty.').optional(),
    storageNamespace: namespace63('Namespace of the Helm storage; the HelmRelease’s when empty.').optional(),
    dependsOn: s.array(dependencyReference, { description: 'HelmReleases that must be ready first.' }).optional(),
    timeout: s
      .duration({ description: 'Time limit for Kubernetes operations of Helm actions; 5m when empty.' })
      .optional(),
    maxHistory: s.integer({ description: 'Release revisions kept; 5 when empty, 0 for unlimited.' }).optional(),
    serviceAccountName: name253('ServiceAccount to impersonate.').optional(),
    persistentClient: s.boolean({ description: 'Reuse one Kubernetes client per reconciliation.' }).optional(),
    driftDetection: s
      .object(
        {
          mode: s
            .enum(['enabled', 'warn', 'disabled'], { description: 'Drift handling; disabled when empty.' })
            .optional(),
          ignore: s.array(ignoreRule, { description: 'Fields whose drift is ignored.' }).optional(),
        },
        { description: 'Detection and correction of cluster drift.' },
      )
      .optional(),
    install: install.optional(),
    upgrade: upgrade.optional(),
    test: test.optional(),
    rollback: rollback.optional(),
    uninstall: uninstall.optional(),
    valuesFrom: s
      .array(valuesReference, { description: 'ConfigMaps and Secrets merged into the values in order.' })
      .optional(),
    values: s.json({ description: 'Inline values, merged last.' }).optional(),
    commonMetadata: commonMetadata.describe('Labels and annotations set on every rendered object.').optional(),
    postRenderers: s
      .array(
        s.object({
          kustomize: s
            .object(
              {
                patches: s.array(patch, { description: 'Patches applied to the rendered objects.' }).optional(),
                images: s.array(image, { description: 'Image overrides.' }).optional(),
              },
              { description: 'kustomize post-renderer.' },
            )
            .optional(),
        }),
        { description: 'Post-renderers applied in order.' },
      )
      .optional(),
    postRenderStrategy: s
      .enum(['nohooks', 'combined', 'separate'], { description: 'Whether hooks go through the post-renderers.' })
      .optional(),
    waitStrategy: s
      .object(
        { name: s.enum(['poller', 'legacy'], { description: 'Wait implementation.' }) },
        { description: 'How to wait for readiness.' },
      )
      .optional(),
    healthCheckExprs: s.array(customHealthCheck, { description: 'CEL health rules per group or kind.' }).optional(),
  },
  {
    description: 'Desired state of a HelmRelease.',
    validations: [
      {
        rule: '(has(self.chart) && !has(self.chartRef)) || (!has(self.chart) && has(self.chartRef))',
        message: 'either chart or chartRef must be set',
      },
    ],
  },
);
/** HelmReleaseSpec is spec of a HelmRelease. */
export type HelmReleaseSpec = Infer<typeof spec>;

/** HelmReleaseKind defines the HelmRelease kind and CRD. */
export const HelmReleaseKind = defineKind({
  group: 'helm.toolkit.fluxcd.io',
  version: 'v2',
  kind: 'HelmRelease',
  plural: 'helmreleases',
  shortNames: ['hr'],
  categories: ['all', 'fluxcd', 'fluxcd-appliers'],
  controller: 'helm-controller',
  description: 'HelmRelease installs and upgrades a Helm release from a chart source.',
  printerColumns: [columns.age, columns.ready, columns.status],
  spec,
  status: helmReleaseStatus,
});
/** HelmRelease is a HelmRelease object. */
export type HelmRelease = ObjectOfKind<typeof HelmReleaseKind>;
