// One short-lived AMQP 1.0 connection, as a notification needs it: TLS (or plain TCP for a development emulator),
// SASL ANONYMOUS, claims-based security through the `$cbs` node (a put-token request answered on a reply link), and
// transfers whose settlement we wait for. The wire protocol is rhea's (the Qpid project's AMQP 1.0 library, which
// Azure's own JavaScript Event Hubs SDK is built on); this module only turns its events into awaited steps, each
// bounded by the caller's AbortSignal, and its errors into AmqpErrors that never quote a token.
import { randomUUID } from 'node:crypto';

import rhea from 'rhea';
import type { Connection, ConnectionOptions, Delivery, EventContext, Receiver, Sender } from 'rhea';

import { FluxtsError, errorMessage } from '../../../util/errors.ts';

/** AmqpError is a failed AMQP step; `condition` is the peer's error condition (`amqp:unauthorized-access`, …). */
export class AmqpError extends FluxtsError {
  readonly condition: string | undefined;

  constructor(message: string, options?: { cause?: unknown; condition?: string }) {
    super(message, options);
    this.condition = options?.condition;
  }
}

/** AmqpEndpoint says where to connect and who the peer must be. */
export interface AmqpEndpoint {
  host: string;
  port: number;
  /** tls is false only for a development emulator (Event Hubs' `UseDevelopmentEmulator=true`). */
  tls: boolean;
  /** hostname is the AMQP open `hostname` and the TLS server name: the namespace's fully qualified name. */
  hostname: string;
  ca?: string;
  cert?: string;
  key?: string;
}

/** CBS_STATUS_OK are the `status-code`s of a successful put-token (Event Hubs answers 202, others 200). */
const CBS_STATUS_OK = new Set([200, 202]);

interface PeerError {
  condition?: string;
  description?: string;
}

function describe(err: PeerError | undefined): string {
  if (!err) return 'closed by the peer';
  return [err.condition, err.description].filter(Boolean).join(': ') || 'closed by the peer';
}

/**
 * waitFor resolves on the first of the `ok` events that `pick` turns into a value (default: the event's context)
 * and rejects on the first of the `fail` events or when the signal aborts, always removing its listeners. Listeners
 * go on the emitting endpoint, so events of other links never reach them.
 */
function waitFor<T = EventContext>(
  emitter: Connection | Sender | Receiver,
  ok: string[],
  fail: string[],
  signal: AbortSignal,
  what: string,
  pick: (ctx: EventContext) => T | undefined = (ctx) => ctx as T,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const handlers = new Map<string, (ctx: EventContext) => void>();
    const done = (): void => {
      for (const [event, h] of handlers) emitter.removeListener(event, h);
      signal.removeEventListener('abort', onAbort);
    };
    const onAbort = (): void => {
      done();
      reject(new AmqpError(`${what}: timed out`, { cause: signal.reason }));
    };
    for (const event of ok) {
      const h = (ctx: EventContext): void => {
        const value = pick(ctx);
        if (value === undefined) return;
        done();
        resolve(value);
      };
      handlers.set(event, h);
    }
    for (const event of fail) {
      handlers.set(event, (ctx: EventContext) => {
        done();
        const peer = (ctx.sender?.error ?? ctx.receiver?.error ?? ctx.connection.error ?? ctx.error) as
          (PeerError & Error) | undefined;
        const why = peer instanceof Error ? errorMessage(peer) : describe(peer);
        reject(
          new AmqpError(`${what}: ${why}`, { cause: peer, ...(peer?.condition ? { condition: peer.condition } : {}) }),
        );
      });
    }
    if (signal.aborted) return onAbort();
    for (const [event, h] of handlers) emitter.on(event, h);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** isAccepted reads the delivery's terminal state: rhea names each outcome class by its composite type. */
function isAccepted(d: Delivery): boolean {
  const state = d.remote_state as { constructor?: { composite_type?: string } } | undefined;
  return state?.constructor?.composite_type === 'accepted';
}

const CONNECTION_FAILURES = ['disconnected', 'connection_error', 'connection_close'];

/** AmqpClient is one open connection; callers `close()` it in a finally block. */
export class AmqpClient {
  readonly #conn: Connection;
  readonly #peer: string;

  private constructor(conn: Connection, peer: string) {
    this.#conn = conn;
    this.#peer = peer;
  }

  /** connect opens the connection (TLS, SASL ANONYMOUS, AMQP open with the namespace's hostname). */
  static async connect(ep: AmqpEndpoint, signal: AbortSignal): Promise<AmqpClient> {
    const mechanisms = rhea.sasl.client_mechanisms();
    mechanisms.enable_anonymous('fluxts');
    const container = rhea.create_container({ id: `fluxts-notification-${randomUUID()}` });
    // rhea hands events nobody on the connection listens to to its container, where an unhandled 'error' would
    // throw (and 'disconnected' would be printed): the awaited steps report failures, the container drops the rest.
    for (const event of ['error', 'protocol_error', 'disconnected', 'connection_error', 'connection_close']) {
      container.on(event, () => undefined);
    }
    const options = {
      host: ep.host,
      port: ep.port,
      hostname: ep.hostname,
      reconnect: false,
      sasl_mechanisms: mechanisms,
      ...(ep.tls
        ? {
            transport: 'tls' as const,
            servername: ep.hostname,
            rejectUnauthorized: true,
            ...(ep.ca ? { ca: ep.ca } : {}),
            ...(ep.cert && ep.key ? { cert: ep.cert, key: ep.key } : {}),
          }
        : { transport: 'tcp' as const }),
    } as unknown as ConnectionOptions;
    const peer = `amqp${ep.tls ? 's' : ''}://${ep.hostname}`;
    const conn = container.connect(options);
    const client = new AmqpClient(conn, peer);
    try {
      await waitFor(conn, ['connection_open'], CONNECTION_FAILURES, signal, `connecting to ${peer}`);
    } catch (err) {
      client.#destroy();
      throw err;
    }
    return client;
  }

  /**
   * putToken authorises `audience` on this connection: a put-token request to `$cbs` whose answer, on a reply link
   * of our own, carries `status-code` 200/202 (the Event Hubs CBS protocol, also used by Service Bus).
   */
  async putToken(
    audience: string,
    tokenType: string,
    token: string,
    expiresAt: Date | undefined,
    signal: AbortSignal,
  ): Promise<void> {
    const what = `authorizing ${audience} (put-token to $cbs)`;
    const replyTo = `cbs-${randomUUID()}`;
    const receiver = this.#conn.open_receiver({ source: { address: '$cbs' }, target: { address: replyTo } });
    const sender = this.#conn.open_sender({ target: { address: '$cbs' } });
    try {
      await Promise.all([
        waitFor(
          receiver,
          ['receiver_open'],
          ['receiver_close', 'receiver_error', ...CONNECTION_FAILURES],
          signal,
          what,
        ),
        waitFor(sender, ['sendable'], ['sender_close', 'sender_error', ...CONNECTION_FAILURES], signal, what),
      ]);
      const messageId = randomUUID();
      const answer = waitFor(
        receiver,
        ['message'],
        ['receiver_close', 'receiver_error', ...CONNECTION_FAILURES],
        signal,
        what,
        (ctx) => (ctx.message?.correlation_id === messageId ? ctx.message : undefined),
      );
      sender.send({
        message_id: messageId,
        reply_to: replyTo,
        application_properties: {
          operation: 'put-token',
          type: tokenType,
          name: audience,
          ...(expiresAt ? { expiration: expiresAt } : {}),
        },
        body: token,
      });
      const reply = await answer;
      const props = (reply.application_properties ?? {}) as Record<string, unknown>;
      const status = Number(props['status-code'] ?? props['statusCode']);
      if (!CBS_STATUS_OK.has(status)) {
        const described = props['status-description'] ?? props['statusDescription'];
        const description = typeof described === 'string' ? described : '';
        throw new AmqpError(`${what}: status ${status}${description ? ` ${description}` : ''}`);
      }
    } finally {
      sender.close();
      receiver.close();
    }
  }

  /**
   * send transfers one message (already encoded, in the given message format) to `address` and waits for its
   * outcome: accepted resolves; rejected, released or modified reject with the peer's reason.
   */
  async send(address: string, payload: Buffer, format: number, signal: AbortSignal): Promise<void> {
    const what = `sending to ${this.#peer}/${address}`;
    const sender = this.#conn.open_sender({ target: { address }, autosettle: true });
    try {
      await waitFor(sender, ['sendable'], ['sender_close', 'sender_error', ...CONNECTION_FAILURES], signal, what);
      const delivery = sender.send(payload, undefined, format);
      // rhea reports the outcome as one of four events on the link; the first about our delivery decides.
      const outcome = await waitFor(
        sender,
        ['accepted', 'rejected', 'released', 'modified'],
        ['sender_close', 'sender_error', ...CONNECTION_FAILURES],
        signal,
        what,
        (ctx) => (ctx.delivery === delivery ? delivery : undefined),
      );
      const state = outcome.remote_state as { error?: PeerError; value?: unknown } | undefined;
      if (!isAccepted(outcome)) {
        throw new AmqpError(`${what}: the message was not accepted: ${describe(state?.error)}`, {
          ...(state?.error?.condition ? { condition: state.error.condition } : {}),
        });
      }
    } finally {
      sender.close();
    }
  }

  /** close ends the connection politely, and drops the socket if the peer does not answer in time. */
  async close(): Promise<void> {
    if (!this.#conn.is_open()) return this.#destroy();
    const signal = AbortSignal.timeout(2000);
    const closed = waitFor(this.#conn, ['connection_close', 'disconnected'], [], signal, 'closing').catch(
      () => undefined,
    );
    this.#conn.close();
    await closed;
    this.#destroy();
  }

  #destroy(): void {
    // rhea keeps no timers for a connection without reconnect; ending the socket is all that is left.
    this.#conn.removeAllListeners();
    (this.#conn as unknown as { socket?: { destroy(): void } }).socket?.destroy();
  }
}
