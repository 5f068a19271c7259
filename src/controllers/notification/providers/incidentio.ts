// incident.io HTTP alert sources (POST /v2/alert_events/http/<alert source config id>, bearer API key): errors fire
// an alert, anything else resolves it, keyed by the object's UID so a recovery resolves what its failure fired.
import { goJson, sortedRecord } from '../go-json.ts';
import type { FluxEvent } from '../event.ts';
import { postMessage } from './http.ts';
import { type NotifierFactory, ProviderConfigError, requireUrl, via } from './types.ts';

/** incidentioPayload is the alert event: title `kind/name.namespace: Reason`, status, dedup key, metadata. */
export function incidentioPayload(event: FluxEvent): string {
  const io = event.involvedObject;
  const metadata: Record<string, string> = { ...event.metadata, severity: event.severity, reason: event.reason };
  if (event.reportingController) metadata['reportingController'] = event.reportingController;
  return goJson({
    title: `${io.kind.toLowerCase()}/${io.name}.${io.namespace}: ${event.reason}`,
    status: event.severity === 'error' ? 'firing' : 'resolved',
    deduplication_key: io.uid ?? '',
    ...(event.message ? { description: event.message } : {}),
    metadata: sortedRecord(metadata),
  });
}

export const incidentio: NotifierFactory = (s) => {
  requireUrl(s.address, 'incident.io alert source');
  if (!s.token) throw new ProviderConfigError('empty incident.io API token');
  return {
    async post(event, ctx) {
      // Progressing is neither a failure nor a recovery: nothing to fire or resolve.
      if (event.reason === 'Progressing') return;
      await postMessage(s.address, incidentioPayload(event), {
        ...via(s, ctx),
        headers: { Authorization: `Bearer ${s.token}` },
      });
    },
  };
};
