// Zoom Team Chat incoming webhooks (the "Incoming Webhook" chatbot): the rich message format requested with
// `?format=full`, authorised by the connection's verification token sent as is in `Authorization`.
import { goJson } from '../go-json.ts';
import { type FluxEvent, objectName } from '../event.ts';
import { postMessage } from './http.ts';
import { type NotifierFactory, ProviderConfigError, requireUrl, sortedEntries, via } from './types.ts';

/** zoomPayload is Zoom's full-format message: the object as head, severity as sub-head, message, metadata fields. */
export function zoomPayload(event: FluxEvent): string {
  const body: Record<string, unknown>[] = [{ type: 'message', text: event.message }];
  const fields = sortedEntries(event.metadata).map(([key, value]) => ({ key, value }));
  if (fields.length > 0) body.push({ type: 'fields', items: fields });
  return goJson({ content: { head: { text: objectName(event), sub_head: { text: event.severity } }, body } });
}

/**
 * zoomUrl asks for the full format unless the address already names one; Go's Query().Encode() re-encodes the
 * query with its keys sorted, which URLSearchParams.sort() reproduces.
 */
export function zoomUrl(address: string): string {
  const url = new URL(address);
  if (!url.searchParams.get('format')) {
    url.searchParams.set('format', 'full');
    url.searchParams.sort();
  }
  return url.toString();
}

export const zoom: NotifierFactory = (s) => {
  requireUrl(s.address, 'Zoom incoming webhook');
  if (!s.token) throw new ProviderConfigError('empty Zoom verification token');
  return {
    async post(event, ctx) {
      // The verification token goes without a scheme: that is what the Incoming Webhook app checks.
      await postMessage(zoomUrl(s.address), zoomPayload(event), {
        ...via(s, ctx),
        headers: { Authorization: s.token },
      });
    },
  };
};
