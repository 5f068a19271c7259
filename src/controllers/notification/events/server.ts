// The event server on --events-addr: controllers POST their events to `/`; each is decoded, cleaned, rate limited
// as a duplicate, matched to Alerts and dispatched to their Providers. Answers are Flux's: 202 once accepted (sent
// or not), 400 for a body that is not an event, 413 for one over 3 MiB, 429 for a duplicate.
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { Alert } from '../../../api/index.ts';
import type { Logger } from '../../../runtime/index.ts';
import { errorMessage } from '../../../util/errors.ts';
import { EventDecodeError, type FluxEvent, parseEvent } from '../event.ts';
import { answer, listenLimited, type LimitedServer, readBodyOr413 } from '../http-limits.ts';
import type { HttpMetrics } from '../http-metrics.ts';
import { type Dispatcher, dispatchFailure } from './dispatch.ts';
import { type AlertWarning, matchAlerts, RegexCache } from './match.ts';
import { cleanupMetadata, excludeInternalMetadata } from './metadata.ts';
import { DuplicateLimiter, eventKey } from './rate-limit.ts';

export interface EventServerOptions {
  addr: string;
  /** rateLimitIntervalMs is `--rate-limit-interval` (5m). */
  rateLimitIntervalMs: number;
  alerts(): readonly Alert[];
  labelsOf(event: FluxEvent): Promise<Record<string, string> | undefined>;
  warn(alert: Alert, reason: string, message: string, annotations?: Record<string, string>): void;
  dispatcher: Dispatcher;
  logger: Logger;
  /** metrics measures each request (gotk_event_http_*). */
  metrics?: HttpMetrics;
}

/** EventServer is the running event endpoint. */
export interface EventServer {
  readonly port: number;
  close(): Promise<void>;
}

function rfc1123(ms: number): string {
  return new Date(ms).toUTCString().replace('GMT', 'UTC');
}

/** startEventServer binds the event endpoint. */
export async function startEventServer(opts: EventServerOptions): Promise<EventServer> {
  const logger = opts.logger.child({ server: 'event-server' });
  const limiter = new DuplicateLimiter(opts.rateLimitIntervalMs);
  const regexes = new RegexCache();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBodyOr413(req, res, logger);
    if (!body) return;
    let event: FluxEvent;
    try {
      event = parseEvent(body.toString('utf8'));
    } catch (err) {
      if (!(err instanceof EventDecodeError)) throw err;
      logger.error({ error: err.message }, 'decoding the request body failed');
      answer(res, 400);
      return;
    }
    cleanupMetadata(event);
    const log = logger.child({ eventInvolvedObject: event.involvedObject });
    const taken = limiter.take(eventKey(event));
    const reset = rfc1123(taken.resetMs);
    const limitHeaders = { 'X-RateLimit-Limit': '1', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': reset };
    if (!taken.ok) {
      log.debug('Discarding event, rate limiting duplicate events');
      answer(res, 429, 'Too Many Requests\n', { ...limitHeaders, 'Retry-After': reset });
      return;
    }
    for (const [k, v] of Object.entries(limitHeaders)) res.setHeader(k, v);
    excludeInternalMetadata(event);
    const warn = (w: AlertWarning) => opts.warn(w.alert, w.reason, w.message);
    const alerts = await matchAlerts(event, opts.alerts(), { labelsOf: (e) => opts.labelsOf(e), warn }, regexes);
    if (alerts.length === 0) {
      log.info('discarding event, no alerts found for the involved object');
      answer(res, 202);
      return;
    }
    log.info({ message: event.message }, 'dispatching event');
    const dropped: Record<'commit status' | 'change request', string[]> = { 'commit status': [], 'change request': [] };
    for (const alert of alerts) {
      const name = `${alert.metadata.namespace}/${alert.metadata.name}`;
      try {
        const outcome = await opts.dispatcher.dispatch(event, alert);
        if (outcome === 'dropped-commit-status') dropped['commit status'].push(name);
        if (outcome === 'dropped-change-request') dropped['change request'].push(name);
      } catch (err) {
        log.error({ alert: name, error: errorMessage(err) }, 'failed to dispatch notification');
        opts.warn(alert, 'NotificationDispatchFailed', dispatchFailure(event, err));
      }
    }
    for (const [what, names] of Object.entries(dropped)) {
      if (names.length === 0) continue;
      const key = what === 'commit status' ? 'commit' : 'change request';
      log.info({ alerts: names }, `event dropped for ${what} providers due to missing ${key} metadata key`);
    }
    answer(res, 202);
  }

  const server: LimitedServer = await listenLimited(
    opts.addr,
    handle,
    (err) => logger.error({ error: errorMessage(err) }, 'event handling failed'),
    opts.metrics,
  );
  logger.info({ addr: opts.addr, port: server.port }, 'starting event server');
  return {
    port: server.port,
    close: async () => {
      await server.close();
      limiter.close();
      logger.info('Event server stopped');
    },
  };
}
