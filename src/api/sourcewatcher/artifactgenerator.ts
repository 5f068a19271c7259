// ArtifactGenerator (source.extensions.fluxcd.io/v1beta1, source-watcher): composes ExternalArtifacts from sources.
// Flux 2.7+ bootstrap repositories use it (the fixtures do), so its CRD ships with ours.
import { columns, defineKind, type ObjectOfKind } from '../crd.ts';
import { commonMetadata, conditions, lastHandledReconcileAt } from '../meta.ts';
import { s } from '../schema/dsl.ts';

const ALIAS = '[a-z0-9]([a-z0-9_-]*[a-z0-9])?';
// A path segment that is neither `.` nor `..`: no escaping the artifact root.
const SEGMENT = '([^/]{0,1}|[^./][^/]|[.][^./]|[^/]{3,})';

const source = s.object({
  alias: s.string({ pattern: `^${ALIAS}$`, maxLength: 63, description: 'Unique alias of the source.' }),
  name: s.string({ pattern: '^[a-z0-9]([a-z0-9-]*[a-z0-9])?$', maxLength: 253, description: 'Name of the source.' }),
  namespace: s
    .string({
      pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
      minLength: 1,
      maxLength: 63,
      description: 'Namespace of the source; the generator’s when empty.',
    })
    .optional(),
  kind: s.enum(['Bucket', 'GitRepository', 'OCIRepository', 'HelmChart', 'ExternalArtifact'], {
    description: 'Kind of the source.',
  }),
});

const copy = s.object({
  from: s.string({
    pattern: `^@(${ALIAS})/(.*)$`,
    minLength: 1,
    maxLength: 1024,
    description: '@alias/glob selecting the files to copy.',
  }),
  to: s.string({
    pattern: `^@artifact/${SEGMENT}(/${SEGMENT})*$`,
    minLength: 1,
    maxLength: 1024,
    description: '@artifact/path destination inside the generated artifact.',
  }),
  exclude: s
    .array(s.string({ maxLength: 1024 }), { maxItems: 100, description: 'Glob patterns excluded from the copy.' })
    .optional(),
  strategy: s
    .enum(['Overwrite', 'Merge', 'Extract'], { description: 'How the copied files combine with existing ones.' })
    .optional(),
});

const output = s.object({
  name: s.string({ minLength: 1, maxLength: 253, description: 'Name of the generated ExternalArtifact.' }),
  revision: s
    .string({ pattern: `^@(${ALIAS})$`, maxLength: 64, description: 'Source alias (@alias) giving the revision.' })
    .optional(),
  originRevision: s
    .string({
      pattern: `^@(${ALIAS})$`,
      maxLength: 64,
      description: 'Source alias (@alias) giving the origin revision.',
    })
    .optional(),
  copy: s.array(copy, { minItems: 1, description: 'Copy operations, later ones overwriting earlier ones.' }),
});

/** ArtifactGeneratorKind defines the ArtifactGenerator kind and CRD. */
export const ArtifactGeneratorKind = defineKind({
  group: 'source.extensions.fluxcd.io',
  version: 'v1beta1',
  kind: 'ArtifactGenerator',
  plural: 'artifactgenerators',
  shortNames: ['ag'],
  categories: ['all', 'fluxcd', 'fluxcd-sources'],
  controller: 'source-watcher',
  description: 'ArtifactGenerator composes ExternalArtifacts from the artifacts of other sources.',
  printerColumns: [columns.age, columns.ready, columns.status],
  spec: s.object(
    {
      sources: s.array(source, { minItems: 1, maxItems: 1000, description: 'Sources the artifacts are built from.' }),
      artifacts: s.array(output, { minItems: 1, maxItems: 1000, description: 'Artifacts to generate.' }),
      pathPattern: s
        .string({
          pattern: `^@(${ALIAS})/(.*)$`,
          maxLength: 1024,
          description: '@alias/glob generating one artifact per matching path.',
        })
        .optional(),
      commonMetadata: commonMetadata.describe('Labels and annotations set on the generated artifacts.').optional(),
    },
    {
      description: 'Desired state of an ArtifactGenerator.',
      validations: [
        {
          rule: "has(self.pathPattern) && size(self.pathPattern) > 0 || self.artifacts.all(a, a.name.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$'))",
          message: 'artifact names must be valid Kubernetes object names when pathPattern is not set',
        },
      ],
    },
  ),
  status: s.object(
    {
      conditions: conditions.optional(),
      inventory: s
        .array(
          s.object({
            name: s.string({ description: 'Name of the ExternalArtifact.' }),
            namespace: s.string({ description: 'Namespace of the ExternalArtifact.' }),
            digest: s.string({ description: 'Digest of its artifact.' }),
            filename: s.string({ description: 'File name of its artifact.' }),
          }),
          { description: 'Generated ExternalArtifacts.' },
        )
        .optional(),
      observedSourcesDigest: s.string({ description: 'Hash of the state of all sources.' }).optional(),
      lastHandledReconcileAt,
    },
    { description: 'Observed state of an ArtifactGenerator.' },
  ),
});
/** ArtifactGenerator is an ArtifactGenerator object. */
export type ArtifactGenerator = ObjectOfKind<typeof ArtifactGeneratorKind>;
