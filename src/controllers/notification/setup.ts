// notification-controller: the event server (events in, Alerts matched, Providers notified), the webhook receiver
// server, and the controllers of its kinds (Receiver status and webhook path; the Provider finalizer that clears
// cached credentials; the finalizer migration of Alerts).
import type { Alert, Provider, Receiver } from '../../api/index.ts';
import {
  type AzureControllerIdentity,
  type CloudEndpoints,
  isNotFound,
  type KubeClient,
  type KubeObject,
} from '../../kube/index.ts';
import {
  addFinalizer,
  addObjectController,
  type ControllerSetup,
  done,
  fluxFinalizer,
  isDeleting,
  removeFinalizer,
  type Manager,
  type Reconciler,
  retry,
} from '../../runtime/index.ts';
import { errorMessage, FluxtsError } from '../../util/errors.ts';
import type { FluxEvent } from './event.ts';
import { Dispatcher, type SentNotification } from './events/dispatch.ts';
import { identityFor } from './events/identity.ts';
import { startEventServer } from './events/server.ts';
import { httpMetrics } from './http-metrics.ts';
import { forgetAppTokens, type RetryPolicy, type ServiceEndpoints } from './providers/index.ts';
import { reconcileReceiver } from './receiver-reconcile.ts';
import { cachedJwksFetcher, TokenError } from './receivers/jwt.ts';
import { startReceiverServer } from './receivers/server.ts';

export const ALERT_TYPE = { apiVersion: 'notification.toolkit.fluxcd.io/v1beta3', kind: 'Alert' };
export const PROVIDER_TYPE = { apiVersion: 'notification.toolkit.fluxcd.io/v1beta3', kind: 'Provider' };
export const RECEIVER_TYPE = { apiVersion: 'notification.toolkit.fluxcd.io/v1', kind: 'Receiver' };
const SECRET_TYPE = { apiVersion: 'v1', kind: 'Secret' };
const WEBHOOK_PATH_INDEX = 'webhookPath';
const SECRET_REF_INDEX = 'secretRef';

/** SecretReadError names a Secret that could not be read, never its data. */
export class SecretReadError extends FluxtsError {}

export interface NotificationControllerOptions {
  /** eventsAddr is the event server's listen address (`:9090`), or the URL other controllers post to. */
  eventsAddr: string;
  /** receiverAddr is the webhook receiver's listen address (`:9292`). */
  receiverAddr: string;
  rateLimitIntervalMs: number;
  noCrossNamespaceRefs: boolean;
  objectLevelWorkloadIdentity?: boolean;
  /** defaultServiceAccount is `--default-service-account`: the workload identity of Providers that name none. */
  defaultServiceAccount?: string;
  /** azureController is the controller's own Azure workload identity (AZURE_* variables of its pod). */
  azureController?: AzureControllerIdentity;
  /** azureTenantFallback is AZURE_TENANT_ID, for ServiceAccounts without a tenant annotation. */
  azureTenantFallback?: string;
  /** cloudEndpoints point the workload-identity token exchanges elsewhere (sovereign clouds, tests). */
  cloudEndpoints?: CloudEndpoints;
  /** retry, endpoints and googleCertsUrl point providers and receivers at local servers in tests. */
  retry?: RetryPolicy;
  endpoints?: ServiceEndpoints;
  googleCertsUrl?: string;
  onSent?: (sent: SentNotification) => void;
}

/** NotificationController is the ControllerSetup plus its two servers' lifecycle. */
export interface NotificationController extends ControllerSetup {
  /** listening resolves with the bound ports once both servers listen (setup may run after start returns). */
  listening(): Promise<{ events: number; receiver: number }>;
  close(): Promise<void>;
}

/**
 * listenAddress reads an `--events-addr` that is either a listen address (`:9090`, `127.0.0.1:9090`) or, when all
 * controllers run in one process, the URL they post to (`http://127.0.0.1:9090/`): the server binds its host:port.
 */
export function listenAddress(flag: string, fallback: string): string {
  if (!flag) return fallback;
  if (!/^[a-z]+:\/\//i.test(flag)) return flag;
  const url = new URL(flag);
  return `${url.hostname.includes(':') ? `[${url.hostname}]` : url.hostname}:${url.port || (url.protocol === 'https:' ? 443 : 80)}`;
}

function secretReader(client: KubeClient) {
  return async (namespace: string, name: string): Promise<Record<string, Buffer>> => {
    let secret: KubeObject & { data?: Record<string, string> };
    try {
      secret = await client.get(SECRET_TYPE, { namespace, name });
    } catch (err) {
      const why = isNotFound(err) ? 'not found' : errorMessage(err);
      throw new SecretReadError(`failed to get secret '${namespace}/${name}': ${why}`, { cause: err });
    }
    const out: Record<string, Buffer> = {};
    for (const [k, v] of Object.entries(secret.data ?? {})) out[k] = Buffer.from(v, 'base64');
    return out;
  };
}

async function fetchJson(url: string): Promise<unknown> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new TokenError(`GET ${new URL(url).origin}…: HTTP ${res.status}`);
  return res.json();
}

/** discoverJwks reads an issuer's OpenID configuration and checks it names the same issuer. */
async function discoverJwks(issuer: string): Promise<string> {
  const doc = (await fetchJson(`${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`)) as {
    issuer?: string;
    jwks_uri?: string;
  };
  if (doc.issuer !== issuer) {
    throw new TokenError(`oidc: issuer did not match the issuer returned by provider, expected "${issuer}"`);
  }
  if (!doc.jwks_uri) throw new TokenError('oidc: the provider has no jwks_uri');
  return doc.jwks_uri;
}

/** simpleFinalizerReconciler adds (or, for `remove`, drops) the Flux finalizer, releasing on deletion. */
function finalizerReconciler<T extends KubeObject>(
  manager: Manager,
  get: (key: string) => T | undefined,
  mode: 'keep' | 'remove',
  release: (obj: T) => void,
): Reconciler {
  return async (request) => {
    const obj = get(request.key);
    if (!obj) return done();
    try {
      if (isDeleting(obj) || mode === 'remove') {
        if (isDeleting(obj)) release(obj);
        if (await removeFinalizer(manager.client, obj, manager.name)) {
          if (mode === 'remove') request.log.info('removed finalizer from Alert to migrate to static Alert');
        }
      } else {
        await addFinalizer(manager.client, obj, manager.name);
      }
    } catch (err) {
      if (isNotFound(err)) return done();
      return retry(err instanceof Error ? err : new Error(String(err)));
    }
    return done();
  };
}

/** notificationController builds notification-controller for `fluxts controller notification-controller`. */
export function notificationController(options: NotificationControllerOptions): NotificationController {
  const closers: (() => Promise<void>)[] = [];
  let bound!: (ports: { events: number; receiver: number }) => void;
  const listening = new Promise<{ events: number; receiver: number }>((resolve) => (bound = resolve));
  return {
    name: 'notification-controller',
    listening: () => listening,
    close: async () => {
      for (const close of closers.splice(0).reverse()) await close();
    },
    async setup(manager) {
      const client = manager.client;
      const readSecret = secretReader(client);
      const alerts = manager.informerFor<Alert>(ALERT_TYPE);
      const providers = manager.informerFor<Provider>(PROVIDER_TYPE);
      // A Receiver is served under its status.webhookPath; a change of the Secret holding its token re-derives it.
      const selector = manager.options.watchConfigsLabelSelector;
      const { informer: receivers } = addObjectController<Receiver>(manager, {
        name: 'receiver',
        type: RECEIVER_TYPE,
        indexes: {
          [WEBHOOK_PATH_INDEX]: (r) => (r.status?.webhookPath ? [r.status.webhookPath] : []),
          [SECRET_REF_INDEX]: (r) => (r.spec.secretRef ? [`${r.metadata.namespace}/${r.spec.secretRef.name}`] : []),
        },
        watches: [
          {
            type: SECRET_TYPE,
            ...(selector ? { labelSelector: selector } : {}),
            index: SECRET_REF_INDEX,
            key: (s: KubeObject) => `${s.metadata.namespace}/${s.metadata.name}`,
          },
        ],
        reconcile: (obj, ctx) => reconcileReceiver(obj, ctx, { readSecret }),
      });
      manager.addController<Provider>({
        name: 'provider',
        type: PROVIDER_TYPE,
        predicate: (_old, obj) => !obj.metadata.finalizers?.includes(fluxFinalizer) || isDeleting(obj),
        reconcile: finalizerReconciler(
          manager,
          (k) => providers.get(k),
          'keep',
          (p) => forgetAppTokens(p.metadata.namespace ?? '', p.metadata.name ?? ''),
        ),
      });
      manager.addController<Alert>({
        name: 'alert',
        type: ALERT_TYPE,
        predicate: (_old, obj) => obj.metadata.finalizers?.includes(fluxFinalizer) ?? false,
        reconcile: finalizerReconciler(
          manager,
          (k) => alerts.get(k),
          'remove',
          () => {},
        ),
      });

      const warn = (alert: Alert, reason: string, message: string, annotations?: Record<string, string>) => {
        manager.events.event(
          { ...alert, apiVersion: ALERT_TYPE.apiVersion, kind: 'Alert' },
          {
            severity: 'error',
            reason,
            message,
            ...(annotations ? { metadata: annotations } : {}),
          },
        );
      };
      const dispatcher = new Dispatcher({
        providerOf: (ns, name) => providers.get(`${ns}/${name}`),
        readSecret,
        warn,
        logger: manager.logger,
        noCrossNamespaceRefs: options.noCrossNamespaceRefs,
        objectLevelWorkloadIdentity: options.objectLevelWorkloadIdentity ?? false,
        ...(options.retry ? { retry: options.retry } : {}),
        ...(options.endpoints ? { endpoints: options.endpoints } : {}),
        identity: (provider, proxy) =>
          identityFor(
            {
              client,
              ...(options.defaultServiceAccount ? { defaultServiceAccount: options.defaultServiceAccount } : {}),
              ...(options.azureController ? { controller: options.azureController } : {}),
              ...(options.azureTenantFallback ? { tenantFallback: options.azureTenantFallback } : {}),
              ...(options.cloudEndpoints ? { endpoints: options.cloudEndpoints } : {}),
            },
            provider,
            proxy,
          ),
        ...(options.onSent ? { onSent: options.onSent } : {}),
      });
      const labelsOf = async (event: FluxEvent) => {
        const io = event.involvedObject;
        try {
          const obj = await client.get(
            { apiVersion: io.apiVersion ?? '', kind: io.kind },
            { namespace: io.namespace, name: io.name },
          );
          return obj.metadata.labels ?? {};
        } catch (err) {
          manager.logger.error({ error: errorMessage(err) }, 'error getting the involved object');
          return undefined;
        }
      };
      const events = await startEventServer({
        addr: listenAddress(options.eventsAddr, ':9090'),
        rateLimitIntervalMs: options.rateLimitIntervalMs,
        alerts: () => alerts.list(),
        labelsOf,
        warn,
        dispatcher,
        logger: manager.logger,
        metrics: httpMetrics(manager.metrics.registry, 'gotk_event', '/'),
      });
      closers.push(async () => {
        await events.close();
        await dispatcher.drain();
      });
      const receiverServer = await startReceiverServer({
        addr: listenAddress(options.receiverAddr, ':9292'),
        client,
        logger: manager.logger,
        noCrossNamespaceRefs: options.noCrossNamespaceRefs,
        receiverFor: (path) => receivers.byIndex(WEBHOOK_PATH_INDEX, path)[0],
        readSecret,
        fetchJwks: cachedJwksFetcher(fetchJson),
        discover: discoverJwks,
        googleCertsUrl: options.googleCertsUrl ?? 'https://www.googleapis.com/oauth2/v3/certs',
        metrics: httpMetrics(manager.metrics.registry, 'gotk_receiver', '/hook/'),
      });
      closers.push(() => receiverServer.close());
      bound({ events: events.port, receiver: receiverServer.port });
    },
  };
}

export type { SentNotification } from './events/dispatch.ts';
export { webhookPath } from '../../api/index.ts';
