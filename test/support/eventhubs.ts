// A local Azure Event Hubs namespace on AMQP 1.0 for the `azureeventhub` Provider, built on rhea's container in
// server mode (the hosted service cannot run here). It enforces what Event Hubs documents for a publisher: SASL
// (ANONYMOUS), the namespace's name as the AMQP open hostname, claims-based security through the `$cbs` node
// (put-token with `operation`, `type`, `name`, answered with `status-code`/`status-description` on the caller's
// reply link; SAS tokens verified as HMAC-SHA256 over the URL-encoded resource URI and expiry with the named key),
// refusal to attach a sender to a hub without a `Send` claim for it, and it unpacks batch messages (format
// 0x80013700, one encoded message per data section) into the events a consumer would read.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AddressInfo, Socket } from 'node:net';

import rhea from 'rhea';
import type { Connection, EventContext, Message, Sender } from 'rhea';

export const BATCH_FORMAT = 0x80013700;
const SAS_TYPE = 'servicebus.windows.net:sastoken';

export interface PutTokenRecord {
  type: string;
  name: string;
  expiration: unknown;
  status: number;
}

/** Decoded is a message as rhea decodes it from bytes. */
export type Decoded = ReturnType<typeof rhea.message.decode>;

export interface ReceivedBatch {
  hub: string;
  format: number;
  envelope: Decoded;
  events: Decoded[];
}

export interface EventHubsOptions {
  /** namespace is the fully qualified name clients must send as the AMQP open hostname. */
  namespace: string;
  hubs: string[];
  /** tls is the server certificate and key; without it the namespace listens in plain TCP, like the emulator. */
  tls?: { cert: string; key: string };
  /** sasKeys maps SharedAccessKeyName to SharedAccessKey. */
  sasKeys?: Record<string, string>;
  /** acceptJwt says whether a bearer token is valid (Entra ID tokens are checked by the test that issued them). */
  acceptJwt?: (token: string) => boolean;
}

export interface EventHubsNamespace {
  port: number;
  putTokens: PutTokenRecord[];
  batches: ReceivedBatch[];
  /** hostnames are the AMQP open hostnames clients sent, in order. */
  hostnames: string[];
  next(timeoutMs?: number): Promise<ReceivedBatch>;
  close(): Promise<void>;
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** resourceCovers says whether a SAS resource URI grants a claim on `audience` (same host, same or parent path). */
function resourceCovers(resource: string, audience: string): boolean {
  let r: URL;
  let a: URL;
  try {
    r = new URL(resource);
    a = new URL(audience);
  } catch {
    return false;
  }
  const path = (u: URL): string => u.pathname.replace(/\/+$/u, '').toLowerCase();
  return r.hostname.toLowerCase() === a.hostname.toLowerCase() && path(a).startsWith(path(r));
}

/** checkSas verifies a SharedAccessSignature for `audience`; it returns the reason it is refused, or undefined. */
function checkSas(token: string, audience: string, keys: Record<string, string>): string | undefined {
  if (!token.startsWith('SharedAccessSignature ')) return 'InvalidToken: not a SharedAccessSignature';
  const fields = new Map<string, string>();
  for (const part of token.slice('SharedAccessSignature '.length).split('&')) {
    const eq = part.indexOf('=');
    fields.set(part.slice(0, eq), part.slice(eq + 1));
  }
  const [sr, sig, se, skn] = ['sr', 'sig', 'se', 'skn'].map((k) => fields.get(k));
  if (!sr || !sig || !se || !skn) return 'InvalidToken: sr, sig, se and skn are required';
  const key = keys[skn];
  if (key === undefined) return `InvalidSignature: unknown key name '${skn}'`;
  const expected = createHmac('sha256', Buffer.from(key, 'utf8')).update(`${sr}\n${se}`).digest('base64');
  if (!sameText(expected, decodeURIComponent(sig))) return 'InvalidSignature: The token has an invalid signature.';
  if (Number(se) * 1000 < Date.now()) return 'ExpiredToken: The token is expired.';
  if (!resourceCovers(decodeURIComponent(sr), audience)) return 'InvalidAudience: The token audience does not match.';
  return undefined;
}

/** startEventHubs listens on 127.0.0.1 (a free port) until close(). */
export async function startEventHubs(opts: EventHubsOptions): Promise<EventHubsNamespace> {
  const putTokens: PutTokenRecord[] = [];
  const batches: ReceivedBatch[] = [];
  const hostnames: string[] = [];
  const waiters: ((b: ReceivedBatch) => void)[] = [];
  const claims = new WeakMap<Connection, Set<string>>();
  const replyLinks = new WeakMap<Connection, Map<string, Sender>>();
  const audienceOf = (hub: string): string => `sb://${opts.namespace}/${hub}`;
  const claimed = (conn: Connection, hub: string): boolean =>
    [...(claims.get(conn) ?? [])].some((name) => resourceCovers(name, audienceOf(hub)));

  const container = rhea.create_container({ id: `eventhubs-${opts.namespace}` });
  (container.sasl_server_mechanisms as { enable_anonymous(): void }).enable_anonymous();
  for (const event of ['error', 'protocol_error', 'disconnected']) container.on(event, () => undefined);
  container.on('connection_open', (ctx: EventContext) => {
    const hostname = String(
      (ctx.connection as unknown as { remote: { open: { hostname?: string } } }).remote.open.hostname ?? '',
    );
    hostnames.push(hostname);
    if (hostname.toLowerCase() !== opts.namespace.toLowerCase()) {
      ctx.connection.close({
        condition: 'amqp:not-found',
        description: `hostname '${hostname}' is not this namespace`,
      });
    }
  });
  container.on('sender_open', (ctx: EventContext) => {
    const sender = ctx.sender as Sender;
    const source = (sender.source as { address?: string } | undefined)?.address;
    const target = (sender.target as { address?: string } | undefined)?.address;
    if (source === '$cbs' && target) {
      const links = replyLinks.get(ctx.connection) ?? new Map<string, Sender>();
      links.set(target, sender);
      replyLinks.set(ctx.connection, links);
      return;
    }
    sender.close({ condition: 'amqp:not-implemented', description: 'this namespace only accepts publishers' });
  });
  container.on('receiver_open', (ctx: EventContext) => {
    const address = (ctx.receiver?.target as { address?: string } | undefined)?.address ?? '';
    if (address === '$cbs') return;
    if (!opts.hubs.includes(address)) {
      ctx.receiver?.close({
        condition: 'amqp:not-found',
        description: `The messaging entity '${audienceOf(address)}' could not be found.`,
      });
    } else if (!claimed(ctx.connection, address)) {
      ctx.receiver?.close({
        condition: 'amqp:unauthorized-access',
        description: "Unauthorized access. 'Send' claim(s) are required to perform this operation.",
      });
    }
  });
  container.on('message', (ctx: EventContext) => {
    const address = (ctx.receiver?.target as { address?: string } | undefined)?.address ?? '';
    if (address === '$cbs') return putToken(ctx);
    const format = (ctx as unknown as { format?: number }).format ?? 0;
    const raw = ctx.message as unknown as Buffer;
    if (format !== BATCH_FORMAT || !Buffer.isBuffer(raw)) {
      ctx.delivery?.reject({ condition: 'amqp:not-implemented', description: 'expected an Event Hubs batch' });
      return;
    }
    const envelope = rhea.message.decode(raw);
    const sections = (envelope.body as { multiple?: boolean; content: Buffer | Buffer[] } | undefined) ?? {
      content: [],
    };
    const contents = Array.isArray(sections.content) ? sections.content : [sections.content];
    const batch: ReceivedBatch = {
      hub: address,
      format,
      envelope,
      events: contents.map((c) => rhea.message.decode(c)),
    };
    batches.push(batch);
    ctx.delivery?.accept();
    for (const w of waiters.splice(0)) w(batch);
  });

  function putToken(ctx: EventContext): void {
    const req = ctx.message as Message;
    const props = (req.application_properties ?? {}) as Record<string, unknown>;
    const text = (v: unknown): string => (typeof v === 'string' ? v : '');
    const type = text(props['type']);
    const name = text(props['name']);
    const token = typeof req.body === 'string' ? req.body : '';
    let status = 202;
    let description = 'Accepted';
    if (props['operation'] !== 'put-token' || !name || !token || req.message_id === undefined || !req.reply_to) {
      [status, description] = [400, 'BadRequest: operation, type, name, message-id, reply-to and a token are required'];
    } else if (type === SAS_TYPE) {
      const refused = checkSas(token, name, opts.sasKeys ?? {});
      if (refused) [status, description] = [401, refused];
    } else if (type === 'jwt') {
      if (!opts.acceptJwt?.(token)) [status, description] = [401, 'InvalidToken: the JWT was not accepted'];
    } else {
      [status, description] = [400, `BadRequest: unknown token type '${type}'`];
    }
    putTokens.push({ type, name, expiration: props['expiration'], status });
    if (status === 202) {
      const granted = claims.get(ctx.connection) ?? new Set<string>();
      granted.add(name);
      claims.set(ctx.connection, granted);
    }
    ctx.delivery?.accept();
    replyLinks
      .get(ctx.connection)
      ?.get(req.reply_to ?? '')
      ?.send({
        correlation_id: req.message_id,
        application_properties: { 'status-code': status, 'status-description': description },
        body: null,
      });
  }

  const server = container.listen({
    host: '127.0.0.1',
    port: 0,
    require_sasl: true,
    ...(opts.tls ? { transport: 'tls' as const, cert: opts.tls.cert, key: opts.tls.key } : {}),
  } as Parameters<typeof container.listen>[0]);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const sockets = new Set<Socket>();
  server.on(opts.tls ? 'secureConnection' : 'connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return {
    port: (server.address() as AddressInfo).port,
    putTokens,
    batches,
    hostnames,
    next(timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no batch arrived')), timeoutMs);
        waiters.push((b) => {
          clearTimeout(timer);
          resolve(b);
        });
      });
    },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
