// Dispatching one event to the Provider of one matched Alert: routing rules (commit-status and change-request
// providers), metadata merge, commit status id, notifier construction, and the send itself in the background
// under the Provider's timeout. A slow or failing provider delays nobody: every send is its own promise.
import type { Alert, Provider } from '../../../api/index.ts';
import { CelExpression } from '../../../engines/cel/index.ts';
import type { Logger } from '../../../runtime/index.ts';
import { errorMessage } from '../../../util/errors.ts';
import { COMMIT_STATUS_UPDATE, EVENT_GROUP, type FluxEvent, involvedGroup, MetaKey } from '../event.ts';
import {
  CHANGE_REQUEST_TYPES,
  COMMIT_STATUS_TYPES,
  GENERIC_TYPES,
  newNotifier,
  type RetryPolicy,
  type ServiceEndpoints,
  type WorkloadIdentity,
} from '../providers/index.ts';
import { combineMetadata } from './metadata.ts';
import { providerTimeoutMs, resolveProvider, type SecretReader } from './provider-settings.ts';

/** AlertEventSink records Kubernetes Events on an Alert (warnings about its configuration or failed sends). */
export type AlertEventSink = (
  alert: Alert,
  reason: string,
  message: string,
  annotations?: Record<string, string>,
) => void;

/** SentNotification describes a send that finished, for logs, tests and benchmarks. */
export interface SentNotification {
  alert: string;
  provider: string;
  type: string;
  event: FluxEvent;
  error?: string;
  durationMs: number;
}

export interface DispatcherOptions {
  providerOf(namespace: string, name: string): Provider | undefined;
  readSecret: SecretReader;
  warn: AlertEventSink;
  logger: Logger;
  noCrossNamespaceRefs: boolean;
  objectLevelWorkloadIdentity: boolean;
  retry?: RetryPolicy;
  endpoints?: ServiceEndpoints;
  identity?: (provider: Provider, proxy: string | undefined) => WorkloadIdentity;
  onSent?: (sent: SentNotification) => void;
}

/** Dropped tells why an event was not sent to an Alert's Provider (logged in one line per event). */
export type DispatchOutcome = 'sent' | 'skipped' | 'dropped-commit-status' | 'dropped-change-request';

function involved(event: FluxEvent): string {
  const io = event.involvedObject;
  return `${io.kind}/${io.namespace}/${io.name}`;
}

function isCommitStatusUpdate(event: FluxEvent): boolean {
  return event.metadata?.[`${involvedGroup(event)}/${MetaKey.commitStatus}`] === COMMIT_STATUS_UPDATE;
}

/** defaultCommitStatus is `lower(<Kind>/<name>/<first segment of the Provider UID>)`, unique per cluster. */
export function defaultCommitStatus(providerUid: string, event: FluxEvent): string {
  const io = event.involvedObject;
  return `${io.kind}/${io.name}/${providerUid.split('-')[0] ?? ''}`.toLowerCase();
}

const commitStatusExprs = new Map<string, CelExpression>();

function commitStatusExpression(expr: string): CelExpression {
  let compiled = commitStatusExprs.get(expr);
  if (!compiled) {
    compiled = new CelExpression(expr, { variables: ['event', 'alert', 'provider'], stringOutput: true });
    if (commitStatusExprs.size > 256) commitStatusExprs.clear();
    commitStatusExprs.set(expr, compiled);
  }
  return compiled;
}

/**
 * maskSecret replaces every occurrence of the token in an error message, as Flux's masktoken does; the
 * providers already keep URLs (where webhook secrets live) out of their messages.
 */
export function maskSecret(message: string, token: string): string {
  return token ? message.split(token).join('*****') : message;
}

/** Dispatcher sends events to Providers and remembers the sends in flight so shutdown can wait for them. */
export class Dispatcher {
  readonly #opts: DispatcherOptions;
  readonly #inFlight = new Set<Promise<void>>();

  constructor(options: DispatcherOptions) {
    this.#opts = options;
  }

  /**
   * dispatch prepares the notification of one event for one Alert and starts the send. Errors while preparing
   * are returned (the caller records them on the Alert); errors while sending are recorded when they happen.
   */
  async dispatch(event: FluxEvent, alert: Alert): Promise<DispatchOutcome> {
    const o = this.#opts;
    const alertNs = alert.metadata.namespace ?? '';
    if (o.noCrossNamespaceRefs && event.involvedObject.namespace !== alertNs) {
      throw new Error(
        `discarding event, access denied to cross-namespace sources: alert '${alertNs}/${alert.metadata.name}' ` +
          `can't process event from '${involved(event)}', cross-namespace references have been blocked`,
      );
    }
    const provider = o.providerOf(alertNs, alert.spec.providerRef.name);
    if (!provider) {
      throw new Error(
        `failed to read provider: Provider.notification.toolkit.fluxcd.io "${alert.spec.providerRef.name}" not found`,
      );
    }
    if (provider.spec.suspend) return 'skipped';
    const type = provider.spec.type;
    const commitStatusProvider = COMMIT_STATUS_TYPES.includes(type);
    if (!commitStatusProvider && !GENERIC_TYPES.includes(type) && isCommitStatusUpdate(event)) return 'skipped';
    const hasCommit = (event.metadata?.[`${EVENT_GROUP}/${MetaKey.commit}`] ?? '') !== '';
    if (commitStatusProvider && !hasCommit && !isCommitStatusUpdate(event) && event.severity !== 'error') {
      return 'dropped-commit-status';
    }
    const hasChangeRequest = (event.metadata?.[`${EVENT_GROUP}/${MetaKey.changeRequest}`] ?? '') !== '';
    if (CHANGE_REQUEST_TYPES.includes(type) && !hasChangeRequest) return 'dropped-change-request';
    if (provider.spec.serviceAccountName && !o.objectLevelWorkloadIdentity) {
      throw new Error(
        'to use spec.serviceAccountName for provider authentication please enable the ObjectLevelWorkloadIdentity feature gate in the controller',
      );
    }
    const notification: FluxEvent = structuredClone(event);
    const { metadata, conflicts } = combineMetadata(notification, alert);
    if (metadata) notification.metadata = metadata;
    if (conflicts.length > 0) {
      o.warn(
        alert,
        'MetadataAppendFailed',
        'metadata key conflicts detected (please refer to the Alert API docs and Flux RFC 0008 for more information)',
        Object.fromEntries(conflicts.map((c) => [c.key, c.sources.join(', ')])),
      );
    }
    let commitStatus = '';
    if (commitStatusProvider) {
      if (provider.spec.commitStatusExpr) {
        try {
          commitStatus = commitStatusExpression(provider.spec.commitStatusExpr).evaluateString({
            event: notification,
            alert,
            provider,
          });
        } catch (err) {
          throw new Error(
            `failed to create commit status: failed to evaluate the spec.commitStatusExpr CEL expression for the event: ${errorMessage(err)}`,
            { cause: err },
          );
        }
      } else {
        commitStatus = defaultCommitStatus(provider.metadata.uid ?? '', notification);
      }
    }
    let settings;
    let notifier;
    try {
      settings = await resolveProvider(provider, {
        readSecret: o.readSecret,
        alert,
        commitStatus,
        ...(o.retry ? { retry: o.retry } : {}),
        ...(o.endpoints ? { endpoints: o.endpoints } : {}),
        ...(o.identity ? { identity: o.identity } : {}),
      });
      notifier = newNotifier(settings);
    } catch (err) {
      throw new Error(`failed to initialize notifier for provider '${provider.metadata.name}': ${errorMessage(err)}`, {
        cause: err,
      });
    }
    const token = settings.token;
    const timeoutMs = providerTimeoutMs(provider);
    const started = Date.now();
    const alertName = `${alertNs}/${alert.metadata.name}`;
    const send = notifier
      .post(notification, { signal: AbortSignal.timeout(timeoutMs) })
      .then(
        () => undefined,
        (err: unknown) => maskSecret(errorMessage(err), token),
      )
      .then((error) => {
        if (error !== undefined) {
          o.logger.error({ alert: alertName, provider: provider.metadata.name, error }, 'failed to send notification');
          o.warn(
            alert,
            'NotificationDispatchFailed',
            `failed to send notification for ${involved(notification)}: ${error}`,
          );
        }
        o.onSent?.({
          alert: alertName,
          provider: `${alertNs}/${provider.metadata.name}`,
          type,
          event: notification,
          ...(error !== undefined ? { error } : {}),
          durationMs: Date.now() - started,
        });
      });
    const tracked = send.finally(() => this.#inFlight.delete(tracked));
    this.#inFlight.add(tracked);
    return 'sent';
  }

  /** pending is the number of sends in flight. */
  get pending(): number {
    return this.#inFlight.size;
  }

  /** drain waits for the sends in flight (each ends by its Provider's timeout at the latest). */
  async drain(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all([...this.#inFlight]);
  }
}

/** dispatchFailure is the message of the Warning event Flux records when an event cannot be dispatched. */
export function dispatchFailure(event: FluxEvent, err: unknown): string {
  return `failed to dispatch notification for ${involved(event)}: ${errorMessage(err)}`;
}
