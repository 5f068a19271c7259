// What every provider implementation receives and returns.
import type { ObjectMeta } from '../../../kube/index.ts';
import type { CloudToken } from '../../../kube/identity/index.ts';
import { FluxtsError } from '../../../util/errors.ts';
import type { FluxEvent } from '../event.ts';
import { type PostOptions, redactUrl, type RetryPolicy, type Transport } from './http.ts';

/** ProviderConfigError is a Provider that cannot send as configured (bad address, missing token, …). */
export class ProviderConfigError extends FluxtsError {}

/**
 * ProviderSettings is a Provider resolved against its Secrets, as Flux's notifier options: `address` from the
 * Secret's `address` key or `spec.address`, `token`/`username`/`password` from the Secret, `headers` (YAML map),
 * TLS from `certSecretRef`, proxy from `proxySecretRef`, and the commit status id for Git providers.
 */
export interface ProviderSettings {
  type: string;
  address: string;
  channel: string;
  username: string;
  password: string;
  token: string;
  headers: Record<string, string>;
  transport: Transport;
  commitStatus: string;
  providerUID: string;
  providerName: string;
  providerNamespace: string;
  /** secretData is the whole `secretRef` Secret (GitHub App keys, NATS creds/nkey). */
  secretData: Record<string, Buffer>;
  serviceAccountName: string;
  /**
   * identity issues cloud tokens for the Provider's workload identity (`serviceAccountName`, or the controller's
   * own); absent where the controller has none to offer.
   */
  identity?: WorkloadIdentity;
  /** alert is the matched Alert's metadata (otel derives trace ids from its UID). */
  alert: ObjectMeta;
  retry?: RetryPolicy;
  /** endpoints replaces the fixed API addresses of hosted services, for tests against local servers. */
  endpoints?: ServiceEndpoints;
}

/** ServiceEndpoints are the hosted APIs Flux calls at fixed addresses, whatever `spec.address` says. */
export interface ServiceEndpoints {
  /** telegram is the Bot API base (https://api.telegram.org). */
  telegram?: string;
  /** bitbucket is the Bitbucket Cloud API base (https://api.bitbucket.org/2.0). */
  bitbucket?: string;
  /** github is the API base for github.com repositories (https://api.github.com). */
  github?: string;
  /** pubsub is the Pub/Sub REST base (https://pubsub.googleapis.com). */
  pubsub?: string;
  /** eventHubs is the `host:port` every Event Hubs namespace is dialled at (the TLS name stays the namespace's). */
  eventHubs?: string;
  /** azureAuthorityHost is AZURE_AUTHORITY_HOST: it picks the cloud's Service Bus suffix. */
  azureAuthorityHost?: string;
}

/** WorkloadIdentity exchanges a Kubernetes ServiceAccount token for cloud access tokens. */
export interface WorkloadIdentity {
  /** azureAccessToken is an Entra ID token for `scope` (`<resource>/.default`). */
  azureAccessToken(scope: string, signal: AbortSignal): Promise<CloudToken>;
  /** gcpAccessToken is a Google access token (through STS, and IAM impersonation when the account says so). */
  gcpAccessToken(signal: AbortSignal): Promise<CloudToken>;
}

/** SendContext carries the deadline (the Provider's timeout) into a send. */
export interface SendContext {
  signal: AbortSignal;
}

/** Notifier sends one event to one service. */
export interface Notifier {
  post(event: FluxEvent, ctx: SendContext): Promise<void>;
}

/** NotifierFactory validates settings up front (Flux's New* constructors) and returns the sender. */
export type NotifierFactory = (settings: ProviderSettings) => Notifier;

/** requireUrl checks an address the way Go's url.ParseRequestURI does: absolute URL or absolute path. */
export function requireUrl(address: string, what: string): URL {
  try {
    return new URL(address);
  } catch {
    throw new ProviderConfigError(`invalid ${what} URL ${redactUrl(address)}`);
  }
}

/** sortedEntries lists metadata in a stable order (Go ranges over maps randomly; we pick key order). */
export function sortedEntries(map: Readonly<Record<string, string>> | undefined): [string, string][] {
  return Object.entries(map ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** via is the PostOptions every provider starts from: its transport, the retry policy and the deadline. */
export function via(s: ProviderSettings, ctx: SendContext, transport: Transport = s.transport): PostOptions {
  return { transport, signal: ctx.signal, ...(s.retry ? { retry: s.retry } : {}) };
}

/** proxyOnly is the transport of notifiers Flux builds without TLS settings (Discord, Google Chat, Telegram). */
export function proxyOnly(s: ProviderSettings): Transport {
  return s.transport.proxy ? { proxy: s.transport.proxy } : {};
}
