// ImageUpdateAutomation (image.toolkit.fluxcd.io/v1): commits ImagePolicy results into a Git repository.
import { columns, type ObjectOfKind } from '../crd.ts';
import { interval, labelSelector, localObjectReference, reconciledStatus, suspend } from '../meta.ts';
import { s } from '../schema/dsl.ts';
import { gitRepositoryRef } from '../source/gitrepository.ts';
import { defineAutomationKind } from './common.ts';
import { imageRef } from './imagepolicy.ts';

const git = s.object(
  {
    checkout: s
      .object({ ref: gitRepositoryRef }, { description: 'What to check out; the GitRepository’s ref when omitted.' })
      .optional(),
    commit: s.object(
      {
        author: s.object(
          {
            name: s.string({ description: 'Author name.' }).optional(),
            email: s.string({ description: 'Author email.' }),
          },
          { description: 'Commit author.' },
        ),
        signingKey: s
          .object(
            {
              secretRef: localObjectReference.describe('Secret with the signing key.'),
              type: s.enum(['gpg', 'ssh'], { description: 'Key type; gpg when empty.' }).optional(),
            },
            { description: 'Key that signs the commits.' },
          )
          .optional(),
        messageTemplate: s.string({ description: 'Go template of the commit message.' }).optional(),
        messageTemplateValues: s
          .map(s.string(), { description: 'Values exposed to the template as .Values.' })
          .optional(),
      },
      { description: 'How commits are made.' },
    ),
    push: s
      .object(
        {
          branch: s.string({ description: 'Branch to push to; the checkout branch when empty.' }).optional(),
          refspec: s
            .string({ pattern: '^$|^[^+:]', description: 'Additional refspec to push (no force, no empty source).' })
            .optional(),
          options: s.map(s.string(), { description: 'git push options.' }).optional(),
        },
        { description: 'Where commits are pushed.' },
      )
      .optional(),
  },
  { description: 'Git checkout, commit and push settings.' },
);

const spec = s.object(
  {
    sourceRef: s.object(
      {
        apiVersion: s.string({ description: 'API version of the source.' }).optional(),
        kind: s.enum(['GitRepository'], { default: 'GitRepository', description: 'Kind of the source.' }),
        name: s.string({ description: 'Name of the source.' }),
        namespace: s.string({ description: 'Namespace of the source; the automation’s when empty.' }).optional(),
      },
      { description: 'GitRepository to update.' },
    ),
    git: git.optional(),
    interval,
    policySelector: labelSelector.describe('ImagePolicies used; all in the namespace when omitted.').optional(),
    update: s
      .object(
        {
          strategy: s.enum(['Setters'], { default: 'Setters', description: 'Update strategy.' }).optional(),
          path: s.string({ description: 'Directory to update; the repository root when empty.' }).optional(),
        },
        { description: 'How files are updated.' },
      )
      .withDefault({ strategy: 'Setters' })
      .optional(),
    suspend,
  },
  { description: 'Desired state of an ImageUpdateAutomation.' },
);

const status = reconciledStatus('Observed state of an ImageUpdateAutomation.', {
  lastAutomationRunTime: s.time({ description: 'When the automation last ran to completion.' }).optional(),
  lastPushCommit: s.string({ description: 'SHA of the last pushed commit.' }).optional(),
  lastPushTime: s.time({ description: 'When a commit was last pushed.' }).optional(),
  observedPolicies: s.map(imageRef, { description: 'Policy results used by the last run.' }).optional(),
  observedSourceRevision: s.string({ description: 'Source revision seen by the last run.' }).optional(),
});

/** ImageUpdateAutomationKind defines the ImageUpdateAutomation kind and CRD. */
export const ImageUpdateAutomationKind = defineAutomationKind({
  kind: 'ImageUpdateAutomation',
  plural: 'imageupdateautomations',
  shortNames: ['iua', 'imgupd', 'imgauto'],
  description: 'ImageUpdateAutomation writes the latest images into a Git repository.',
  printerColumns: [
    columns.ready,
    columns.status,
    { name: 'Last run', type: 'string', jsonPath: '.status.lastAutomationRunTime', priority: 1 },
    columns.age,
  ],
  spec,
  status,
});
/** ImageUpdateAutomation is an ImageUpdateAutomation object. */
export type ImageUpdateAutomation = ObjectOfKind<typeof ImageUpdateAutomationKind>;
