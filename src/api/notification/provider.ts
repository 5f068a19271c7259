// Provider (notification.toolkit.fluxcd.io/v1beta3): where and how notifications are sent. Static: no status.
import { columns, type ObjectOfKind } from '../crd.ts';
import { localObjectReference, suspend } from '../meta.ts';
import { s } from '../schema/dsl.ts';
import { defineStaticNotificationKind } from './common.ts';

/** PROVIDER_TYPES are the notification providers Flux 2.9 supports. */
export const PROVIDER_TYPES = [
  'slack',
  'discord',
  'msteams',
  'rocket',
  'generic',
  'generic-hmac',
  'github',
  'gitlab',
  'gitea',
  'giteapullrequestcomment',
  'bitbucketserver',
  'bitbucket',
  'azuredevops',
  'googlechat',
  'googlepubsub',
  'webex',
  'sentry',
  'azureeventhub',
  'telegram',
  'lark',
  'matrix',
  'opsgenie',
  'alertmanager',
  'grafana',
  'githubdispatch',
  'githubpullrequestcomment',
  'gitlabmergerequestcomment',
  'pagerduty',
  'datadog',
  'nats',
  'zulip',
  'otel',
  'zoom',
  'incident.io',
] as const;

/** COMMIT_STATUS_PROVIDERS are the provider types that set commit statuses. */
export const COMMIT_STATUS_PROVIDERS = [
  'github',
  'gitlab',
  'gitea',
  'bitbucketserver',
  'bitbucket',
  'azuredevops',
] as const;

const spec = s.object(
  {
    type: s.enum(PROVIDER_TYPES, { description: 'Kind of notification service.' }),
    interval: s.duration({ description: 'Deprecated and unused.' }).optional(),
    channel: s.string({ maxLength: 2048, description: 'Channel, topic, room or subject to post to.' }).optional(),
    username: s.string({ maxLength: 2048, description: 'Name the notifications are posted as.' }).optional(),
    address: s.string({ maxLength: 2048, description: 'Webhook, API or repository address.' }).optional(),
    timeout: s.duration({ hours: false, description: 'Time limit for sending; 15s when empty.' }).optional(),
    proxy: s
      .string({ maxLength: 2048, pattern: '^(http|https)://.*$', description: 'Deprecated: use proxySecretRef.' })
      .optional(),
    proxySecretRef: localObjectReference.describe('Secret with proxy address and credentials.').optional(),
    secretRef: localObjectReference.describe('Secret with address, token, credentials or headers.').optional(),
    serviceAccountName: s.string({ description: 'ServiceAccount for workload identity.' }).optional(),
    certSecretRef: localObjectReference.describe('Secret with tls.crt/tls.key and/or ca.crt.').optional(),
    suspend,
    commitStatusExpr: s.string({ description: 'CEL expression computing the commit status id.' }).optional(),
  },
  {
    description: 'Desired state of a Provider.',
    validations: [
      {
        rule: `${COMMIT_STATUS_PROVIDERS.map((t) => `self.type == '${t}'`).join(' || ')} || !has(self.commitStatusExpr)`,
        message: `spec.commitStatusExpr is only supported for the ${COMMIT_STATUS_PROVIDERS.join(', ')} provider types`,
      },
    ],
  },
);

/** ProviderKind defines the Provider kind and CRD. */
export const ProviderKind = defineStaticNotificationKind({
  kind: 'Provider',
  plural: 'providers',
  description: 'Provider describes a notification service.',
  printerColumns: [columns.age],
  spec,
});
/** Provider is a Provider object. */
export type Provider = ObjectOfKind<typeof ProviderKind>;
