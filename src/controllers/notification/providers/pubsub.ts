// Google Cloud Pub/Sub: the event JSON published to `projects/<address>/topics/<channel>` with the Secret's
// `headers` as message attributes, authenticated with the service-account key in the Secret's `token` (OAuth 2.0
// JWT bearer grant) or, without one, with workload identity (`spec.serviceAccountName`), over the Pub/Sub REST API.
import { createSign } from 'node:crypto';

import { goJson } from '../go-json.ts';
import { marshalEvent } from '../event.ts';
import { goFormEncode } from './chat.ts';
import { ProviderHttpError, postMessage } from './http.ts';
import {
  type NotifierFactory,
  ProviderConfigError,
  type ProviderSettings,
  via,
  type WorkloadIdentity,
} from './types.ts';

interface ServiceAccountKey {
  client_email: string;
  private_key: string;
  private_key_id?: string;
  token_uri?: string;
}

const SCOPE = 'https://www.googleapis.com/auth/pubsub';

function parseKey(json: string): ServiceAccountKey {
  let key: Partial<ServiceAccountKey> & { type?: string };
  try {
    key = JSON.parse(json) as typeof key;
  } catch {
    throw new ProviderConfigError('the token is not a Google service account JSON key');
  }
  if (key.type !== 'service_account' || !key.client_email || !key.private_key) {
    throw new ProviderConfigError('the token is not a Google service account JSON key');
  }
  return key as ServiceAccountKey;
}

/** assertion is the RS256 JWT the token endpoint exchanges for an access token. */
export function assertion(key: ServiceAccountKey, tokenUri: string, nowMs = Date.now()): string {
  const now = Math.floor(nowMs / 1000);
  const header = { alg: 'RS256', typ: 'JWT', ...(key.private_key_id ? { kid: key.private_key_id } : {}) };
  const claims = { iss: key.client_email, scope: SCOPE, aud: tokenUri, iat: now, exp: now + 3600 };
  const unsigned = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(
    JSON.stringify(claims),
  ).toString('base64url')}`;
  return `${unsigned}.${createSign('RSA-SHA256').update(unsigned).sign(key.private_key, 'base64url')}`;
}

async function accessToken(s: ProviderSettings, key: ServiceAccountKey, signal: AbortSignal): Promise<string> {
  const tokenUri = key.token_uri || 'https://oauth2.googleapis.com/token';
  const res = await postMessage(
    tokenUri,
    goFormEncode({ assertion: assertion(key, tokenUri), grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer' }),
    { ...via(s, { signal }), contentType: 'application/x-www-form-urlencoded' },
  );
  const body = JSON.parse(res.body.toString('utf8')) as { access_token?: string };
  if (!body.access_token) throw new ProviderHttpError('the token endpoint returned no access_token');
  return body.access_token;
}

export const googlePubSub: NotifierFactory = (s) => {
  if (!s.address) throw new ProviderConfigError('GCP project ID cannot be empty');
  if (!s.channel) throw new ProviderConfigError('GCP Pub/Sub topic ID cannot be empty');
  if (s.token && s.serviceAccountName) {
    throw new ProviderConfigError(
      'serviceAccountName and a service account key in the token cannot be set at the same time',
    );
  }
  const key = s.token ? parseKey(s.token) : undefined;
  const identity = s.identity;
  if (!key && !identity)
    throw new ProviderConfigError('no credentials: set a service account JSON key in the token key');
  const bearer = async (signal: AbortSignal): Promise<string> =>
    key ? accessToken(s, key, signal) : (await (identity as WorkloadIdentity).gcpAccessToken(signal)).token;
  const topic = `projects/${s.address}/topics/${s.channel}`;
  const api = s.endpoints?.pubsub ?? 'https://pubsub.googleapis.com';
  return {
    async post(event, ctx) {
      const token = await bearer(ctx.signal);
      const message: Record<string, unknown> = { data: Buffer.from(marshalEvent(event)).toString('base64') };
      if (Object.keys(s.headers).length > 0) message['attributes'] = s.headers;
      try {
        await postMessage(`${api}/v1/${topic}:publish`, goJson({ messages: [message] }), {
          ...via(s, ctx),
          headers: { Authorization: `Bearer ${token}` },
        });
      } catch (err) {
        throw new ProviderHttpError(`error publishing to GCP Pub/Sub topic ${topic}: ${(err as Error).message}`, {
          cause: err,
        });
      }
    },
  };
};
