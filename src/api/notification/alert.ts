// Alert (notification.toolkit.fluxcd.io/v1beta3): routes events of Flux objects to a Provider. Static: no status.
import { columns, type ObjectOfKind } from '../crd.ts';
import { localObjectReference, suspend } from '../meta.ts';
import { s } from '../schema/dsl.ts';
import { crossNamespaceObjectReference, defineStaticNotificationKind } from './common.ts';

const spec = s.object(
  {
    providerRef: localObjectReference.describe('Provider in the same namespace that sends the notifications.'),
    eventSeverity: s.enum(['info', 'error'], { default: 'info', description: 'Lowest severity forwarded.' }).optional(),
    eventSources: s.array(crossNamespaceObjectReference('Alert', 'Objects whose events are forwarded.'), {
      description: 'Objects whose events are forwarded.',
    }),
    inclusionList: s.array(s.string(), { description: 'Regular expressions an event message must match.' }).optional(),
    exclusionList: s.array(s.string(), { description: 'Regular expressions that drop an event.' }).optional(),
    eventMetadata: s.map(s.string(), { description: 'Metadata added to every forwarded event.' }).optional(),
    summary: s.string({ maxLength: 255, description: 'Deprecated: use eventMetadata.' }).optional(),
    suspend,
  },
  { description: 'Desired state of an Alert.' },
);

/** AlertKind defines the Alert kind and CRD. */
export const AlertKind = defineStaticNotificationKind({
  kind: 'Alert',
  plural: 'alerts',
  description: 'Alert forwards events of Flux objects to a Provider.',
  printerColumns: [columns.age],
  spec,
});
/** Alert is an Alert object. */
export type Alert = ObjectOfKind<typeof AlertKind>;
