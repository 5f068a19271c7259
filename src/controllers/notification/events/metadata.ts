// Event metadata as notification-controller handles it: what survives ingestion, what is internal, and how the
// metadata sent to a provider is merged from the event, the Alert and the object's annotations (Flux RFC-0008).
import type { Alert } from '../../../api/index.ts';
import { EVENT_GROUP, type FluxEvent, involvedGroup, MetaKey } from '../event.ts';

/**
 * cleanupMetadata keeps only the keys prefixed with `event.toolkit.fluxcd.io/` or the object's API group, and drops
 * the object group's `checksum` and `digest` (compared case-insensitively, as Flux does).
 */
export function cleanupMetadata(event: FluxEvent): void {
  const objectPrefix = `${involvedGroup(event)}/`;
  const excluded = [`${objectPrefix}${MetaKey.checksum}`, `${objectPrefix}${MetaKey.digest}`].map((k) =>
    k.toLowerCase(),
  );
  const kept: Record<string, string> = {};
  for (const [key, value] of Object.entries(event.metadata ?? {})) {
    if (excluded.includes(key.toLowerCase())) continue;
    if (key.startsWith(`${EVENT_GROUP}/`) || key.startsWith(objectPrefix)) kept[key] = value;
  }
  event.metadata = kept;
}

/** excludeInternalMetadata removes the rate-limit discriminator `<group>/token` before dispatch. */
export function excludeInternalMetadata(event: FluxEvent): void {
  if (event.metadata) delete event.metadata[`${involvedGroup(event)}/${MetaKey.token}`];
}

/** MetadataConflict is a key set by more than one source; the highest-precedence source won. */
export interface MetadataConflict {
  key: string;
  sources: string[];
}

const SOURCE = {
  annotations: 'involved object annotations',
  eventMetadata: 'Alert object .spec.eventMetadata',
  summary: 'Alert object .spec.summary',
  controller: 'involved object controller metadata',
} as const;

/**
 * combineMetadata returns the metadata a provider receives, keys without prefixes, from lowest to highest
 * precedence: object annotations (`event.toolkit.fluxcd.io/*`), Alert `spec.eventMetadata`, Alert `spec.summary`
 * (as `summary`), and the controller's own `<group>/*` keys. Conflicts are returned sorted by key so the caller
 * can warn about them. When nothing is merged the event's metadata is left as it was.
 */
export function combineMetadata(
  event: FluxEvent,
  alert: Alert,
): { metadata: Record<string, string> | undefined; conflicts: MetadataConflict[] } {
  const metadata: Record<string, string> = {};
  const sources = new Map<string, string[]>();
  const put = (key: string, value: string, source: string) => {
    metadata[key] = value;
    sources.set(key, [...(sources.get(key) ?? []), source]);
  };
  const eventPrefix = `${EVENT_GROUP}/`;
  for (const [k, v] of Object.entries(event.metadata ?? {})) {
    if (k.startsWith(eventPrefix)) put(k.slice(eventPrefix.length), v, SOURCE.annotations);
  }
  for (const [k, v] of Object.entries(alert.spec.eventMetadata ?? {})) put(k, v, SOURCE.eventMetadata);
  if (alert.spec.summary) put('summary', alert.spec.summary, SOURCE.summary);
  const objectPrefix = `${involvedGroup(event)}/`;
  for (const [k, v] of Object.entries(event.metadata ?? {})) {
    if (k.startsWith(objectPrefix)) put(k.slice(objectPrefix.length), v, SOURCE.controller);
  }
  const conflicts = [...sources]
    .filter(([, s]) => s.length > 1)
    .map(([key, s]) => ({ key, sources: s }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { metadata: Object.keys(metadata).length > 0 ? metadata : event.metadata, conflicts };
}
