// HelmRepository (source.toolkit.fluxcd.io/v1): a Helm chart repository index (or a static OCI registry holder).
import { type ObjectOfKind } from '../crd.ts';
import { accessFrom, localObjectReference, suspend } from '../meta.ts';
import { s } from '../schema/dsl.ts';
import { artifactUrl, defineSourceKind, sourceStatus, urlColumns } from './common.ts';

const spec = s.object(
  {
    url: s.string({ pattern: '^(http|https|oci)://.*$', description: 'Repository URL (http, https or oci).' }),
    secretRef: localObjectReference.describe('Secret with username/password or registry credentials.').optional(),
    certSecretRef: localObjectReference.describe('Secret with tls.crt/tls.key and/or ca.crt.').optional(),
    passCredentials: s
      .boolean({ description: 'Send credentials to chart hosts other than the index host.' })
      .optional(),
    interval: s.duration({ description: 'Period between index fetches; 1m when empty.' }).optional(),
    insecure: s.boolean({ description: 'Allow plain HTTP registries (type oci only).' }).optional(),
    timeout: s
      .duration({ hours: false, description: 'Timeout for index fetches and OCI pulls; 60s when empty.' })
      .optional(),
    suspend,
    accessFrom: accessFrom.optional(),
    type: s.enum(['default', 'oci'], { description: 'Repository type; default when empty.' }).optional(),
    provider: s
      .enum(['generic', 'aws', 'azure', 'gcp'], {
        default: 'generic',
        description: 'Authentication provider (type oci).',
      })
      .optional(),
  },
  { description: 'Desired state of a HelmRepository.' },
);

const status = sourceStatus('Observed state of a HelmRepository.', {
  url: artifactUrl('index'),
});

/** HelmRepositoryKind defines the HelmRepository kind and CRD. */
export const HelmRepositoryKind = defineSourceKind({
  kind: 'HelmRepository',
  plural: 'helmrepositories',
  shortNames: ['helmrepo'],
  description: 'HelmRepository produces an artifact from a Helm repository index.',
  printerColumns: urlColumns,
  spec,
  status,
});
/** HelmRepository is a HelmRepository object. */
export type HelmRepository = ObjectOfKind<typeof HelmRepositoryKind>;
