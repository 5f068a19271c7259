// Fields shared by the notification kinds (notification.toolkit.fluxcd.io).
import { kindFamily } from '../crd.ts';
import { s } from '../schema/dsl.ts';

export const NOTIFICATION_GROUP = 'notification.toolkit.fluxcd.io';
export const NOTIFICATION_CATEGORIES = ['all', 'fluxcd', 'fluxcd-notifications'];

/** defineStaticNotificationKind defines a notification kind of v1beta3 without status (Alert, Provider). */
export const defineStaticNotificationKind = kindFamily({
  group: NOTIFICATION_GROUP,
  version: 'v1beta3',
  categories: NOTIFICATION_CATEGORIES,
  controller: 'notification-controller',
});

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

/** crossNamespaceReferenceFields select objects by kind, name (or `*`) and labels, in the referrer's namespace or another. */
export function crossNamespaceReferenceFields(referrer: string) {
  return {
    apiVersion: s.string({ description: 'API version of the referent.' }).optional(),
    kind: s.enum(EVENT_SOURCE_KINDS, { description: 'Kind of the referent.' }),
    name: s.string({ minLength: 1, maxLength: 253, description: 'Name of the referent, or * for all.' }),
    namespace: s
      .string({ minLength: 1, maxLength: 253, description: `Namespace of the referent; the ${referrer}’s when empty.` })
      .optional(),
    matchLabels: s.map(s.string(), { description: 'Labels the referents must carry (name must be *).' }).optional(),
  };
}

/** crossNamespaceObjectReference is an object of crossNamespaceReferenceFields (Alert's eventSources). */
export function crossNamespaceObjectReference(referrer: string, description: string) {
  return s.object(crossNamespaceReferenceFields(referrer), { description });
}
