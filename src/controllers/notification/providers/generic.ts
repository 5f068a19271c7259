// generic and generic-hmac: the event itself, POSTed as JSON, optionally signed with HMAC-SHA256.
import { createHmac } from 'node:crypto';

import { marshalEvent } from '../event.ts';
import { postMessage } from './http.ts';
import { type NotifierFactory, type ProviderSettings, ProviderConfigError, requireUrl, via } from './types.ts';

function forwarder(s: ProviderSettings, hmacKey: string | undefined) {
  requireUrl(s.address, 'hook');
  if (hmacKey !== undefined && hmacKey === '') throw new ProviderConfigError('HMAC key is empty');
  return {
    async post(event: Parameters<ReturnType<NotifierFactory>['post']>[0], ctx: { signal: AbortSignal }) {
      const body = marshalEvent(event);
      const headers: Record<string, string> = { 'Gotk-Component': event.reportingController, ...s.headers };
      if (hmacKey) headers['X-Signature'] = `sha256=${createHmac('sha256', hmacKey).update(body).digest('hex')}`;
      await postMessage(s.address, body, { ...via(s, ctx), headers });
    },
  };
}

export const generic: NotifierFactory = (s) => forwarder(s, undefined);
export const genericHmac: NotifierFactory = (s) => forwarder(s, s.token);
