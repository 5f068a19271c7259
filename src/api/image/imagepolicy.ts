// ImagePolicy (image.toolkit.fluxcd.io/v1): selects the latest tag of an ImageRepository by a policy.
import { columns, type ObjectOfKind } from '../crd.ts';
import { namespacedObjectReference, reconciledStatus, suspend } from '../meta.ts';
import { s, type Infer } from '../schema/dsl.ts';
import { defineReflectorKind } from './common.ts';

const order = s.enum(['asc', 'desc'], { default: 'asc', description: 'Sort order; asc selects the highest.' });

/** imageRef is an image name, tag and optional digest. */
export const imageRef = s.object({
  name: s.string({ description: 'Image name without tag.' }),
  tag: s.string({ description: 'Image tag.' }),
  digest: s.string({ description: 'Image digest.' }).optional(),
});
/** ImageRef is status.latestRef of an ImagePolicy. */
export type ImageRef = Infer<typeof imageRef>;

const spec = s.object(
  {
    imageRepositoryRef: namespacedObjectReference.describe('ImageRepository whose tags are considered.'),
    policy: s.object(
      {
        semver: s
          .object(
            { range: s.string({ description: 'Semver range the tag must satisfy.' }) },
            { description: 'Highest semver tag in a range.' },
          )
          .optional(),
        alphabetical: s.object({ order: order.optional() }, { description: 'Tag ordered alphabetically.' }).optional(),
        numerical: s.object({ order: order.optional() }, { description: 'Tag ordered numerically.' }).optional(),
      },
      { description: 'How the latest tag is chosen.' },
    ),
    filterTags: s
      .object(
        {
          pattern: s.string({ description: 'Regular expression tags must match.' }).optional(),
          extract: s.string({ description: 'Replacement template extracting the value compared.' }).optional(),
        },
        { description: 'Tag filter applied before the policy.' },
      )
      .optional(),
    digestReflectionPolicy: s
      .enum(['Always', 'IfNotPresent', 'Never'], { default: 'Never', description: 'When latestRef.digest is set.' })
      .optional(),
    interval: s.duration({ description: 'Digest refresh period (digestReflectionPolicy Always only).' }).optional(),
    suspend,
  },
  {
    description: 'Desired state of an ImagePolicy.',
    validations: [
      {
        rule: "!has(self.interval) || (has(self.digestReflectionPolicy) && self.digestReflectionPolicy == 'Always')",
        message: "spec.interval is only accepted when spec.digestReflectionPolicy is set to 'Always'",
      },
      {
        rule: "has(self.interval) || !has(self.digestReflectionPolicy) || self.digestReflectionPolicy != 'Always'",
        message: "spec.interval must be set when spec.digestReflectionPolicy is set to 'Always'",
      },
    ],
  },
);

const status = reconciledStatus('Observed state of an ImagePolicy.', {
  latestRef: imageRef.describe('Latest image selected by the policy.').optional(),
  observedPreviousRef: imageRef.describe('Previously selected image.').optional(),
});

/** ImagePolicyKind defines the ImagePolicy kind and CRD. */
export const ImagePolicyKind = defineReflectorKind({
  kind: 'ImagePolicy',
  plural: 'imagepolicies',
  shortNames: ['imgpol', 'imagepol'],
  description: 'ImagePolicy selects the latest image tag by a policy.',
  printerColumns: [
    { name: 'Image', type: 'string', jsonPath: '.status.latestRef.name' },
    { name: 'Tag', type: 'string', jsonPath: '.status.latestRef.tag' },
    columns.ready,
    columns.status,
    columns.age,
  ],
  spec,
  status,
});
/** ImagePolicy is an ImagePolicy object. */
export type ImagePolicy = ObjectOfKind<typeof ImagePolicyKind>;
