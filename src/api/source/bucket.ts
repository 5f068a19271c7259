// Bucket (source.toolkit.fluxcd.io/v1): objects of an S3-compatible, GCS or Azure bucket turned into an artifact.
import { columns, type ObjectOfKind } from '../crd.ts';
import { interval, localObjectReference, suspend } from '../meta.ts';
import { s } from '../schema/dsl.ts';
import { artifactUrl, defineSourceKind, ignore, observedIgnore, sourceStatus, sourceTimeout } from './common.ts';

const sts = s.object(
  {
    provider: s.enum(['aws', 'ldap'], { description: 'Security Token Service flavour.' }),
    endpoint: s.string({ pattern: '^(http|https)://.*$', description: 'HTTP(S) address of the STS.' }),
    secretRef: localObjectReference.describe('Secret with username and password (ldap).').optional(),
    certSecretRef: localObjectReference.describe('Secret with tls.crt/tls.key and/or ca.crt (ldap).').optional(),
  },
  { description: 'Security Token Service issuing temporary credentials (aws and generic providers).' },
);

const rule = (rule: string, message: string): { rule: string; message: string } => ({ rule, message });

const spec = s.object(
  {
    provider: s
      .enum(['generic', 'aws', 'gcp', 'azure'], { default: 'generic', description: 'Object storage provider.' })
      .optional(),
    bucketName: s.string({ description: 'Name of the bucket.' }),
    endpoint: s.string({ description: 'Object storage address, host[:port] without scheme.' }),
    sts: sts.optional(),
    insecure: s.boolean({ description: 'Allow plain HTTP endpoints.' }).optional(),
    region: s.string({ description: 'Region of the bucket.' }).optional(),
    prefix: s.string({ description: 'Server-side key prefix filter.' }).optional(),
    secretRef: localObjectReference.describe('Secret with provider credentials.').optional(),
    serviceAccountName: s.string({ description: 'ServiceAccount for workload identity (not generic).' }).optional(),
    certSecretRef: localObjectReference.describe('Secret with tls.crt/tls.key and/or ca.crt (generic).').optional(),
    proxySecretRef: localObjectReference.describe('Secret with proxy address and credentials.').optional(),
    interval,
    timeout: sourceTimeout('bucket operations').optional(),
    ignore,
    suspend,
  },
  {
    description: 'Desired state of a Bucket.',
    validations: [
      rule(
        "self.provider == 'aws' || self.provider == 'generic' || !has(self.sts)",
        "STS configuration is only supported for the 'aws' and 'generic' Bucket providers",
      ),
      rule(
        "self.provider != 'aws' || !has(self.sts) || self.sts.provider == 'aws'",
        "'aws' is the only supported STS provider for the 'aws' Bucket provider",
      ),
      rule(
        "self.provider != 'generic' || !has(self.sts) || self.sts.provider == 'ldap'",
        "'ldap' is the only supported STS provider for the 'generic' Bucket provider",
      ),
      rule(
        "!has(self.sts) || self.sts.provider != 'aws' || !has(self.sts.secretRef)",
        "spec.sts.secretRef is not required for the 'aws' STS provider",
      ),
      rule(
        "!has(self.sts) || self.sts.provider != 'aws' || !has(self.sts.certSecretRef)",
        "spec.sts.certSecretRef is not required for the 'aws' STS provider",
      ),
      rule(
        "self.provider != 'generic' || !has(self.serviceAccountName)",
        "ServiceAccountName is not supported for the 'generic' Bucket provider",
      ),
      rule(
        '!has(self.secretRef) || !has(self.serviceAccountName)',
        'cannot set both .spec.secretRef and .spec.serviceAccountName',
      ),
    ],
  },
);

const status = sourceStatus('Observed state of a Bucket.', {
  url: artifactUrl('artifact'),
  observedIgnore,
});

/** BucketKind defines the Bucket kind and CRD. */
export const BucketKind = defineSourceKind({
  kind: 'Bucket',
  plural: 'buckets',
  description: 'Bucket produces an artifact from the objects of a storage bucket.',
  printerColumns: [
    { name: 'Endpoint', type: 'string', jsonPath: '.spec.endpoint' },
    columns.age,
    columns.ready,
    columns.status,
  ],
  spec,
  status,
});
/** Bucket is a Bucket object. */
export type Bucket = ObjectOfKind<typeof BucketKind>;
