// Reconcile steps: what a kind's pipeline uses between load and the final status patch (ARCHITECTURE.md rule 2).
// One error type for a failed step, and one per-reconcile context that reports progress mid-run (Reconciling, with
// a status patch, as Flux does), records events carrying the revision, and owns a work directory removed on every
// path. objectReconciler (shape.ts) builds the context and turns a thrown StepError into conditions, an event and a
// Result, so every kind records failures the same way.
//
// Progress patches are deferred by PROGRESS_PATCH_DELAY_MS: a step still running by then is patched (so `kubectl
// get` shows "Running health checks…" during a long wait), while a reconcile that ends sooner sends one patch at
// the end, as before. Flux patches at every step; at a thousand Kustomizations that is thousands of writes nobody
// could have watched.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { errorMessage, FluxtsError } from '../util/errors.ts';
import { ConditionType } from './condition-types.ts';
import { markFalse, markReconciling, markStalled, markTrue } from './conditions.ts';
import type { ReconcileRequest } from './controller.ts';
import type { EventInput, Severity } from './event-types.ts';
import type { FluxObject } from './flux-object.ts';
import type { Manager } from './manager.ts';
import { retry, stalled, type Result } from './result.ts';
import type { StatusPatcher } from './status-patcher.ts';

/** StepErrorOptions: `condition` is an abnormal-true condition set True with the failure (e.g. FetchFailed). */
export interface StepErrorOptions {
  cause?: unknown;
  /** terminal: retrying cannot help until the object changes (Stalled=True, no requeue). */
  terminal?: boolean;
  /** condition records the failure besides Ready, e.g. `FetchFailed` or `StorageOperationFailed` for sources. */
  condition?: string;
}

/**
 * StepError is a failed reconcile step: `reason` becomes Ready's reason (ArtifactFailed, BuildFailed, PruneFailed,
 * HealthCheckFailed, AuthenticationFailed, …), `condition` an extra abnormal-true condition, `terminal` whether a
 * retry can help. The message starts with its subject and never holds a secret.
 *
 * @example
 *   throw new StepError(SourceReason.AuthenticationFailed, `secret 'ns/creds' not found`, { condition: 'FetchFailed' });
 */
export class StepError extends FluxtsError {
  readonly reason: string;
  readonly terminal: boolean;
  readonly condition: string | undefined;

  constructor(reason: string, message: string, options: StepErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.reason = reason;
    this.terminal = options.terminal ?? false;
    this.condition = options.condition;
  }
}

/**
 * asStepError returns err when it already is a StepError, else wraps it with the given reason (and condition): a
 * step's way to say "whatever failed in here failed with this reason".
 */
export function asStepError(err: unknown, reason: string, options: Omit<StepErrorOptions, 'cause'> = {}): StepError {
  if (err instanceof StepError) return err;
  return new StepError(reason, errorMessage(err), { ...options, cause: err });
}

/**
 * StepContext is what a kind's pipeline gets besides the object: the request (logger, cancellation), the manager
 * (client, flags, metrics), and the per-reconcile helpers below. One is made per reconcile by objectReconciler.
 */
export interface StepContext {
  request: ReconcileRequest;
  manager: Manager;
  /**
   * progress marks Reconciling=True with the reason and message and has status patched mid-run, so `kubectl get`
   * shows the step a long reconcile is in ("Building manifests…", "Running health checks…"). The patch carries
   * the whole status as it is then (so set Ready=Unknown first where the kind does); it is sent once the step has
   * run PROGRESS_PATCH_DELAY_MS, and a failed one is left to the final patch.
   */
  progress(reason: string, message: string): void;
  /**
   * setRevision names the revision this run works on (and the origin revision of an OCI artifact, if any): every
   * event from then on carries them as `revision` / `originRevision` metadata, as Flux's controllers send them.
   */
  setRevision(revision: string, originRevision?: string): void;
  /** event records an event about the object, with the revision metadata added (explicit metadata wins). */
  event(severity: Severity, reason: string, message: string, metadata?: Record<string, string>): void;
  /** workDir creates this reconcile's private temporary directory (once); it is removed when the reconcile ends. */
  workDir(): Promise<string>;
}

/** StepRunOptions configure the context objectReconciler makes for one reconcile. */
export interface StepRunOptions {
  request: ReconcileRequest;
  manager: Manager;
  obj: FluxObject;
  patcher: StatusPatcher<FluxObject>;
  /** workDirParent is where work directories go (the OS temp dir by default). */
  workDirParent?: string;
  /** workDirPrefix names them, e.g. `fluxts-gitrepository-`. */
  workDirPrefix: string;
  /** progressDelayMs overrides PROGRESS_PATCH_DELAY_MS (tests). */
  progressDelayMs?: number;
}

/** PROGRESS_PATCH_DELAY_MS is how long a step runs before its progress is patched. */
export const PROGRESS_PATCH_DELAY_MS = 1000;

/** StepRun is a StepContext plus the cleanup objectReconciler calls when the reconcile ends. */
export interface StepRun extends StepContext {
  /**
   * close cancels a pending progress patch, waits for one in flight (so the final patch never races it) and
   * removes the work directory, if one was made. Never throws.
   */
  close(): Promise<void>;
}

/** newStepRun makes the context of one reconcile. */
export function newStepRun(options: StepRunOptions): StepRun {
  const { obj, manager, patcher, request } = options;
  const delay = options.progressDelayMs ?? PROGRESS_PATCH_DELAY_MS;
  let revisionMetadata: Record<string, string> = {};
  let dir: Promise<string> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();
  const sendProgress = (): void => {
    timer = undefined;
    inFlight = inFlight
      .then(() => patcher.patch(obj))
      .then(
        () => undefined,
        (err: unknown) => request.log.debug({ error: errorMessage(err) }, 'progress status patch failed'),
      );
  };
  return {
    request,
    manager,
    progress(reason, message) {
      markReconciling(obj, reason, message);
      timer ??= setTimeout(sendProgress, delay).unref();
    },
    setRevision(revision, originRevision) {
      revisionMetadata = { revision, ...(originRevision ? { originRevision } : {}) };
    },
    event(severity, reason, message, metadata) {
      const merged = { ...revisionMetadata, ...metadata };
      const input: EventInput = { severity, reason, message };
      if (Object.keys(merged).length > 0) input.metadata = merged;
      manager.events.event(obj, input);
    },
    workDir() {
      dir ??= mkdtemp(join(options.workDirParent ?? tmpdir(), options.workDirPrefix));
      return dir;
    },
    async close() {
      clearTimeout(timer);
      timer = undefined;
      await inFlight;
      if (!dir) return;
      const made = await dir.catch(() => undefined);
      if (made) await rm(made, { recursive: true, force: true }).catch(() => undefined);
    },
  };
}

/** FailureOptions: `retryAfterMs` replaces the queue's backoff (a Kustomization's spec.retryInterval). */
export interface FailureOptions {
  retryAfterMs?: number;
}

/**
 * recordFailure records a failed step as every Flux controller does: the step's condition True (when it names
 * one), Ready=False with its reason and message, Stalled=True when terminal, and an error event; the Result is
 * stalled (terminal) or a retry, after `retryAfterMs` when given. The last good status fields stay as they are.
 */
export function recordFailure(obj: FluxObject, ctx: StepContext, err: StepError, options: FailureOptions = {}): Result {
  if (err.condition) markTrue(obj, err.condition, err.reason, err.message);
  markFalse(obj, ConditionType.Ready, err.reason, err.message);
  ctx.event('error', err.reason, err.message);
  if (err.terminal) {
    markStalled(obj, err.reason, err.message);
    return stalled(err);
  }
  if (options.retryAfterMs === undefined) return retry(err);
  return retry(err, options.retryAfterMs);
}
