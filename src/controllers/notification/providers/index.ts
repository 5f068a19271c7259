// Every Provider type of notification.toolkit.fluxcd.io/v1beta3 and the factory that builds its sender.
import { COMMIT_STATUS_PROVIDERS, type PROVIDER_TYPES } from '../../../api/index.ts';
import { alertmanager, datadog, grafana, opsgenie, pagerduty } from './alerting.ts';
import { azuredevops } from './azuredevops.ts';
import { azureEventHub } from './eventhub.ts';
import { bitbucket, bitbucketServer } from './bitbucket.ts';
import { googlechat, lark, matrix, telegram, webex, zulip } from './chat.ts';
import { generic, genericHmac } from './generic.ts';
import { incidentio } from './incidentio.ts';
import { gitea, giteaPullRequestComment } from './gitea.ts';
import { github, githubDispatch, githubPullRequestComment } from './github.ts';
import { gitlab, gitlabMergeRequestComment } from './gitlab.ts';
import { msteams } from './msteams.ts';
import { nats } from './nats.ts';
import { otel } from './otel.ts';
import { googlePubSub } from './pubsub.ts';
import { sentry } from './sentry.ts';
import { discord, rocket, slack } from './slack.ts';
import { zoom } from './zoom.ts';
import { type Notifier, type NotifierFactory, ProviderConfigError, type ProviderSettings } from './types.ts';

export type ProviderType = (typeof PROVIDER_TYPES)[number];

/** NOTIFIERS maps each Provider type to its factory; the type checker makes sure none is missing. */
export const NOTIFIERS: Record<ProviderType, NotifierFactory> = {
  generic,
  'generic-hmac': genericHmac,
  slack,
  discord,
  rocket,
  msteams,
  googlechat,
  googlepubsub: googlePubSub,
  webex,
  sentry,
  azureeventhub: azureEventHub,
  telegram,
  lark,
  matrix,
  opsgenie,
  alertmanager,
  grafana,
  pagerduty,
  datadog,
  nats,
  github,
  githubdispatch: githubDispatch,
  githubpullrequestcomment: githubPullRequestComment,
  gitlab,
  gitlabmergerequestcomment: gitlabMergeRequestComment,
  gitea,
  giteapullrequestcomment: giteaPullRequestComment,
  bitbucketserver: bitbucketServer,
  bitbucket,
  azuredevops,
  zulip,
  otel,
  zoom,
  'incident.io': incidentio,
};

/** newNotifier builds the sender of a Provider type, or fails as Flux does for an unknown one. */
export function newNotifier(settings: ProviderSettings): Notifier {
  const factory = (NOTIFIERS as Record<string, NotifierFactory | undefined>)[settings.type];
  if (!factory) throw new ProviderConfigError(`provider ${settings.type} not supported`);
  return factory(settings);
}

export { FLUX_RETRY_POLICY, ProviderHttpError, redactUrl } from './http.ts';
export type { RetryPolicy, TlsSettings, Transport } from './http.ts';
export { forgetAppTokens } from './github-app.ts';
export { ProviderConfigError } from './types.ts';
export type { Notifier, ProviderSettings, SendContext, ServiceEndpoints, WorkloadIdentity } from './types.ts';

/** COMMIT_STATUS_TYPES set commit statuses and accept only events about a commit. */
export const COMMIT_STATUS_TYPES: readonly string[] = COMMIT_STATUS_PROVIDERS;

/** CHANGE_REQUEST_TYPES comment on pull/merge requests and need `change_request` metadata. */
export const CHANGE_REQUEST_TYPES: readonly string[] = [
  'githubpullrequestcomment',
  'gitlabmergerequestcomment',
  'giteapullrequestcomment',
];

/** GENERIC_TYPES forward every event as it is, commit-status updates included. */
export const GENERIC_TYPES: readonly string[] = ['generic', 'generic-hmac'];
