// Microsoft Teams: an Adaptive Card for Workflows webhooks, the legacy MessageCard for Office 365 connectors
// (hosts ending in `.webhook.office.com`).
import { goJson } from '../go-json.ts';
import { type FluxEvent, objectName } from '../event.ts';
import { postMessage } from './http.ts';
import { type NotifierFactory, requireUrl, sortedEntries, via } from './types.ts';

/** connectorPayload is the deprecated Office 365 connector MessageCard. */
export function connectorPayload(event: FluxEvent): string {
  const name = objectName(event);
  return goJson({
    '@type': 'MessageCard',
    '@context': 'http://schema.org/extensions',
    themeColor: event.severity === 'error' ? 'FF0000' : '0076D7',
    summary: name,
    sections: [
      {
        activityTitle: event.message,
        activitySubtitle: name,
        facts: sortedEntries(event.metadata).map(([name, value]) => ({ name, value })),
      },
    ],
  });
}

/** adaptiveCardPayload is the Adaptive Card 1.4 message: heading, message, and `summary` first among the facts. */
export function adaptiveCardPayload(event: FluxEvent): string {
  const md = event.metadata ?? {};
  const facts = [
    ...(md['summary'] !== undefined ? [{ title: 'summary', value: md['summary'] }] : []),
    ...sortedEntries(md)
      .filter(([k]) => k !== 'summary')
      .map(([title, value]) => ({ title, value })),
  ];
  const message: Record<string, unknown> = { type: 'TextBlock', text: event.message };
  if (event.severity === 'error') message['color'] = 'attention';
  message['wrap'] = true;
  return goJson({
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            {
              type: 'Container',
              items: [
                { type: 'TextBlock', text: objectName(event), size: 'large', weight: 'bolder', wrap: true },
                message,
                { type: 'FactSet', ...(facts.length > 0 ? { facts } : {}) },
              ],
            },
          ],
          msteams: { width: 'Full' },
        },
      },
    ],
  });
}

export const msteams: NotifierFactory = (s) => {
  const url = requireUrl(s.address, 'MS Teams webhook');
  const legacy = url.hostname.endsWith('.webhook.office.com');
  return {
    async post(event, ctx) {
      await postMessage(s.address, legacy ? connectorPayload(event) : adaptiveCardPayload(event), via(s, ctx));
    },
  };
};
