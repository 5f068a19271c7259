// Differential fuzzing: random status combinations for every kind with a kstatus rule, compared with Flux's Go
// code (kstatus Compute, Flux's Job rule). Seeded, so every run checks the same objects.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { computeStatus, fluxJobStatus, type KubeObject } from '../../src/engines/kstatus/index.ts';
import { FluxRef } from './fluxref.ts';
import { rng } from '../support/rng.ts';

const KINDS: [string, string][] = [
  ['apps/v1', 'Deployment'],
  ['apps/v1', 'StatefulSet'],
  ['apps/v1', 'DaemonSet'],
  ['apps/v1', 'ReplicaSet'],
  ['v1', 'Pod'],
  ['v1', 'PersistentVolumeClaim'],
  ['v1', 'Service'],
  ['batch/v1', 'Job'],
  ['batch/v1', 'CronJob'],
  ['apiextensions.k8s.io/v1', 'CustomResourceDefinition'],
  ['policy/v1', 'PodDisruptionBudget'],
  ['example.com/v1', 'Widget'],
];
const COUNTS = [
  'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'currentReplicas', 'fullyLabeledReplicas',
  'desiredNumberScheduled', 'currentNumberScheduled', 'updatedNumberScheduled', 'numberAvailable', 'numberReady',
  'succeeded', 'active', 'failed',
]; // prettier-ignore
const CONDITIONS = [
  'Ready', 'Available', 'Progressing', 'Reconciling', 'Stalled', 'Complete', 'Failed', 'Established',
  'NamesAccepted', 'ReplicaFailure', 'PodScheduled',
]; // prettier-ignore
const REASONS = ['', 'NewReplicaSetAvailable', 'ProgressDeadlineExceeded', 'Installing', 'Unschedulable', 'Other'];
const PHASES = ['Running', 'Pending', 'Succeeded', 'Failed', 'Bound', 'Lost', ''];

function randomObject(rand: () => number): KubeObject {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const maybe = (p: number): boolean => rand() < p;
  const [apiVersion, kind] = pick(KINDS);
  const metadata: Record<string, unknown> = { name: 'obj', namespace: 'ns', creationTimestamp: '2020-01-01T00:00:00Z' };
  if (maybe(0.7)) metadata['generation'] = Math.floor(rand() * 3) + 1;
  if (maybe(0.05)) metadata['deletionTimestamp'] = '2026-01-01T00:00:00Z';
  const spec: Record<string, unknown> = {};
  if (maybe(0.7)) spec['replicas'] = Math.floor(rand() * 4);
  if (maybe(0.5)) spec['progressDeadlineSeconds'] = 600;
  if (maybe(0.3))
    spec['updateStrategy'] = {
      type: pick(['RollingUpdate', 'OnDelete']),
      ...(maybe(0.5) && { rollingUpdate: { partition: Math.floor(rand() * 3) } }),
    };
  if (maybe(0.4)) spec['type'] = pick(['ClusterIP', 'LoadBalancer', 'NodePort']);
  if (maybe(0.3)) spec['clusterIP'] = '10.0.0.1';
  if (maybe(0.1)) spec['suspend'] = maybe(0.5);
  if (maybe(0.3)) spec['parallelism'] = Math.floor(rand() * 3) + 1;
  if (maybe(0.3)) spec['completions'] = Math.floor(rand() * 3) + 1;
  const status: Record<string, unknown> = {};
  if (maybe(0.7)) status['observedGeneration'] = Math.floor(rand() * 3) + 1;
  for (const c of COUNTS) if (maybe(0.5)) status[c] = Math.floor(rand() * 4);
  if (maybe(0.5)) status['phase'] = pick(PHASES);
  if (maybe(0.3)) status['startTime'] = '2026-01-01T00:00:00Z';
  if (maybe(0.3)) status['currentRevision'] = pick(['r1', 'r2']);
  if (maybe(0.3)) status['updateRevision'] = pick(['r1', 'r2']);
  if (maybe(0.2)) {
    status['containerStatuses'] = [
      {
        name: 'a',
        state: maybe(0.6) ? { waiting: { reason: pick(['CrashLoopBackOff', 'ContainerCreating']) } } : { running: {} },
      },
      { name: 'b', state: { waiting: { reason: 'CrashLoopBackOff' } } },
    ];
  }
  if (maybe(0.8)) {
    const n = Math.floor(rand() * 4);
    status['conditions'] = Array.from({ length: n }, () => ({
      type: pick(CONDITIONS),
      status: pick(['True', 'False', 'Unknown']),
      reason: pick(REASONS),
      message: pick(['', 'something happened']),
    }));
  }
  if (maybe(0.3)) {
    // A settled object: every count at the desired number, the usual healthy conditions, generation observed.
    const r = typeof spec['replicas'] === 'number' ? spec['replicas'] : 1;
    for (const c of COUNTS) status[c] = r;
    status['desiredNumberScheduled'] = r;
    status['observedGeneration'] = metadata['generation'] ?? 1;
    status['currentRevision'] = status['updateRevision'] = 'r1';
    status['conditions'] = [
      { type: 'Available', status: 'True', reason: '' },
      { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' },
      { type: pick(['Ready', 'Complete', 'Established']), status: 'True', reason: '' },
    ];
  }
  return { apiVersion, kind, metadata, spec, ...(maybe(0.9) && { status }) };
}

let ref: FluxRef;
before(async () => {
  ref = await FluxRef.start();
});
after(() => ref.close());

test('random objects get the same status as in Flux', async () => {
  const rand = rng(424242);
  const seen = new Set<string>();
  for (let i = 0; i < 3000; i++) {
    const obj = randomObject(rand);
    const want = await ref.ask({ op: 'kstatus', object: obj });
    const isJob = obj['kind'] === 'Job';
    let got;
    try {
      got = isJob ? fluxJobStatus(obj) : computeStatus(obj);
    } catch {
      got = undefined;
    }
    const label = JSON.stringify(obj);
    if (want.error !== undefined) {
      assert.equal(got, undefined, `${label}: Flux fails with ${want.error}`);
      continue;
    }
    const conditions = (want.conditions ?? []).map((c) => ({
      type: c.type,
      status: c.status,
      reason: c.reason ?? '',
      message: c.message ?? '',
    }));
    assert.deepEqual(got, { status: want.status, message: want.message, conditions }, label);
    seen.add(`${String(obj['kind'])}:${want.status}`);
  }
  // The generator must reach every verdict of the main kinds, or the comparison proves little.
  for (const k of [
    'Deployment:Current',
    'Deployment:InProgress',
    'Deployment:Failed',
    'Pod:Failed',
    'Job:Failed',
    'Job:Current',
    'CustomResourceDefinition:Failed',
    'StatefulSet:Current',
    'Widget:Failed',
    'Widget:Terminating',
  ]) {
    assert.ok(seen.has(k), `never produced ${k}`);
  }
});
