// Chat services with a message format of their own: Google Chat (cards), Webex (markdown to a room), Lark
// (interactive card), Telegram (Bot API sendMessage, MarkdownV2), Matrix (room message event), Zulip (stream
// message, form-encoded).
import { createHash } from 'node:crypto';

import { goJson } from '../go-json.ts';
import { type FluxEvent, marshalEvent, objectName } from '../event.ts';
import { postMessage } from './http.ts';
import { formatMarkdownPost } from './markdown.ts';
import { type NotifierFactory, ProviderConfigError, proxyOnly, requireUrl, sortedEntries, via } from './types.ts';

export function googleChatPayload(event: FluxEvent): string {
  const text = event.severity === 'error' ? `<font color="#ff0000">${event.message}</font>` : event.message;
  const sections: unknown[] = [{ header: '', widgets: [{ textParagraph: { text }, keyValue: null }] }];
  const md = sortedEntries(event.metadata);
  if (md.length > 0) {
    sections.push({
      header: '',
      widgets: md.map(([topLabel, content]) => ({
        textParagraph: null,
        keyValue: { topLabel, content, contentMultiline: false, bottomLabel: null, icon: null },
      })),
    });
  }
  return goJson({
    cards: [
      {
        header: { title: objectName(event), subtitle: event.reportingController, imageUrl: null, imageStyle: null },
        sections,
      },
    ],
  });
}

export const googlechat: NotifierFactory = (s) => {
  requireUrl(s.address, 'Google Chat hook');
  return {
    async post(event, ctx) {
      await postMessage(s.address, googleChatPayload(event), via(s, ctx, proxyOnly(s)));
    },
  };
};

export function webexMarkdown(event: FluxEvent): string {
  const emoji = event.severity === 'error' ? '💣' : '✅';
  let out = `${emoji} **${objectName(event)}**\n${event.message}\n`;
  for (const [k, v] of sortedEntries(event.metadata)) out += `>**${k}**: ${v}\n`;
  return out;
}

export const webex: NotifierFactory = (s) => {
  requireUrl(s.address, 'Webex hook');
  return {
    async post(event, ctx) {
      const body: Record<string, string> = {};
      if (s.channel) body['roomId'] = s.channel;
      body['markdown'] = webexMarkdown(event);
      await postMessage(s.address, goJson(body), { ...via(s, ctx), headers: { Authorization: `Bearer ${s.token}` } });
    },
  };
};

export function larkPayload(event: FluxEvent): string {
  const error = event.severity === 'error';
  let content = `**${event.message}**\n\n`;
  for (const [k, v] of sortedEntries(event.metadata)) content += `${k}: ${v}\n`;
  return goJson({
    msg_type: 'interactive',
    card: {
      config: { wide_screen_mode: true },
      header: {
        title: { tag: 'plain_text', content: `${error ? '🚨' : '💫'} ${objectName(event)}` },
        template: error ? 'red' : 'turquoise',
      },
      elements: [{ tag: 'div', text: { tag: 'lark_md', content } }],
    },
  });
}

export const lark: NotifierFactory = (s) => {
  requireUrl(s.address, 'Lark hook');
  return {
    async post(event, ctx) {
      // Flux's Lark notifier posts without proxy or TLS settings.
      await postMessage(s.address, larkPayload(event), via(s, ctx, {}));
    },
  };
};

/** telegramEscape backslash-escapes the characters MarkdownV2 reserves. */
export function telegramEscape(text: string): string {
  return text.replace(/[\\.\-_[\]()~>`#+=|{}!*]/g, (c) => `\\${c}`);
}

export function telegramPayload(event: FluxEvent, channel: string): string {
  const io = event.involvedObject;
  const heading = `${event.severity === 'error' ? '🚨' : '💫'} ${io.kind.toLowerCase()}/${io.name}/${io.namespace}`;
  let metadata = '';
  for (const [k, v] of sortedEntries(event.metadata)) metadata += `\\- *${telegramEscape(k)}*: ${telegramEscape(v)}\n`;
  const colon = channel.indexOf(':');
  const body: Record<string, string> = { chat_id: colon < 0 ? channel : channel.slice(0, colon) };
  if (colon >= 0) body['message_thread_id'] = channel.slice(colon + 1);
  body['text'] = `*${telegramEscape(heading)}*\n${telegramEscape(event.message)}\n${metadata}`;
  body['parse_mode'] = 'MarkdownV2';
  return goJson(body);
}

export const telegram: NotifierFactory = (s) => {
  if (!s.channel) throw new ProviderConfigError('empty Telegram channel');
  if (!s.token) throw new ProviderConfigError('empty Telegram token');
  // Flux ignores spec.address: the Bot API lives at a fixed address, the token in its path.
  const url = `${s.endpoints?.telegram ?? 'https://api.telegram.org'}/bot${s.token}/sendMessage`;
  return {
    async post(event, ctx) {
      await postMessage(url, telegramPayload(event, s.channel), via(s, ctx, proxyOnly(s)));
    },
  };
};

export function matrixPayload(event: FluxEvent): string {
  const emoji = event.severity === 'error' ? '🚨' : '💫';
  let metadata = '';
  for (const [k, v] of sortedEntries(event.metadata)) metadata += `- ${k}: ${v}\n`;
  return goJson({ body: `${emoji} ${objectName(event)}\n${event.message}\n${metadata}`, msgtype: 'm.text' });
}

export const matrix: NotifierFactory = (s) => {
  requireUrl(s.address, 'Matrix homeserver');
  return {
    async post(event, ctx) {
      // The transaction id makes a retried PUT idempotent: the same event always gets the same id.
      const txnId = createHash('sha1').update(marshalEvent(event)).digest('hex');
      const url = `${s.address}/_matrix/client/r0/rooms/${s.channel}/send/m.room.message/${txnId}`;
      await postMessage(url, matrixPayload(event), {
        ...via(s, ctx, s.transport.tls ? { tls: s.transport.tls } : {}),
        method: 'PUT',
        headers: { Authorization: `Bearer ${s.token}` },
      });
    },
  };
};

export const zulip: NotifierFactory = (s) => {
  const url = requireUrl(s.address, 'Zulip endpoint');
  url.pathname = '/api/v1/messages';
  const slash = s.channel.indexOf('/');
  const stream = slash < 0 ? '' : s.channel.slice(0, slash);
  const topic = slash < 0 ? '' : s.channel.slice(slash + 1);
  if (!stream || !topic) {
    throw new ProviderConfigError(`invalid Zulip channel format, expected <channel>/<topic>, got '${s.channel}'`);
  }
  return {
    async post(event, ctx) {
      const form = goFormEncode({ type: 'stream', to: stream, topic, content: formatMarkdownPost(event) });
      await postMessage(url.toString(), form, {
        ...via(s, ctx),
        contentType: 'application/x-www-form-urlencoded',
        ...(s.username || s.password ? { basicAuth: { username: s.username, password: s.password } } : {}),
      });
    },
  };
};

/** goFormEncode is Go's url.Values.Encode: keys sorted, QueryEscape (space as `+`, only `-_.~` unescaped). */
export function goFormEncode(values: Record<string, string>): string {
  const escape = (v: string) =>
    encodeURIComponent(v)
      .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
      .replace(/%20/g, '+');
  return Object.keys(values)
    .sort()
    .map((k) => `${escape(k)}=${escape(values[k] ?? '')}`)
    .join('&');
}
