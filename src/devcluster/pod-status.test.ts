import assert from 'node:assert/strict';
import { test } from 'node:test';

import { podOutcome, SIMULATE_ANNOTATION, simulatedStatus, type SimPod } from './pod-status.ts';

const NOW = '2026-01-01T00:00:00Z';

function pod(overrides: Partial<SimPod['metadata']> = {}, spec: Partial<SimPod['spec']> = {}): SimPod {
  return {
    metadata: { name: 'web-1', namespace: 'apps', uid: 'u1', ...overrides },
    spec: { nodeName: 'fluxts-node', containers: [{ name: 'app', image: 'nginx:1' }], ...spec },
  };
}

function condition(status: Record<string, unknown>, type: string): unknown {
  return (status['conditions'] as { type: string; status: string }[]).find((c) => c.type === type)?.status;
}

test('long-running pods become Running and Ready by default', () => {
  const p = pod();
  assert.equal(podOutcome(p), 'ready');
  const status = simulatedStatus(p, 'ready', '10.0.0.1', '10.244.0.2', NOW);
  assert.equal(status['phase'], 'Running');
  assert.equal(condition(status, 'Ready'), 'True');
  assert.equal(condition(status, 'ContainersReady'), 'True');
  const [container] = status['containerStatuses'] as { ready: boolean; state: Record<string, unknown> }[];
  assert.equal(container?.ready, true);
  assert.ok(container?.state['running']);
});

test('pods of Jobs and restartPolicy Never run to completion', () => {
  assert.equal(podOutcome(pod({ ownerReferences: [{ kind: 'Job' }] })), 'complete');
  assert.equal(podOutcome(pod({}, { restartPolicy: 'Never' })), 'complete');
  const status = simulatedStatus(pod(), 'complete', '10.0.0.1', '10.244.0.2', NOW);
  assert.equal(status['phase'], 'Succeeded');
  assert.equal(condition(status, 'Ready'), 'False');
});

test('the annotation chooses crash, not-ready and fail outcomes', () => {
  assert.equal(podOutcome(pod({ annotations: { [SIMULATE_ANNOTATION]: 'crash' } })), 'crash');
  const crash = simulatedStatus(pod(), 'crash', '10.0.0.1', '10.244.0.2', NOW);
  assert.equal(crash['phase'], 'Running');
  assert.equal(condition(crash, 'Ready'), 'False');
  const [c] = crash['containerStatuses'] as { state: { waiting?: { reason: string } }; restartCount: number }[];
  assert.equal(c?.state.waiting?.reason, 'CrashLoopBackOff');
  assert.ok((c?.restartCount ?? 0) > 0);
  assert.equal(simulatedStatus(pod(), 'fail', 'h', 'p', NOW)['phase'], 'Failed');
  assert.equal(condition(simulatedStatus(pod(), 'not-ready', 'h', 'p', NOW), 'Ready'), 'False');
});

test('an unknown annotation value falls back to the default outcome', () => {
  assert.equal(podOutcome(pod({ annotations: { [SIMULATE_ANNOTATION]: 'explode' } })), 'ready');
});

test('init containers are reported as completed', () => {
  const status = simulatedStatus(pod({}, { initContainers: [{ name: 'init' }] }), 'ready', 'h', 'p', NOW);
  const [init] = status['initContainerStatuses'] as { state: { terminated?: { exitCode: number } } }[];
  assert.equal(init?.state.terminated?.exitCode, 0);
});
