// Slack incoming webhooks and chat.postMessage, and the services that take Slack's message format: Discord (its
// `/slack` webhook endpoint) and Rocket.Chat incoming webhooks.
import { goJson } from '../go-json.ts';
import { type FluxEvent, objectName } from '../event.ts';
import { type HttpResponse, postMessage } from './http.ts';
import { type NotifierFactory, type ProviderSettings, proxyOnly, requireUrl, sortedEntries, via } from './types.ts';

/** SLACK_POST_MESSAGE is the Web API method whose answers carry `ok`/`error` instead of an HTTP status. */
export const SLACK_POST_MESSAGE = 'https://slack.com/api/chat.postMessage';

interface Style {
  good: string;
  danger: string;
  fallback: boolean;
  defaultUsername: boolean;
  channel: boolean;
}

/** slackPayload builds the body Flux sends, field by field in Go's order (empty strings included). */
export function slackPayload(event: FluxEvent, s: ProviderSettings, style: Style): string {
  const author = objectName(event);
  const username = s.username || (style.defaultUsername ? event.reportingController : '');
  return goJson({
    channel: style.channel ? s.channel : '',
    username,
    icon_url: '',
    icon_emoji: '',
    attachments: [
      {
        fallback: style.fallback ? `${author}: ${event.message.split('\n')[0] ?? ''}` : '',
        color: event.severity === 'error' ? style.danger : style.good,
        author_name: author,
        text: event.message,
        mrkdwn_in: ['text'],
        fields: sortedEntries(event.metadata).map(([title, value]) => ({ title, value, short: false })),
      },
    ],
  });
}

function slackResponse(res: HttpResponse): string | undefined {
  let parsed: { ok?: unknown; error?: unknown };
  try {
    parsed = JSON.parse(res.body.toString('utf8')) as typeof parsed;
  } catch (err) {
    return `unable to unmarshal response body: ${(err as Error).message}`;
  }
  return parsed.ok === true
    ? undefined
    : `Slack responded with error: ${typeof parsed.error === 'string' ? parsed.error : ''}`;
}

export const slack: NotifierFactory = (s) => {
  requireUrl(s.address, 'Slack hook');
  const style: Style = { good: 'good', danger: 'danger', fallback: true, defaultUsername: true, channel: true };
  return {
    async post(event, ctx) {
      await postMessage(s.address, slackPayload(event, s, style), {
        ...via(s, ctx),
        ...(s.token ? { headers: { Authorization: `Bearer ${s.token}` } } : {}),
        ...(s.address === SLACK_POST_MESSAGE ? { validate: slackResponse } : {}),
      });
    },
  };
};

export const discord: NotifierFactory = (s) => {
  const url = requireUrl(s.address, 'Discord hook');
  let address = s.address;
  if (!address.endsWith('/slack')) {
    url.pathname = `${url.pathname.replace(/\/+$/, '')}/slack`;
    address = url.toString();
  }
  const style: Style = { good: 'good', danger: 'danger', fallback: false, defaultUsername: true, channel: false };
  return {
    async post(event, ctx) {
      // Flux's Discord notifier takes no TLS settings, only a proxy.
      await postMessage(address, slackPayload(event, s, style), via(s, ctx, proxyOnly(s)));
    },
  };
};

export const rocket: NotifierFactory = (s) => {
  requireUrl(s.address, 'Rocket hook');
  const style: Style = { good: '#0076D7', danger: '#FF0000', fallback: false, defaultUsername: false, channel: true };
  return {
    async post(event, ctx) {
      await postMessage(s.address, slackPayload(event, s, style), via(s, ctx));
    },
  };
};
