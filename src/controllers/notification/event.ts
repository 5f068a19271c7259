// The event notification-controller receives and forwards (fluxcd/pkg apis/event/v1beta1 Event): decoding with the
// type checks Go's json.Unmarshal makes, and marshalling in Go's field order.
import type { FluxEvent, ObjectReference, Severity } from '../../runtime/index.ts';
import { FluxtsError } from '../../util/errors.ts';
import { goJson, sortedRecord } from './go-json.ts';

export type { FluxEvent, ObjectReference, Severity };

/** EVENT_GROUP is the API group of event metadata set by object annotations (`event.toolkit.fluxcd.io/<key>`). */
export const EVENT_GROUP = 'event.toolkit.fluxcd.io';

/** MetaKey names the metadata keys a controller's events carry, prefixed with its API group (Flux's Meta*Key). */
export const MetaKey = {
  revision: 'revision',
  originRevision: 'originRevision',
  checksum: 'checksum',
  digest: 'digest',
  token: 'token',
  commit: 'commit',
  commitStatus: 'commit_status',
  changeRequest: 'change_request',
} as const;

/** COMMIT_STATUS_UPDATE is the value of `<group>/commit_status` on events that only exist to update a commit status. */
export const COMMIT_STATUS_UPDATE = 'update';

/** EventDecodeError is a request body that is not an event. */
export class EventDecodeError extends FluxtsError {}

type Json = Record<string, unknown>;

function optString(obj: Json, key: string, where: string): string {
  const v = obj[key];
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw new EventDecodeError(`event: ${where}${key} must be a string, got ${typeof v}`);
  return v;
}

/**
 * parseEvent decodes and checks an event body. Unknown fields are ignored and missing ones are empty, as with Go's
 * decoder; a wrong type or an unparseable timestamp is an error. The timestamp is normalised to what Go marshals
 * (UTC, whole seconds).
 */
export function parseEvent(body: string): FluxEvent {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch (err) {
    throw new EventDecodeError(`event: invalid JSON: ${(err as Error).message}`, { cause: err });
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new EventDecodeError('event: body must be a JSON object');
  }
  const obj = raw as Json;
  const io = obj['involvedObject'];
  if (io !== undefined && io !== null && (typeof io !== 'object' || Array.isArray(io))) {
    throw new EventDecodeError('event: involvedObject must be an object');
  }
  const ioObj = (io ?? {}) as Json;
  const involvedObject: ObjectReference = {
    kind: optString(ioObj, 'kind', 'involvedObject.'),
    namespace: optString(ioObj, 'namespace', 'involvedObject.'),
    name: optString(ioObj, 'name', 'involvedObject.'),
  };
  for (const key of ['uid', 'apiVersion', 'resourceVersion'] as const) {
    const v = optString(ioObj, key, 'involvedObject.');
    if (v) involvedObject[key] = v;
  }
  const fieldPath = optString(ioObj, 'fieldPath', 'involvedObject.');
  const metadataRaw = obj['metadata'];
  let metadata: Record<string, string> | undefined;
  if (metadataRaw !== undefined && metadataRaw !== null) {
    if (typeof metadataRaw !== 'object' || Array.isArray(metadataRaw)) {
      throw new EventDecodeError('event: metadata must be a map of strings');
    }
    metadata = {};
    for (const [k, v] of Object.entries(metadataRaw as Json)) {
      if (typeof v !== 'string') throw new EventDecodeError(`event: metadata["${k}"] must be a string`);
      metadata[k] = v;
    }
  }
  const event: FluxEvent & { fieldPath?: string } = {
    involvedObject,
    severity: optString(obj, 'severity', '') as Severity,
    timestamp: normaliseTimestamp(obj['timestamp']),
    message: optString(obj, 'message', ''),
    reason: optString(obj, 'reason', ''),
    reportingController: optString(obj, 'reportingController', ''),
  };
  if (fieldPath) (involvedObject as ObjectReference & { fieldPath?: string }).fieldPath = fieldPath;
  if (metadata) event.metadata = metadata;
  const instance = optString(obj, 'reportingInstance', '');
  if (instance) event.reportingInstance = instance;
  return event;
}

/** normaliseTimestamp reads a metav1.Time: null or empty is unset (marshalled back as null). */
function normaliseTimestamp(v: unknown): string {
  if (v === undefined || v === null || v === '') return '';
  if (typeof v !== 'string') throw new EventDecodeError('event: timestamp must be an RFC 3339 string');
  const m = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.exec(v);
  const ms = m ? Date.parse(v) : Number.NaN;
  if (Number.isNaN(ms)) throw new EventDecodeError(`event: timestamp "${v}" is not RFC 3339`);
  return formatTime(new Date(Math.floor(ms / 1000) * 1000));
}

/** formatTime renders a time as metav1.Time marshals it: RFC 3339 in UTC with whole seconds. */
export function formatTime(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** eventTime is the event's timestamp as a Date (the epoch when unset, like Go's zero time is before it). */
export function eventTime(event: FluxEvent): Date {
  return event.timestamp ? new Date(event.timestamp) : new Date(-62135596800000);
}

/** involvedGroup is the API group of the event's object (`kustomize.toolkit.fluxcd.io`), empty for the core group. */
export function involvedGroup(event: FluxEvent): string {
  const apiVersion = event.involvedObject.apiVersion ?? '';
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** eventToGo builds the event with Go's field order (corev1.ObjectReference, then Event), for goJson. */
export function eventToGo(event: FluxEvent): Record<string, unknown> {
  const io = event.involvedObject as ObjectReference & { fieldPath?: string };
  const involvedObject: Record<string, string> = {};
  for (const key of ['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath'] as const) {
    const v = io[key];
    if (v) involvedObject[key] = v;
  }
  return {
    involvedObject,
    severity: event.severity,
    timestamp: event.timestamp || null,
    message: event.message,
    reason: event.reason,
    ...(event.metadata && Object.keys(event.metadata).length > 0 ? { metadata: sortedRecord(event.metadata) } : {}),
    reportingController: event.reportingController,
    ...(event.reportingInstance ? { reportingInstance: event.reportingInstance } : {}),
  };
}

/** marshalEvent is json.Marshal(event) byte for byte. */
export function marshalEvent(event: FluxEvent): string {
  return goJson(eventToGo(event));
}

/** revisionOf is Event.GetRevision on the merged metadata: commit, then originRevision, then revision. */
export function revisionOf(event: FluxEvent): string | undefined {
  const md = event.metadata ?? {};
  return md[MetaKey.commit] ?? md[MetaKey.originRevision] ?? md[MetaKey.revision];
}

/** objectName renders `kind/name.namespace` with a lower-case kind, the heading most chat providers use. */
export function objectName(event: FluxEvent): string {
  const io = event.involvedObject;
  return `${io.kind.toLowerCase()}/${io.name}.${io.namespace}`;
}
