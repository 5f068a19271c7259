// HelmChart (source.toolkit.fluxcd.io/v1): a packaged chart from a HelmRepository, GitRepository or Bucket.
import { columns, type ObjectOfKind } from '../crd.ts';
import { interval, suspend } from '../meta.ts';
import { s } from '../schema/dsl.ts';
import { artifactUrl, chartVerification, defineSourceKind, sourceStatus } from './common.ts';

const spec = s.object(
  {
    chart: s.string({ description: 'Chart name (HelmRepository) or path (GitRepository, Bucket).' }),
    version: s.string({ default: '*', description: 'Semver range of the chart version.' }).optional(),
    sourceRef: s.object(
      {
        apiVersion: s.string({ description: 'API version of the source.' }).optional(),
        kind: s.enum(['HelmRepository', 'GitRepository', 'Bucket'], { description: 'Kind of the source.' }),
        name: s.string({ description: 'Name of the source in the same namespace.' }),
      },
      { description: 'Source holding the chart.' },
    ),
    interval,
    reconcileStrategy: s
      .enum(['ChartVersion', 'Revision'], {
        default: 'ChartVersion',
        description: 'What makes a new artifact: a new chart version or a new source revision.',
      })
      .optional(),
    valuesFiles: s
      .array(s.string(), { description: 'Values files merged in order into the packaged chart.' })
      .optional(),
    ignoreMissingValuesFiles: s.boolean({ description: 'Skip values files that do not exist.' }).optional(),
    suspend,
    verify: chartVerification.optional(),
  },
  {
    description: 'Desired state of a HelmChart.',
    validations: [
      {
        rule: "!has(self.verify) || self.sourceRef.kind == 'HelmRepository'",
        message: 'spec.verify is only supported when spec.sourceRef.kind is HelmRepository',
      },
    ],
  },
);

const status = sourceStatus('Observed state of a HelmChart.', {
  observedSourceArtifactRevision: s.string({ description: 'Source revision of the last build.' }).optional(),
  observedChartName: s.string({ description: 'Chart name of the last build.' }).optional(),
  observedValuesFiles: s.array(s.string(), { description: 'Values files of the last build.' }).optional(),
  url: artifactUrl('chart'),
});

/** HelmChartKind defines the HelmChart kind and CRD. */
export const HelmChartKind = defineSourceKind({
  kind: 'HelmChart',
  plural: 'helmcharts',
  shortNames: ['hc'],
  description: 'HelmChart produces a packaged Helm chart artifact.',
  printerColumns: [
    { name: 'Chart', type: 'string', jsonPath: '.spec.chart' },
    { name: 'Version', type: 'string', jsonPath: '.spec.version' },
    { name: 'Source Kind', type: 'string', jsonPath: '.spec.sourceRef.kind' },
    { name: 'Source Name', type: 'string', jsonPath: '.spec.sourceRef.name' },
    columns.age,
    columns.ready,
    columns.status,
  ],
  spec,
  status,
});
/** HelmChart is a HelmChart object. */
export type HelmChart = ObjectOfKind<typeof HelmChartKind>;
