import { FluxtsError } from '../../util/errors.ts';
import { subjectOf, type ObjectRef } from './changeset.ts';
import { KubeApiError, type KubeObject } from '../client/index.ts';

/**
 * ObjectError is a failure about one object: the message starts with its subject (`Kind/ns/name`) and the object's
 * identity travels with it.
 */
export class ObjectError extends FluxtsError {
  readonly ref: ObjectRef;
  readonly subject: string;

  constructor(ref: ObjectRef, message: string, options?: { cause?: unknown; hint?: string }) {
    super(`${subjectOf(ref)} ${message}`, options);
    this.ref = ref;
    this.subject = subjectOf(ref);
  }
}

/** DryRunError: the server rejected the dry-run of one object (`Kind/ns/name dry-run failed (Invalid): …`). */
export class DryRunError extends ObjectError {
  /** reason is the API server's reason (Invalid, Forbidden, NotFound, …), '' when unknown. */
  readonly reason: string;

  constructor(ref: ObjectRef, detail: string, reason: string, options?: { cause?: unknown }) {
    super(ref, `dry-run failed${reason ? ` (${reason})` : ''}: ${detail}`, options);
    this.reason = reason;
  }
}

/** DryRunFailedError aggregates every DryRunError of a set; nothing of the set was changed. */
export class DryRunFailedError extends FluxtsError {
  readonly errors: readonly ObjectError[];

  constructor(errors: readonly ObjectError[]) {
    super(errors.map((e) => e.message).join('\n'), { cause: errors[0] });
    this.errors = errors;
  }
}

/** ApplyError: a write (cleanup patch, apply, recreate) failed for one object. */
export class ApplyError extends ObjectError {}

/** DeleteError: deleting (or reading before deleting) one object failed. */
export class DeleteError extends ObjectError {}

/** apiDetail is the server's own message of an API error, without our request prefix. */
export function apiDetail(err: unknown): string {
  if (err instanceof KubeApiError) return err.status?.message ?? err.message;
  return err instanceof Error ? err.message : String(err);
}

/** apiReason is the metav1.Status reason of an API error, or ''. */
export function apiReason(err: unknown): string {
  return err instanceof KubeApiError ? err.reason : '';
}

/**
 * redactSecret removes a Secret's values (plain and base64) from a message: server messages may echo the request
 * body, and secret values must never reach errors, events or status.
 */
export function redactSecret(message: string, obj: KubeObject): string {
  if (obj.kind !== 'Secret') return message;
  const values: string[] = [];
  for (const field of ['data', 'stringData'] as const) {
    const map = obj[field];
    if (!map || typeof map !== 'object') continue;
    for (const v of Object.values(map as Record<string, unknown>)) {
      if (typeof v !== 'string' || v.length < 3) continue;
      values.push(v);
      if (field === 'data') values.push(Buffer.from(v, 'base64').toString('utf8'));
      else values.push(Buffer.from(v, 'utf8').toString('base64'));
    }
  }
  let out = message;
  for (const v of values.filter((x) => x.length >= 3).sort((a, b) => b.length - a.length)) {
    out = out.split(v).join('***');
  }
  return out;
}
