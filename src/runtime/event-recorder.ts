import { hostname } from 'node:os';

import { isNotFound, type KubeClient, type KubeObject, splitApiVersion } from '../kube/client/index.ts';
import { errorMessage } from '../util/errors.ts';
import type { EventPoster } from './event-poster.ts';
import {
  eventAnnotationPrefix,
  maxEventMessageLength,
  type EventInput,
  type FluxEvent,
  type ObjectReference,
} from './event-types.ts';
import type { Logger } from './logger.ts';

/** EventRecorderOptions: `controller` is the reporting controller name, e.g. `source-controller`. */
export interface EventRecorderOptions {
  client: KubeClient;
  controller: string;
  poster?: EventPoster;
  logger?: Logger;
  /** cacheSize bounds the aggregation cache of recent events (client-go uses 4096). */
  cacheSize?: number;
}

interface SeenEvent {
  name: string;
  namespace: string;
  count: number;
}

/**
 * EventRecorder emits a core/v1 Event for each reconciler event and, when an EventPoster is configured, forwards
 * it to notification-controller. Repeats of the same event (object, type, reason, message) bump `count` and
 * `lastTimestamp` of the existing Event instead of creating a new one, like client-go's correlator.
 * Writes happen in the background; `flush` waits for them.
 */
export class EventRecorder {
  readonly #opts: EventRecorderOptions;
  readonly #seen = new Map<string, SeenEvent>();
  readonly #instance = hostname();
  #chain: Promise<void> = Promise.resolve();

  constructor(options: EventRecorderOptions) {
    this.#opts = options;
  }

  /** event records one event about an object. Never throws and never waits for the network. */
  event(obj: KubeObject, input: EventInput): void {
    const ref = objectReference(obj);
    const message = input.message.slice(0, maxEventMessageLength);
    const metadata = eventMetadata(obj, input.metadata);
    if (this.#opts.poster && input.severity !== 'trace' && ref.namespace !== '') {
      const event: FluxEvent = {
        involvedObject: ref,
        severity: input.severity,
        timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
        message,
        reason: input.reason,
        reportingController: this.#opts.controller,
        reportingInstance: this.#instance,
        ...(Object.keys(metadata).length > 0 ? { metadata } : {}),
      };
      this.#opts.poster.post(event);
    }
    const type = input.severity === 'error' ? 'Warning' : 'Normal';
    this.#chain = this.#chain.then(() =>
      this.#record(ref, type, input.reason, message, metadata).catch((err: unknown) => {
        this.#opts.logger?.error({ error: errorMessage(err), reason: input.reason }, 'unable to record event');
      }),
    );
  }

  /** flush waits until every event so far has been written (and posted, if a poster is set). */
  async flush(): Promise<void> {
    await this.#chain;
    await this.#opts.poster?.flush();
  }

  async #record(ref: ObjectReference, type: string, reason: string, message: string, meta: Record<string, string>) {
    const namespace = ref.namespace || 'default';
    const key = JSON.stringify([ref.uid ?? '', ref.kind, ref.namespace, ref.name, type, reason, message]);
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const seen = this.#seen.get(key);
    if (seen) {
      try {
        await this.#opts.client.patch(
          { apiVersion: 'v1', kind: 'Event' },
          { namespace: seen.namespace, name: seen.name },
          'merge',
          { count: seen.count + 1, lastTimestamp: now },
        );
        seen.count++;
        this.#touch(key, seen);
        return;
      } catch (err) {
        if (!isNotFound(err)) throw err;
        this.#seen.delete(key);
      }
    }
    const name = `${ref.name}.${eventSuffix()}`;
    await this.#opts.client.create({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace, ...(Object.keys(meta).length > 0 ? { annotations: meta } : {}) },
      involvedObject: ref,
      reason,
      message,
      type,
      count: 1,
      firstTimestamp: now,
      lastTimestamp: now,
      source: { component: this.#opts.controller },
      reportingComponent: this.#opts.controller,
      reportingInstance: this.#instance,
    });
    this.#touch(key, { name, namespace, count: 1 });
  }

  #touch(key: string, seen: SeenEvent): void {
    this.#seen.delete(key);
    this.#seen.set(key, seen);
    const limit = this.#opts.cacheSize ?? 4096;
    while (this.#seen.size > limit) {
      const oldest = this.#seen.keys().next().value;
      if (oldest === undefined) break;
      this.#seen.delete(oldest);
    }
  }
}

/** objectReference builds the involvedObject of an event. */
export function objectReference(obj: KubeObject): ObjectReference {
  return {
    kind: obj.kind ?? '',
    namespace: obj.metadata.namespace ?? '',
    name: obj.metadata.name ?? '',
    ...(obj.metadata.uid ? { uid: obj.metadata.uid } : {}),
    ...(obj.apiVersion ? { apiVersion: obj.apiVersion } : {}),
    ...(obj.metadata.resourceVersion ? { resourceVersion: obj.metadata.resourceVersion } : {}),
  };
}

/**
 * eventMetadata prefixes bare metadata keys (revision, token, …) with the object's API group and adds the
 * object's `event.toolkit.fluxcd.io/<key>` annotations with their prefix, as Flux's recorder does:
 * notification-controller keeps only keys of that group or the object's, and strips the prefix itself.
 */
export function eventMetadata(obj: KubeObject, metadata: Record<string, string> = {}): Record<string, string> {
  const { group } = splitApiVersion(obj.apiVersion ?? '');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj.metadata.annotations ?? {})) {
    if (k.startsWith(eventAnnotationPrefix) && k.length > eventAnnotationPrefix.length) {
      out[k] = v;
    }
  }
  for (const [k, v] of Object.entries(metadata)) out[k.includes('/') || group === '' ? k : `${group}/${k}`] = v;
  return out;
}

let lastSuffix = 0n;

/** eventSuffix is the nanosecond timestamp in hex that client-go appends to event names, kept strictly rising. */
function eventSuffix(): string {
  let ns = BigInt(Date.now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n);
  if (ns <= lastSuffix) ns = lastSuffix + 1n;
  lastSuffix = ns;
  return ns.toString(16);
}
