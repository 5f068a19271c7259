import { ConditionType, type Condition, type ConditionStatus, type ConditionsHolder } from './condition-types.ts';

/** NewCondition is a condition before `set` stamps its generation and transition time. */
export interface NewCondition {
  type: string;
  status: ConditionStatus;
  reason: string;
  message: string;
}

/** nowSeconds is metav1.Now() as Flux stores it in conditions: UTC, truncated to the second. */
export function nowSeconds(now: Date = new Date()): string {
  return now.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * set writes a condition: observedGeneration is stamped from metadata.generation; lastTransitionTime moves only
 * when status, reason or message change; the list is sorted Stalled, Reconciling, Ready first, then by type
 * (fluxcd/pkg runtime/conditions setter.go). A message longer than the CRD's 32768-byte `maxLength` is trimmed with
 * `...` as Flux trims it: the apiserver would otherwise refuse the whole status patch.
 */
export function set(obj: ConditionsHolder, condition: NewCondition, now: Date = new Date()): void {
  const status = (obj.status ??= {});
  const conditions = [...(status.conditions ?? [])];
  condition = { ...condition, message: trimMessage(condition.message) };
  const stamped: Condition = { ...condition, observedGeneration: obj.metadata.generation ?? 0, lastTransitionTime: '' };
  const index = conditions.findIndex((c) => c.type === condition.type);
  const existing = index >= 0 ? conditions[index] : undefined;
  if (existing && sameState(existing, condition)) {
    stamped.lastTransitionTime = existing.lastTransitionTime;
  } else {
    stamped.lastTransitionTime = nowSeconds(now);
  }
  if (index >= 0) conditions[index] = { ...stamped };
  else conditions.push(stamped);
  conditions.sort(compareConditions);
  status.conditions = conditions;
}

/** MAX_MESSAGE_BYTES is `metav1.Condition.message`'s `maxLength` in every Flux CRD. */
export const MAX_MESSAGE_BYTES = 32768;
const TRIMMED_SUFFIX = '...';

/**
 * trimMessage cuts a condition message to at most `max` UTF-8 bytes, ending in `...` when cut, never inside a
 * character (fluxcd/pkg runtime/conditions `trimConditionMessage`, which counts bytes too).
 */
export function trimMessage(message: string, max = MAX_MESSAGE_BYTES): string {
  // Cheap exits: a UTF-16 unit is at most 3 UTF-8 bytes.
  if (message.length * 3 <= max || Buffer.byteLength(message) <= max) return message;
  const bytes = Buffer.from(message).subarray(0, max - TRIMMED_SUFFIX.length);
  let end = bytes.length;
  // Back up over a character cut in half: continuation bytes are 10xxxxxx.
  let start = end;
  while (start > 0 && ((bytes[start - 1] as number) & 0xc0) === 0x80) start--;
  if (start > 0) {
    const lead = bytes[start - 1] as number;
    const width = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
    if (end - (start - 1) < width) end = start - 1;
  }
  return bytes.subarray(0, end).toString('utf8') + TRIMMED_SUFFIX;
}

/** get returns the condition of a type, if present. */
export function get(obj: ConditionsHolder, type: string): Condition | undefined {
  return obj.status?.conditions?.find((c) => c.type === type);
}

/** has reports whether a condition of the type is present. */
export function has(obj: ConditionsHolder, type: string): boolean {
  return get(obj, type) !== undefined;
}

/** isTrue reports a condition present with status True. */
export function isTrue(obj: ConditionsHolder, type: string): boolean {
  return get(obj, type)?.status === 'True';
}

/** isFalse reports a condition present with status False. */
export function isFalse(obj: ConditionsHolder, type: string): boolean {
  return get(obj, type)?.status === 'False';
}

/** isUnknown reports a condition that is absent or has status Unknown. */
export function isUnknown(obj: ConditionsHolder, type: string): boolean {
  const c = get(obj, type);
  return c === undefined || c.status === 'Unknown';
}

/** remove deletes the condition of a type (a no-op when absent). */
export function remove(obj: ConditionsHolder, type: string): void {
  const conditions = obj.status?.conditions;
  if (!conditions || !obj.status) return;
  const kept = conditions.filter((c) => c.type !== type);
  if (kept.length !== conditions.length) obj.status.conditions = kept;
}

/** markTrue sets a condition to True. */
export function markTrue(obj: ConditionsHolder, type: string, reason: string, message: string): void {
  set(obj, { type, status: 'True', reason, message });
}

/** markFalse sets a condition to False. */
export function markFalse(obj: ConditionsHolder, type: string, reason: string, message: string): void {
  set(obj, { type, status: 'False', reason, message });
}

/** markUnknown sets a condition to Unknown. */
export function markUnknown(obj: ConditionsHolder, type: string, reason: string, message: string): void {
  set(obj, { type, status: 'Unknown', reason, message });
}

/** markReconciling sets Reconciling=True and removes Stalled: the object is being worked on. */
export function markReconciling(obj: ConditionsHolder, reason: string, message: string): void {
  remove(obj, ConditionType.Stalled);
  markTrue(obj, ConditionType.Reconciling, reason, message);
}

/** markStalled sets Stalled=True and removes Reconciling: no progress is possible until the spec changes. */
export function markStalled(obj: ConditionsHolder, reason: string, message: string): void {
  remove(obj, ConditionType.Reconciling);
  markTrue(obj, ConditionType.Stalled, reason, message);
}

/** isReady reports Ready=True. */
export function isReady(obj: ConditionsHolder): boolean {
  return isTrue(obj, ConditionType.Ready);
}

/** isStalled reports Stalled=True. */
export function isStalled(obj: ConditionsHolder): boolean {
  return isTrue(obj, ConditionType.Stalled);
}

/** isReconciling reports Reconciling=True. */
export function isReconciling(obj: ConditionsHolder): boolean {
  return isTrue(obj, ConditionType.Reconciling);
}

const weights: Record<string, number> = {
  [ConditionType.Stalled]: 0,
  [ConditionType.Reconciling]: 1,
  [ConditionType.Ready]: 2,
};

/** compareConditions orders Stalled, Reconciling, Ready first, then the rest by type. */
export function compareConditions(a: Condition, b: Condition): number {
  const wa = weights[a.type];
  const wb = weights[b.type];
  if (wa !== undefined && wb !== undefined) return wa - wb;
  if (wa !== undefined) return -1;
  if (wb !== undefined) return 1;
  return a.type < b.type ? -1 : a.type > b.type ? 1 : 0;
}

function sameState(a: Condition, b: NewCondition): boolean {
  return a.status === b.status && a.reason === b.reason && a.message === b.message;
}
