// Fields shared by the notification kinds (notification.toolkit.fluxcd.io).
import { s } from '../schema/dsl.ts';

export const NOTIFICATION_GROUP = 'notification.toolkit.fluxcd.io';
export const NOTIFICATION_CATEGORIES = ['all', 'fluxcd', 'fluxcd-notifications'];

/** EVENT_SOURCE_KINDS are the kinds an Alert can watch and a Receiver can trigger. */
export const EVENT_SOURCE_KINDS = [
  'Bucket',
  'GitRepository',
  'Kustomization',
  'HelmRelease',
  'HelmChart',
  'HelmRepository',
  'ImageRepository',
  'ImagePolicy',
  'ImageUpdateAutomation',
  'OCIRepository',
  'ArtifactGenerator',
  'ExternalArtifact',
] as const;

/** crossNamespaceObjectReference selects objects by kind, name (or `*`) and labels. */
export function crossNamespaceObjectReference(description: string) {
  return s.object(
    {
      apiVersion: s.string({ description: 'API version of the referent.' }).optional(),
      kind: s.enum(EVENT_SOURCE_KINDS, { description: 'Kind of the referent.' }),
      name: s.string({ minLength: 1, maxLength: 253, description: 'Name of the referent, or * for all.' }),
      namespace: s
        .string({ minLength: 1, maxLength: 253, description: 'Namespace of the referent; the referrer’s when empty.' })
        .optional(),
      matchLabels: s.map(s.string(), { description: 'Labels the referents must carry (name must be *).' }).optional(),
    },
    { description },
  );
}
