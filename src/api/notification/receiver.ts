// Receiver (notification.toolkit.fluxcd.io/v1): a webhook endpoint that triggers reconciliation of Flux objects.
import { createHash } from 'node:crypto';

import { columns, defineKind, type ObjectOfKind } from '../crd.ts';
import { localObjectReference, reconciledStatus, suspend } from '../meta.ts';
import { s } from '../schema/dsl.ts';
import { RECEIVER_TYPES } from '../enums/index.ts';
import { crossNamespaceReferenceFields, NOTIFICATION_CATEGORIES, NOTIFICATION_GROUP } from './common.ts';

/**
 * webhookPath is the path a Receiver is served on, `/hook/<hex sha256(token + name + namespace)>` (Flux's
 * Receiver.GetWebhookPath); generic-oidc Receivers have no Secret and hash an empty token.
 */
export function webhookPath(token: string, name: string, namespace: string): string {
  return `/hook/${createHash('sha256').update(`${token}${name}${namespace}`).digest('hex')}`;
}

const resource = s.object({
  ...crossNamespaceReferenceFields('Receiver'),
  filter: s.string({ description: 'CEL expression selecting which referents to trigger.' }).optional(),
});

const oidcProvider = s.object({
  issuerURL: s.string({ pattern: '^https?://', description: 'OIDC issuer URL.' }),
  audience: s.string({ description: 'Expected token audience; notification-controller when empty.' }).optional(),
  variables: s
    .array(
      s.object({
        name: s.string({ description: 'Variable name, usable as vars.<name>.' }),
        expression: s.string({ description: 'CEL expression over the token claims.' }),
      }),
      { description: 'Variables computed from the claims.' },
    )
    .optional(),
  validations: s.array(
    s.object({
      expression: s.string({ description: 'CEL expression that must be true.' }),
      message: s.string({ description: 'Error reported when it is false.' }),
    }),
    { minItems: 1, description: 'Rules the token must satisfy.' },
  ),
});

const spec = s.object(
  {
    type: s.enum(RECEIVER_TYPES, { description: 'Webhook flavour, deciding how requests are validated.' }),
    interval: s.duration({ default: '10m', description: 'Period between reconciliations.' }).optional(),
    events: s.array(s.string(), { description: 'Event types accepted; all when empty.' }).optional(),
    resources: s.array(resource, { description: 'Objects annotated for reconciliation on a valid request.' }),
    resourceFilter: s.string({ description: 'CEL expression applied to every resource.' }).optional(),
    secretRef: localObjectReference.describe('Secret with the token (all types except generic-oidc).').optional(),
    oidcProviders: s
      .array(oidcProvider, { listType: 'map', listMapKeys: ['issuerURL'], description: 'Trusted OIDC issuers.' })
      .optional(),
    suspend,
  },
  {
    description: 'Desired state of a Receiver.',
    validations: [
      {
        rule: "self.type != 'generic-oidc' || (has(self.oidcProviders) && size(self.oidcProviders) > 0)",
        message: 'spec.oidcProviders is required for the generic-oidc type',
      },
      {
        rule: "self.type == 'generic-oidc' || !has(self.oidcProviders) || size(self.oidcProviders) == 0",
        message: 'spec.oidcProviders is only supported for the generic-oidc type',
      },
      {
        rule: "self.type != 'generic-oidc' || !has(self.secretRef)",
        message: 'spec.secretRef is not supported for the generic-oidc type',
      },
      { rule: "self.type == 'generic-oidc' || has(self.secretRef)", message: 'spec.secretRef is required' },
    ],
  },
);

const status = reconciledStatus('Observed state of a Receiver.', {
  webhookPath: s.string({ description: 'Path the webhook is served on, /hook/<sha256>.' }).optional(),
});

/** ReceiverKind defines the Receiver kind and CRD. */
export const ReceiverKind = defineKind({
  group: NOTIFICATION_GROUP,
  version: 'v1',
  kind: 'Receiver',
  plural: 'receivers',
  categories: NOTIFICATION_CATEGORIES,
  controller: 'notification-controller',
  description: 'Receiver triggers reconciliations from incoming webhooks.',
  printerColumns: [columns.age, columns.ready, columns.status],
  spec,
  status,
});
/** Receiver is a Receiver object. */
export type Receiver = ObjectOfKind<typeof ReceiverKind>;
