import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';

import type { KubeClient } from '../kube/client/index.ts';
import type { ReconcileRequest } from './controller.ts';
import type { EventInput } from './event-types.ts';
import type { FluxObject } from './flux-object.ts';
import { createLogger } from './logger.ts';
import type { Manager } from './manager.ts';
import { isSuccess } from './result.ts';
import { StatusPatcher } from './status-patcher.ts';
import { asStepError, newStepRun, recordFailure, StepError } from './steps.ts';

/** fixture is an object, a status client that records patches (each taking `delayMs`), and a recording manager. */
function fixture(delayMs = 0) {
  const obj: FluxObject = {
    apiVersion: 'x.toolkit.fluxcd.io/v1',
    kind: 'Widget',
    metadata: { name: 'w', namespace: 'ns', generation: 1 },
    spec: {},
    status: {},
  };
  const patches: unknown[] = [];
  const client = {
    patch: async (_type: unknown, _key: unknown, _kind: unknown, body: unknown) => {
      patches.push(structuredClone(body));
      await sleep(delayMs);
      return { metadata: { resourceVersion: String(patches.length) } };
    },
  } as unknown as KubeClient;
  const events: EventInput[] = [];
  const manager = { events: { event: (_obj: unknown, input: EventInput) => events.push(input) } } as unknown as Manager;
  const request = { key: 'ns/w', name: 'w', log: createLogger('silent') } as unknown as ReconcileRequest;
  const patcher = new StatusPatcher<FluxObject>(client, obj, 'test');
  return { obj, patches, events, manager, request, patcher };
}

const reconciling = (obj: FluxObject) => obj.status?.conditions?.find((c) => c.type === 'Reconciling');

test('StepError carries reason, condition and terminal; asStepError keeps a StepError and wraps anything else', () => {
  const err = new StepError('FetchFailedReason', 'GitRepository/ns/a: boom', { condition: 'FetchFailed' });
  assert.equal(err.terminal, false);
  assert.equal(err.condition, 'FetchFailed');
  assert.equal(asStepError(err, 'Other'), err);
  const wrapped = asStepError(new Error('disk full'), 'ArchiveOperationFailed', { terminal: true });
  assert.equal(wrapped.reason, 'ArchiveOperationFailed');
  assert.equal(wrapped.message, 'disk full');
  assert.ok(wrapped.terminal);
  assert.ok(wrapped.cause instanceof Error);
});

test('progress marks Reconciling at once and patches only a step that runs past the delay', async () => {
  const f = fixture();
  const run = newStepRun({ ...f, workDirPrefix: 'steps-test-', progressDelayMs: 30 });
  run.progress('Progressing', 'Building manifests');
  assert.equal(reconciling(f.obj)?.message, 'Building manifests');
  assert.equal(f.patches.length, 0, 'no patch before the delay');
  run.progress('Progressing', 'Detecting drift');
  await sleep(80);
  assert.equal(f.patches.length, 1, 'one patch for the steps of one window');
  const sent = f.patches[0] as { status: { conditions: { type: string; message: string }[] } };
  assert.equal(sent.status.conditions.find((c) => c.type === 'Reconciling')?.message, 'Detecting drift');
  await run.close();

  const quick = fixture();
  const fast = newStepRun({ ...quick, workDirPrefix: 'steps-test-', progressDelayMs: 30 });
  fast.progress('Progressing', 'Fetching manifests');
  await fast.close();
  await sleep(60);
  assert.equal(quick.patches.length, 0, 'a reconcile that ends first leaves the status to the final patch');
});

test('close waits for a progress patch in flight, and what changed meanwhile is left for the final patch', async () => {
  const f = fixture(40);
  const run = newStepRun({ ...f, workDirPrefix: 'steps-test-', progressDelayMs: 1 });
  run.progress('Progressing', 'Running health checks');
  await sleep(10); // the patch is in flight now
  (f.obj.status as Record<string, unknown>)['lastAppliedRevision'] = 'main@sha1:2';
  await run.close();
  assert.equal(f.patches.length, 1);
  assert.deepEqual(f.patcher.diff(f.obj), { status: { lastAppliedRevision: 'main@sha1:2' } });
});

test('event adds the revision metadata once set; explicit metadata wins', () => {
  const f = fixture();
  const run = newStepRun({ ...f, workDirPrefix: 'steps-test-' });
  run.event('info', 'Progressing', 'before');
  run.setRevision('main@sha1:abc', 'v1.0.0@sha1:def');
  run.event('info', 'ReconciliationSucceeded', 'after', { commit_status: 'update' });
  run.event('info', 'NewArtifact', 'explicit', { revision: 'other' });
  assert.deepEqual(f.events, [
    { severity: 'info', reason: 'Progressing', message: 'before' },
    {
      severity: 'info',
      reason: 'ReconciliationSucceeded',
      message: 'after',
      metadata: { revision: 'main@sha1:abc', originRevision: 'v1.0.0@sha1:def', commit_status: 'update' },
    },
    {
      severity: 'info',
      reason: 'NewArtifact',
      message: 'explicit',
      metadata: { revision: 'other', originRevision: 'v1.0.0@sha1:def' },
    },
  ]);
});

test('workDir is made once per reconcile and removed by close', async () => {
  const f = fixture();
  const run = newStepRun({ ...f, workDirPrefix: 'steps-test-' });
  const dir = await run.workDir();
  assert.equal(await run.workDir(), dir);
  assert.ok(existsSync(dir));
  await run.close();
  assert.ok(!existsSync(dir));
});

test('recordFailure sets the step condition, Ready=False, an error event, and Stalled only when terminal', () => {
  const f = fixture();
  const run = newStepRun({ ...f, workDirPrefix: 'steps-test-' });
  const transient = recordFailure(
    f.obj,
    run,
    new StepError('AuthenticationFailed', "secret 'ns/creds' not found", { condition: 'FetchFailed' }),
    { retryAfterMs: 5000 },
  );
  assert.equal(transient.error?.message, "secret 'ns/creds' not found");
  assert.ok(!isSuccess(transient) && transient.retryAfter === 5000);
  const byType = (t: string) => f.obj.status?.conditions?.find((c) => c.type === t);
  assert.deepEqual(
    [byType('FetchFailed')?.status, byType('FetchFailed')?.reason, byType('Ready')?.status, byType('Ready')?.reason],
    ['True', 'AuthenticationFailed', 'False', 'AuthenticationFailed'],
  );
  assert.equal(byType('Stalled'), undefined);
  assert.deepEqual(f.events.at(-1), {
    severity: 'error',
    reason: 'AuthenticationFailed',
    message: "secret 'ns/creds' not found",
  });

  const terminal = recordFailure(f.obj, run, new StepError('AccessDenied', 'blocked', { terminal: true }));
  assert.ok(!isSuccess(terminal) && terminal.stalled === true);
  assert.equal(byType('Stalled')?.reason, 'AccessDenied');
});
