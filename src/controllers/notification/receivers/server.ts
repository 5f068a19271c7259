// The webhook receiver server on --receiver-addr: any method on `/hook/<sha256(token+name+namespace)>`. The
// body limit is enforced before the Receiver is looked up; a Receiver not found is 404, suspended or not Ready
// 503, a request failing its type's check 400, a failed annotation 500, otherwise 200. The token never appears in
// a log line, and a failed check triggers nothing.
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { Receiver } from '../../../api/index.ts';
import type { KubeClient } from '../../../kube/index.ts';
import type { Logger } from '../../../runtime/index.ts';
import { errorMessage } from '../../../util/errors.ts';
import { answer, listenLimited, readBodyOr413 } from '../http-limits.ts';
import type { HttpMetrics } from '../http-metrics.ts';
import type { JwksFetcher } from './jwt.ts';
import { SecretCache } from './secret-cache.ts';
import { requestReconciliation, resourceFilters } from './trigger.ts';
import { validateRequest, ValidationError } from './validate.ts';

export const WEBHOOK_PREFIX = '/hook/';

export interface ReceiverServerOptions {
  addr: string;
  client: KubeClient;
  logger: Logger;
  noCrossNamespaceRefs: boolean;
  /** receiverFor finds the Receiver whose status.webhookPath is the path (an index lookup). */
  receiverFor(path: string): Receiver | undefined;
  readSecret(namespace: string, name: string): Promise<Record<string, Buffer>>;
  fetchJwks: JwksFetcher;
  discover(issuer: string): Promise<string>;
  googleCertsUrl: string;
  /** metrics measures each request (gotk_receiver_http_*). */
  metrics?: HttpMetrics;
}

function isReady(receiver: Receiver): boolean {
  return (receiver.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

function isJson(contentType: string): boolean {
  return contentType.split(',').some((v) => v.split(';')[0]?.trim().toLowerCase() === 'application/json');
}

export async function startReceiverServer(opts: ReceiverServerOptions) {
  const logger = opts.logger.child({ server: 'receiver-server' });
  const secrets = new SecretCache((ns, name) => opts.readSecret(ns, name));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = req.url ?? '/';
    // The digest is logged escaped and cut short: it is not secret, but it is attacker-controlled text.
    logger.info(
      `handling request: ${encodeURIComponent(path.slice(WEBHOOK_PREFIX.length, WEBHOOK_PREFIX.length + 80))}`,
    );
    const body = await readBodyOr413(req, res, logger);
    if (!body) return;
    const receiver = opts.receiverFor(path);
    if (!receiver) {
      answer(res, 404);
      return;
    }
    const log = logger.child({
      kind: 'Receiver',
      name: receiver.metadata.name,
      namespace: receiver.metadata.namespace,
    });
    if (receiver.spec.suspend || !isReady(receiver)) {
      log.error(
        { error: 'unable to process request' },
        receiver.spec.suspend ? 'receiver is suspended' : 'receiver is not ready',
      );
      answer(res, 503);
      return;
    }
    let validated;
    try {
      const ns = receiver.metadata.namespace ?? '';
      const ref = receiver.spec.secretRef;
      const check = async (fresh: boolean) => {
        const secret = ref
          ? await secrets.get(ns, ref.name, fresh).catch((err: unknown) => {
              throw new ValidationError(`unable to read secret, error: ${errorMessage(err)}`);
            })
          : undefined;
        return validateRequest(
          receiver,
          { headers: req.headers, body },
          {
            ...(secret ? { secret } : {}),
            fetchJwks: opts.fetchJwks,
            discover: (issuer) => opts.discover(issuer),
            googleCertsUrl: opts.googleCertsUrl,
          },
        );
      };
      try {
        validated = await check(false);
      } catch (err) {
        // A rotated token must work at once: a failed check re-reads the Secret (at most once a second).
        if (!ref || !(err instanceof ValidationError) || !secrets.stale(ns, ref.name)) throw err;
        validated = await check(true);
      }
    } catch (err) {
      log.error({ error: errorMessage(err) }, 'unable to validate payload');
      answer(res, 400);
      return;
    }
    if (validated.event) log.info(`handling ${receiver.spec.type} event: ${validated.event.slice(0, 128)}`);
    let filters;
    try {
      let reqBody: Record<string, unknown> = {};
      const needsBody = receiver.spec.resourceFilter || receiver.spec.resources.some((r) => r.filter);
      if (needsBody && isJson(validated.contentType)) {
        const parsed = JSON.parse(validated.body.toString('utf8')) as unknown;
        reqBody = parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
      }
      filters = resourceFilters(receiver, { req: reqBody, ...(validated.claims ? { claims: validated.claims } : {}) });
    } catch (err) {
      log.error({ error: errorMessage(err) }, 'unable to create resource filters');
      answer(res, 500);
      return;
    }
    let failed = false;
    for (let i = 0; i < receiver.spec.resources.length; i++) {
      const error = await requestReconciliation(receiver, i, filters[i], {
        client: opts.client,
        logger: log,
        noCrossNamespaceRefs: opts.noCrossNamespaceRefs,
      });
      if (error !== undefined) {
        failed = true;
        log.error({ error, resource: receiver.spec.resources[i] }, 'unable to request reconciliation');
      }
    }
    answer(res, failed ? 500 : 200);
  }

  const server = await listenLimited(
    opts.addr,
    async (req, res) => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      if (!path.startsWith(WEBHOOK_PREFIX)) {
        answer(res, 404, '404 page not found\n');
        return;
      }
      await handle(req, res);
    },
    (err) => logger.error({ error: errorMessage(err) }, 'receiver handling failed'),
    opts.metrics,
  );
  logger.info({ addr: opts.addr, port: server.port }, 'starting webhook receiver server');
  return {
    port: server.port,
    close: async () => {
      await server.close();
      logger.info('Receiver server stopped');
    },
  };
}
