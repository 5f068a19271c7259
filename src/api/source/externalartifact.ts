// ExternalArtifact (source.toolkit.fluxcd.io/v1): an artifact written by a third-party controller (source-watcher).
import { columns, type ObjectOfKind } from '../crd.ts';
import { artifact, conditions, namespacedObjectKindReference } from '../meta.ts';
import { s } from '../schema/dsl.ts';
import { defineSourceKind } from './common.ts';

/** ExternalArtifactKind defines the ExternalArtifact kind and CRD. */
export const ExternalArtifactKind = defineSourceKind({
  kind: 'ExternalArtifact',
  plural: 'externalartifacts',
  shortNames: ['ea'],
  description: 'ExternalArtifact exposes an artifact produced outside source-controller.',
  printerColumns: [
    columns.age,
    columns.ready,
    columns.status,
    { name: 'Source', type: 'string', jsonPath: '.spec.sourceRef.name' },
  ],
  spec: s.object(
    { sourceRef: namespacedObjectKindReference.describe('Object that generated the artifact.').optional() },
    { description: 'Desired state of an ExternalArtifact.' },
  ),
  status: s.object(
    { artifact: artifact.optional(), conditions: conditions.optional() },
    { description: 'Observed state of an ExternalArtifact.' },
  ),
  specOptional: true,
});
/** ExternalArtifact is an ExternalArtifact object. */
export type ExternalArtifact = ObjectOfKind<typeof ExternalArtifactKind>;
