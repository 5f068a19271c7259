// ImageRepository (image.toolkit.fluxcd.io/v1): scans the tags of a container image repository.
import { columns, type ObjectOfKind } from '../crd.ts';
import { accessFrom, interval, localObjectReference, reconciledStatus, suspend } from '../meta.ts';
import { s } from '../schema/dsl.ts';
import { defineReflectorKind } from './common.ts';

const spec = s.object(
  {
    image: s.string({ description: 'Image repository without scheme and tag, e.g. ghcr.io/org/app.' }),
    interval,
    timeout: s.duration({ hours: false, description: 'Time limit for one scan; the interval when empty.' }).optional(),
    secretRef: localObjectReference.describe('Secret of type kubernetes.io/dockerconfigjson.').optional(),
    proxySecretRef: localObjectReference.describe('Secret with proxy address and credentials.').optional(),
    serviceAccountName: s
      .string({ maxLength: 253, description: 'ServiceAccount whose pull secrets or identity are used.' })
      .optional(),
    certSecretRef: localObjectReference.describe('Secret with tls.crt/tls.key and/or ca.crt.').optional(),
    suspend,
    accessFrom: accessFrom.optional(),
    exclusionList: s
      .array(s.string(), { maxItems: 25, description: 'Regular expressions of tags not stored.' })
      .withDefault(['^.*\\.sig$'])
      .optional(),
    provider: s
      .enum(['generic', 'aws', 'azure', 'gcp'], {
        default: 'generic',
        description: 'Registry authentication provider.',
      })
      .optional(),
    insecure: s.boolean({ description: 'Allow plain HTTP registries.' }).optional(),
  },
  { description: 'Desired state of an ImageRepository.' },
);

const status = reconciledStatus('Observed state of an ImageRepository.', {
  canonicalImageName: s.string({ description: 'Image name with registry and path made explicit.' }).optional(),
  lastScanResult: s
    .object(
      {
        revision: s.string({ description: 'Stable hash of the scanned tags.' }).optional(),
        tagCount: s.integer({ description: 'Number of tags stored.' }),
        scanTime: s.time({ description: 'When the scan ran.' }).optional(),
        latestTags: s.array(s.string(), { description: 'First ten tags in descending order.' }).optional(),
      },
      { description: 'Result of the last scan.' },
    )
    .optional(),
  observedExclusionList: s.array(s.string(), { description: 'Exclusion list used by the last scan.' }).optional(),
});

/** ImageRepositoryKind defines the ImageRepository kind and CRD. */
export const ImageRepositoryKind = defineReflectorKind({
  kind: 'ImageRepository',
  plural: 'imagerepositories',
  shortNames: ['imgrepo', 'imagerepo'],
  description: 'ImageRepository scans a container image repository for tags.',
  printerColumns: [
    { name: 'Image', type: 'string', jsonPath: '.spec.image' },
    { name: 'Tags', type: 'string', jsonPath: '.status.lastScanResult.tagCount' },
    columns.ready,
    columns.status,
    { name: 'Last scan', type: 'string', jsonPath: '.status.lastScanResult.scanTime', priority: 1 },
    columns.age,
  ],
  spec,
  status,
});
/** ImageRepository is an ImageRepository object. */
export type ImageRepository = ObjectOfKind<typeof ImageRepositoryKind>;
