// Fields shared by the source kinds (source.toolkit.fluxcd.io/v1).
import { columns, kindFamily, type PrinterColumn } from '../crd.ts';
import { artifact, localObjectReference, reconciledStatus } from '../meta.ts';
import { s, type Shape } from '../schema/dsl.ts';

export const SOURCE_GROUP = 'source.toolkit.fluxcd.io';
export const SOURCE_VERSION = 'v1';
export const SOURCE_CATEGORIES = ['all', 'fluxcd', 'fluxcd-sources'];

/** defineSourceKind defines a source.toolkit.fluxcd.io/v1 kind owned by source-controller. */
export const defineSourceKind = kindFamily({
  group: SOURCE_GROUP,
  version: SOURCE_VERSION,
  categories: SOURCE_CATEGORIES,
  controller: 'source-controller',
});

/** sourceStatus is the status of a source kind: the reconciled fields, the artifact and the kind's own fields. */
export function sourceStatus<S extends Shape>(description: string, fields: S) {
  return reconciledStatus(description, { artifact: artifact.optional(), ...fields });
}

/** artifactUrl is status.url, where the latest artifact (or index, or chart) can be downloaded. */
export function artifactUrl(what: string) {
  return s.string({ description: `Download address of the latest ${what}.` }).optional();
}

/** observedIgnore is status.observedIgnore, the ignore patterns the current artifact was built with. */
export const observedIgnore = s.string({ description: 'Ignore patterns used for the current artifact.' }).optional();

/** urlColumns are the printer columns of the URL-based sources (GitRepository, HelmRepository). */
export const urlColumns: PrinterColumn[] = [
  { name: 'URL', type: 'string', jsonPath: '.spec.url' },
  columns.age,
  columns.ready,
  columns.status,
];

/** sourceTimeout is the timeout of source operations: a duration without hours, 60s by default. */
export function sourceTimeout(what: string): ReturnType<typeof s.duration> {
  return s.duration({ hours: false, default: '60s', description: `Timeout for ${what}.` });
}

/** ignore holds .sourceignore lines that replace the default exclusions. */
export const ignore = s
  .string({ description: 'Exclusion patterns in .gitignore format that override the defaults.' })
  .optional();

const oidcIdentities = s
  .array(
    s.object({
      issuer: s.string({ description: 'Regular expression the OIDC issuer must match.' }),
      subject: s.string({ description: 'Regular expression the OIDC subject must match.' }),
    }),
    { description: 'Keyless identities accepted (any one suffices).' },
  )
  .optional();

const verificationFields = {
  provider: s.enum(['cosign', 'notation'], { default: 'cosign', description: 'Verification tool.' }),
  secretRef: localObjectReference.describe('Secret with trusted public keys or certificates.').optional(),
  matchOIDCIdentity: oidcIdentities,
};

/** ociVerification configures signature verification of OCI artifacts (cosign or notation). */
export const ociVerification = s.object(
  {
    ...verificationFields,
    trustedRootSecretRef: localObjectReference
      .describe('Secret with a trusted_root.json for keyless verification.')
      .optional(),
  },
  { description: 'Signature verification of the artifact.' },
);

/** chartVerification is the HelmChart flavour of ociVerification (no custom trusted root). */
export const chartVerification = s.object(verificationFields, { description: 'Signature verification of OCI charts.' });
