// Azure Event Hubs over AMQP 1.0, as Flux's azeventhubs producer sends: one connection per event, claims-based
// authorisation of the hub (a SAS token signed with the connection string's key, the JWT in the Secret's `token`,
// or a workload-identity token for https://eventhubs.azure.net), then the event JSON in an Event Hubs batch message
// (message format 0x80013700 whose data section is the encoded event message, as EventDataBatch builds it).
import { randomUUID } from 'node:crypto';

import rhea from 'rhea';

import { COMMIT_STATUS_UPDATE, MetaKey, marshalEvent } from '../event.ts';
import { AmqpClient, type AmqpEndpoint } from './amqp.ts';
import {
  type ConnectionString,
  fullyQualifiedNamespace,
  isSasConnectionString,
  JWT_TOKEN_TYPE,
  parseConnectionString,
  SAS_TOKEN_TYPE,
  sasToken,
  signatureExpiry,
} from './eventhub-auth.ts';
import { ProviderHttpError } from './http.ts';
import { type NotifierFactory, ProviderConfigError, type ProviderSettings } from './types.ts';

/** BATCH_FORMAT is the message format of an Event Hubs batch (Microsoft's vendor code 0x8001, batch 0x37). */
export const BATCH_FORMAT = 0x80013700;
/** EVENT_HUBS_SCOPE is the Entra ID scope of Event Hubs data-plane tokens. */
export const EVENT_HUBS_SCOPE = 'https://eventhubs.azure.net/.default';
const AMQPS_PORT = 5671;
const AMQP_PORT = 5672;

/** batchMessage encodes one event as EventDataBatch does: the inner message and its envelope share a message id. */
export function batchMessage(body: Buffer, messageId: string = randomUUID()): Buffer {
  // rhea types its section builders as `any`; they return described types its encoder understands.
  const dataSection = rhea.message.data_section as (data: Buffer) => unknown;
  const dataSections = rhea.message.data_sections as (data: Buffer[]) => unknown;
  const inner = rhea.message.encode({ message_id: messageId, body: dataSection(body) });
  return rhea.message.encode({ message_id: messageId, body: dataSections([inner]) });
}

/** validateAuth refuses the combinations Flux refuses, with its messages. */
function validateAuth(address: string, token: string, serviceAccountName: string): void {
  const invalid = (why: string): ProviderConfigError =>
    new ProviderConfigError(`invalid authentication options: ${why}`);
  if (address === '') throw invalid('endpoint URL cannot be empty');
  if (isSasConnectionString(address)) {
    if (serviceAccountName !== '') {
      throw invalid('serviceAccountName and SAS authentication cannot be set at the same time');
    }
    if (token !== '') throw invalid('jwt token and SAS authentication cannot be set at the same time');
  } else if (serviceAccountName !== '' && token !== '') {
    throw invalid('serviceAccountName and jwt token authentication cannot be set at the same time');
  }
}

function splitHostPort(hostPort: string, defaultPort: number): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/u.exec(hostPort);
  if (!m) throw new ProviderConfigError(`invalid Event Hubs host '${hostPort}'`);
  return { host: (m[1] ?? '').replace(/^\[|\]$/gu, ''), port: m[2] ? Number(m[2]) : defaultPort };
}

interface Target {
  endpoint: AmqpEndpoint;
  hub: string;
  /** credential returns the put-token type and value for the hub's audience, fetched per send. */
  credential(audience: string, signal: AbortSignal): Promise<{ type: string; token: string; expiresAt?: Date }>;
}

function sasTarget(s: ProviderSettings, cs: ConnectionString): Target {
  const { host, port } = splitHostPort(cs.host, cs.emulator ? AMQP_PORT : AMQPS_PORT);
  return {
    endpoint: { host, port, tls: !cs.emulator, hostname: host, ...s.transport.tls },
    hub: cs.entityPath,
    credential: (audience) => {
      if (cs.signature) {
        const expiresAt = signatureExpiry(cs.signature);
        return Promise.resolve({ type: SAS_TOKEN_TYPE, token: cs.signature, ...(expiresAt ? { expiresAt } : {}) });
      }
      const sas = sasToken(audience, cs.keyName ?? '', cs.key ?? '');
      return Promise.resolve({ type: SAS_TOKEN_TYPE, token: sas.token, expiresAt: sas.expiresAt });
    },
  };
}

function jwtTarget(s: ProviderSettings): Target {
  if (s.channel === '') {
    throw new ProviderConfigError('the Event Hubs namespace cannot be empty: set spec.channel');
  }
  const hostname = fullyQualifiedNamespace(s.channel, s.endpoints?.azureAuthorityHost ?? '');
  const dial = splitHostPort(s.endpoints?.eventHubs ?? hostname, AMQPS_PORT);
  const identity = s.identity;
  return {
    endpoint: { ...dial, tls: true, hostname, ...s.transport.tls },
    hub: s.address,
    credential: async (_audience, signal) => {
      if (s.token !== '') return { type: JWT_TOKEN_TYPE, token: s.token };
      if (!identity) {
        throw new ProviderConfigError(
          'failed to create a eventhub using managed identity: no workload identity is available to this controller',
        );
      }
      const t = await identity.azureAccessToken(EVENT_HUBS_SCOPE, signal);
      return { type: JWT_TOKEN_TYPE, token: t.token, expiresAt: t.expiresAt };
    },
  };
}

export const azureEventHub: NotifierFactory = (s) => {
  validateAuth(s.address, s.token, s.serviceAccountName);
  const target = isSasConnectionString(s.address) ? sasTarget(s, parseConnectionString(s.address)) : jwtTarget(s);
  const audience = `sb://${target.endpoint.hostname}/${target.hub}`;
  return {
    async post(event, ctx) {
      if (event.metadata?.[MetaKey.commitStatus] === COMMIT_STATUS_UPDATE) return;
      const credential = await target.credential(audience, ctx.signal);
      let client: AmqpClient | undefined;
      try {
        client = await AmqpClient.connect(target.endpoint, ctx.signal);
        await client.putToken(audience, credential.type, credential.token, credential.expiresAt, ctx.signal);
        await client.send(target.hub, batchMessage(Buffer.from(marshalEvent(event))), BATCH_FORMAT, ctx.signal);
      } catch (err) {
        throw new ProviderHttpError(`failed to send msg: ${(err as Error).message}`, { cause: err });
      } finally {
        await client?.close();
      }
    },
  };
};
