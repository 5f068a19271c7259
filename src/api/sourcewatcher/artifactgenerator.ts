// ArtifactGenerator (source.extensions.fluxcd.io/v1beta1, source-watcher): composes ExternalArtifacts from sources.
// Flux 2.7+ bootstrap repositories use it (the fixtures do), so its CRD ships with ours.
import { columns, defineKind, type ObjectOfKind } from '../crd.ts';
import { conditions, lastHandledReconcileAt, namespacedObjectKindReference } from '../meta.ts';
import { s } from '../schema/dsl.ts';

const DNS_LABEL = '^[a-z0-9]([a-z0-9-]*[a-z0-9])?$';
const ALIAS_REF = '^@([a-z0-9]([a-z0-9_-]*[a-z0-9])?)$';

const source = s.object({
  alias: s.string({
    pattern: '^[a-z0-9]([a-z0-9_-]*[a-z0-9])?$',
    maxLength: 63,
    description: 'Unique alias of the source.',
  }),
  name: s.string({ pattern: DNS_LABEL, maxLength: 253, description: 'Name of the source.' }),
  namespace: s
    .string({
      pattern: DNS_LABEL,
      minLength: 1,
      maxLength: 63,
      description: 'Namespace of the source; the generator’s when empty.',
    })
    .optional(),
  kind: s.enum(['Bucket', 'GitRepository', 'OCIRepository'], { description: 'Kind of the source.' }),
});

const output = s.object({
  name: s.string({ pattern: DNS_LABEL, maxLength: 253, description: 'Name of the generated ExternalArtifact.' }),
  revision: s
    .string({ pattern: ALIAS_REF, maxLength: 64, description: 'Source alias (@alias) giving the revision.' })
    .optional(),
  originRevision: s
    .string({ pattern: ALIAS_REF, maxLength: 64, description: 'Source alias (@alias) giving the origin revision.' })
    .optional(),
  copy: s.array(
    s.object({
      from: s.string({
        pattern: '^@([a-z0-9]([a-z0-9_-]*[a-z0-9])?)/(.*)$',
        maxLength: 1024,
        description: '@alias/glob to copy.',
      }),
      to: s.string({ pattern: '^@(artifact)/(.*)$', maxLength: 1024, description: '@artifact/path destination.' }),
      exclude: s.array(s.string(), { description: 'Glob patterns excluded from the copy.' }).optional(),
      strategy: s.string({ description: 'How files already present are treated.' }).optional(),
    }),
    { minItems: 1, description: 'Copy operations, later ones overwriting earlier ones.' },
  ),
});

/** ArtifactGeneratorKind defines the ArtifactGenerator kind and CRD. */
export const ArtifactGeneratorKind = defineKind({
  group: 'source.extensions.fluxcd.io',
  version: 'v1beta1',
  kind: 'ArtifactGenerator',
  plural: 'artifactgenerators',
  categories: ['all', 'fluxcd', 'fluxcd-sources'],
  controller: 'source-watcher',
  description: 'ArtifactGenerator composes ExternalArtifacts from the artifacts of other sources.',
  printerColumns: [columns.ready, columns.status, columns.age],
  spec: s.object(
    {
      sources: s.array(source, { minItems: 1, maxItems: 1000, description: 'Sources the artifacts are built from.' }),
      artifacts: s.array(output, { minItems: 1, maxItems: 1000, description: 'Artifacts to generate.' }),
    },
    { description: 'Desired state of an ArtifactGenerator.' },
  ),
  status: s.object(
    {
      conditions: conditions.optional(),
      inventory: s.array(namespacedObjectKindReference, { description: 'Generated ExternalArtifacts.' }).optional(),
      observedSourcesDigest: s.string({ description: 'Hash of the state of all sources.' }).optional(),
      lastHandledReconcileAt,
    },
    { description: 'Observed state of an ArtifactGenerator.' },
  ),
});
/** ArtifactGenerator is an ArtifactGenerator object. */
export type ArtifactGenerator = ObjectOfKind<typeof ArtifactGeneratorKind>;
