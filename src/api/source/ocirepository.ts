// OCIRepository (source.toolkit.fluxcd.io/v1): an OCI artifact in a container registry turned into an artifact.
import { columns, type ObjectOfKind } from '../crd.ts';
import { interval, localObjectReference, suspend } from '../meta.ts';
import { s } from '../schema/dsl.ts';
import {
  artifactUrl,
  defineSourceKind,
  ignore,
  observedIgnore,
  ociVerification,
  sourceStatus,
  sourceTimeout,
} from './common.ts';

const layerSelector = s.object(
  {
    mediaType: s.string({ description: 'Media type of the layer to use; the first match wins.' }).optional(),
    operation: s
      .enum(['extract', 'copy'], { description: 'extract unpacks the layer; copy stores it unchanged.' })
      .optional(),
  },
  { description: 'Which layer of the artifact to use; the first layer when omitted.' },
);

const spec = s.object(
  {
    url: s.string({ pattern: '^oci://.*$', description: 'Repository address, oci://<host>/<path>.' }),
    ref: s
      .object(
        {
          digest: s.string({ description: 'Digest to pull, sha256:<hex>; wins over semver.' }).optional(),
          semver: s.string({ description: 'Semver range over tags; wins over tag.' }).optional(),
          semverFilter: s.string({ description: 'Regular expression filtering tags before semver.' }).optional(),
          tag: s.string({ description: 'Tag to pull; latest when nothing is set.' }).optional(),
        },
        { description: 'Reference to pull and watch.' },
      )
      .optional(),
    layerSelector: layerSelector.optional(),
    provider: s
      .enum(['generic', 'aws', 'azure', 'gcp'], {
        default: 'generic',
        description: 'Registry authentication provider.',
      })
      .optional(),
    secretRef: localObjectReference.describe('Secret of type kubernetes.io/dockerconfigjson.').optional(),
    verify: ociVerification.optional(),
    serviceAccountName: s
      .string({ description: 'ServiceAccount whose image pull secrets or identity are used.' })
      .optional(),
    certSecretRef: localObjectReference.describe('Secret with tls.crt/tls.key and/or ca.crt.').optional(),
    proxySecretRef: localObjectReference.describe('Secret with proxy address and credentials.').optional(),
    interval,
    timeout: sourceTimeout('registry operations').optional(),
    ignore,
    insecure: s.boolean({ description: 'Allow plain HTTP registries.' }).optional(),
    suspend,
  },
  { description: 'Desired state of an OCIRepository.' },
);

const status = sourceStatus('Observed state of an OCIRepository.', {
  url: artifactUrl('artifact'),
  observedIgnore,
  observedLayerSelector: layerSelector.optional(),
});

/** OCIRepositoryKind defines the OCIRepository kind and CRD. */
export const OCIRepositoryKind = defineSourceKind({
  kind: 'OCIRepository',
  plural: 'ocirepositories',
  shortNames: ['ocirepo'],
  description: 'OCIRepository produces an artifact from an OCI artifact in a registry.',
  printerColumns: [{ name: 'URL', type: 'string', jsonPath: '.spec.url' }, columns.ready, columns.status, columns.age],
  spec,
  status,
});
/** OCIRepository is an OCIRepository object. */
export type OCIRepository = ObjectOfKind<typeof OCIRepositoryKind>;
