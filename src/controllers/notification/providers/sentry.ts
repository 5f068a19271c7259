// Sentry: error events for errors, transactions (one span) for info events, sent as envelopes to the project's
// envelope endpoint with the DSN's key, the way sentry-go does.
import { randomBytes } from 'node:crypto';

import { type FluxEvent, eventTime } from '../event.ts';
import { postMessage } from './http.ts';
import { type NotifierFactory, ProviderConfigError, sortedEntries, via } from './types.ts';

const SDK = { name: 'sentry.go', version: '0.46.2' };

/** SentryDsn is a parsed DSN: where envelopes go and the key that authorises them. */
export interface SentryDsn {
  envelopeUrl: string;
  publicKey: string;
  secretKey: string;
}

export function parseDsn(dsn: string): SentryDsn {
  let url: URL;
  try {
    url = new URL(dsn);
  } catch {
    throw new ProviderConfigError('invalid Sentry DSN');
  }
  const segments = url.pathname.split('/');
  const projectId = segments.pop() ?? '';
  if (!url.username || !/^\d+$/.test(projectId)) throw new ProviderConfigError('invalid Sentry DSN');
  const path = segments.join('/');
  return {
    envelopeUrl: `${url.protocol}//${url.host}${path}/api/${projectId}/envelope/`,
    publicKey: decodeURIComponent(url.username),
    secretKey: decodeURIComponent(url.password),
  };
}

function seconds(d: Date): number {
  return d.getTime() / 1000;
}

function summary(event: FluxEvent): string {
  const io = event.involvedObject;
  return `${io.kind}: ${io.namespace}/${io.name}`;
}

/** sentryItem builds the event (error) or transaction (info) payload. */
export function sentryItem(event: FluxEvent, environment: string, eventId: string): { type: string; payload: object } {
  const at = seconds(eventTime(event));
  const base = { event_id: eventId, platform: 'go', sdk: SDK, ...(environment ? { environment } : {}) };
  if (event.severity === 'error') {
    return {
      type: 'event',
      payload: {
        ...base,
        level: 'error',
        message: event.message,
        server_name: event.reportingController,
        timestamp: at,
        transaction: summary(event),
        contexts: { metadata: Object.fromEntries(sortedEntries(event.metadata)) },
      },
    };
  }
  const io = event.involvedObject;
  const tags: Record<string, string> = {
    flux_involved_object_kind: io.kind,
    flux_involved_object_namespace: io.namespace,
    flux_involved_object_name: io.name,
    flux_reporting_controller: event.reportingController,
    flux_reporting_instance: event.reportingInstance ?? '',
    flux_reason: event.reason,
    ...Object.fromEntries(sortedEntries(event.metadata)),
  };
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  return {
    type: 'transaction',
    payload: {
      ...base,
      type: 'transaction',
      transaction: summary(event),
      message: event.message,
      start_timestamp: at,
      timestamp: at,
      tags,
      contexts: { trace: { trace_id: traceId, span_id: spanId, op: 'event' } },
      spans: [{ trace_id: traceId, span_id: spanId, op: 'event', start_timestamp: at, timestamp: at, tags }],
    },
  };
}

export const sentry: NotifierFactory = (s) => {
  if (!s.address) throw new ProviderConfigError('DSN cannot be empty');
  const dsn = parseDsn(s.address);
  return {
    async post(event, ctx) {
      if (event.severity !== 'error' && event.severity !== 'info') return;
      const eventId = randomBytes(16).toString('hex');
      const item = sentryItem(event, s.channel, eventId);
      const payload = JSON.stringify(item.payload);
      const envelope = [
        JSON.stringify({ event_id: eventId, sent_at: new Date().toISOString(), sdk: SDK }),
        JSON.stringify({ type: item.type, length: Buffer.byteLength(payload) }),
        payload,
      ].join('\n');
      const auth = [
        'Sentry sentry_version=7',
        `sentry_client=${SDK.name}/${SDK.version}`,
        `sentry_key=${dsn.publicKey}`,
        ...(dsn.secretKey ? [`sentry_secret=${dsn.secretKey}`] : []),
      ].join(', ');
      await postMessage(dsn.envelopeUrl, `${envelope}\n`, {
        ...via(s, ctx, s.transport.tls ? { tls: s.transport.tls } : {}),
        contentType: 'application/x-sentry-envelope',
        headers: { 'X-Sentry-Auth': auth },
      });
    },
  };
};
