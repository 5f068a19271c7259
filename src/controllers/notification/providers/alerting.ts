// Incident and observability services: Opsgenie (Alert API), Prometheus Alertmanager (v2 alerts), Grafana
// (annotations), PagerDuty (Events API v2 and change events), Datadog (Events API v1).
import { goJson, sortedRecord } from '../go-json.ts';
import { type FluxEvent, eventTime, objectName } from '../event.ts';
import { postMessage } from './http.ts';
import { nameAndDescription, titleCase } from './naming.ts';
import { type NotifierFactory, ProviderConfigError, requireUrl, sortedEntries, via } from './types.ts';

export function opsgeniePayload(event: FluxEvent): string {
  const io = event.involvedObject;
  return goJson({
    message: `${io.kind}/${io.name}`,
    description: event.message,
    details: sortedRecord({ ...event.metadata, severity: event.severity }),
  });
}

export const opsgenie: NotifierFactory = (s) => {
  requireUrl(s.address, 'Opsgenie hook');
  if (!s.token) throw new ProviderConfigError('empty Opsgenie apikey/token');
  return {
    async post(event, ctx) {
      await postMessage(s.address, opsgeniePayload(event), {
        ...via(s, ctx),
        headers: { Authorization: `GenieKey ${s.token}` },
      });
    },
  };
};

/** rfc3339 formats a time as Go's time.RFC3339 in UTC (the controller runs with TZ=UTC). */
function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function alertmanagerPayload(event: FluxEvent): string {
  const labels: Record<string, string> = { ...event.metadata };
  const annotations: Record<string, string> = { message: event.message };
  if (labels['summary'] !== undefined) {
    annotations['summary'] = labels['summary'];
    delete labels['summary'];
  }
  const io = event.involvedObject;
  Object.assign(labels, {
    alertname: `Flux${io.kind}${titleCase(event.reason)}`,
    severity: event.severity,
    reason: event.reason,
    kind: io.kind,
    name: io.name,
    namespace: io.namespace,
    reportingcontroller: event.reportingController,
  });
  return goJson([
    {
      status: 'firing',
      labels: sortedRecord(labels),
      annotations: sortedRecord(annotations),
      startsAt: rfc3339(eventTime(event)),
      // Go's omitempty does not drop a struct: an unset end time is marshalled as the zero time.
      endsAt: '0001-01-01T00:00:00Z',
    },
  ]);
}

export const alertmanager: NotifierFactory = (s) => {
  requireUrl(s.address, 'Alertmanager');
  return {
    async post(event, ctx) {
      const headers: Record<string, string> = {};
      if (s.token) headers['Authorization'] = `Bearer ${s.token}`;
      if (s.username && s.password) {
        headers['Authorization'] = `Basic ${Buffer.from(`${s.username}:${s.password}`).toString('base64')}`;
      }
      await postMessage(s.address, alertmanagerPayload(event), { ...via(s, ctx), headers });
    },
  };
};

export function grafanaPayload(event: FluxEvent): string {
  const io = event.involvedObject;
  const tags = ['flux', event.reportingController];
  for (const [k, v] of sortedEntries(event.metadata)) tags.push(`${k.replaceAll(':', '|')}: ${v.replaceAll(':', '|')}`);
  tags.push(`kind: ${io.kind}`, `name: ${io.name}`, `namespace: ${io.namespace}`);
  return goJson({ when: Math.floor(eventTime(event).getTime() / 1000), text: objectName(event), tags });
}

export const grafana: NotifierFactory = (s) => {
  requireUrl(s.address, 'Grafana');
  return {
    async post(event, ctx) {
      const headers: Record<string, string> = {};
      if (s.username && s.password && !s.token) {
        headers['Authorization'] = `Basic ${Buffer.from(`${s.username}:${s.password}`).toString('base64')}`;
      }
      if (s.token) headers['Authorization'] = `Bearer ${s.token}`;
      await postMessage(s.address, grafanaPayload(event), { ...via(s, ctx), headers });
    },
  };
};

function details(event: FluxEvent): Record<string, unknown> {
  return { message: event.message, metadata: event.metadata ? sortedRecord(event.metadata) : null };
}

export function pagerDutyEvent(event: FluxEvent, routingKey: string): string {
  const { name, description } = nameAndDescription(event);
  const body: Record<string, unknown> = { routing_key: routingKey, event_action: 'resolve' };
  if (event.involvedObject.uid) body['dedup_key'] = event.involvedObject.uid;
  if (event.severity === 'error') {
    body['event_action'] = 'trigger';
    const payload: Record<string, unknown> = {
      summary: `${description}: ${name}`,
      source: `Flux ${event.reportingController}`,
      severity: 'error',
      timestamp: rfc3339(eventTime(event)),
    };
    if (event.involvedObject.name) payload['component'] = event.involvedObject.name;
    if (event.involvedObject.kind) payload['group'] = event.involvedObject.kind;
    payload['custom_details'] = details(event);
    body['payload'] = payload;
  }
  return goJson(body);
}

export function pagerDutyChangeEvent(event: FluxEvent, routingKey: string): string {
  const { name, description } = nameAndDescription(event);
  return goJson({
    routing_key: routingKey,
    payload: {
      summary: `${description}: ${name}`,
      source: `Flux ${event.reportingController}`,
      timestamp: rfc3339(eventTime(event)),
      custom_details: details(event),
    },
  });
}

export const pagerduty: NotifierFactory = (s) => {
  const url = requireUrl(s.address, 'PagerDuty endpoint');
  const base = `${url.protocol}//${url.host}`;
  return {
    async post(event, ctx) {
      if (event.reason === 'Progressing') return;
      await postMessage(`${base}/v2/enqueue`, pagerDutyEvent(event, s.channel), via(s, ctx));
      if (event.severity === 'info') {
        await postMessage(`${base}/v2/change/enqueue`, pagerDutyChangeEvent(event, s.channel), via(s, ctx));
      }
    },
  };
};

export function datadogPayload(event: FluxEvent): string {
  const io = event.involvedObject;
  const tags = [
    `flux_reporting_controller:${event.reportingController}`,
    `flux_reason:${event.reason}`,
    `kube_kind:${io.kind}`,
    `kube_name:${io.name}`,
    `kube_namespace:${io.namespace}`,
    ...sortedEntries(event.metadata).map(([k, v]) => `${k}:${v}`),
  ].map((t) => t.toLowerCase());
  // The Datadog client marshals the request through a map: keys in sorted order.
  return goJson({
    alert_type: event.severity === 'error' ? 'error' : 'info',
    date_happened: Math.floor(eventTime(event).getTime() / 1000),
    source_type_name: 'fluxcd',
    tags,
    text: event.message,
    title: `Events from the ${io.kind} ${io.name}/${io.namespace}`,
  });
}

export const datadog: NotifierFactory = (s) => {
  if (!s.token) throw new ProviderConfigError('token cannot be empty');
  const url = requireUrl(s.address, 'Datadog');
  const endpoint = `${url.protocol}//${url.host}/api/v1/events`;
  return {
    async post(event, ctx) {
      // Flux's Datadog client does not retry.
      await postMessage(endpoint, datadogPayload(event), {
        ...via(s, ctx),
        retry: { retries: 0, minWaitMs: 0, maxWaitMs: 0 },
        headers: { Accept: 'application/json', 'DD-API-KEY': s.token },
      });
    },
  };
};
