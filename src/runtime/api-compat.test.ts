// The runtime's helpers must accept the typed Flux objects of src/api as they are (checked by tsc as well).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { GitRepository } from '../api/index.ts';
import * as conditions from './conditions.ts';
import { eventMetadata } from './event-recorder.ts';
import { done } from './result.ts';
import { intervalOf, summarize } from './shape.ts';

void test('typed GitRepository objects work with conditions, summarize, intervalOf and event metadata', () => {
  const repo = {
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'GitRepository',
    metadata: {
      name: 'podinfo',
      namespace: 'flux-system',
      generation: 4,
      annotations: { 'reconcile.fluxcd.io/requestedAt': '2026-01-01T00:00:00Z' },
    },
    spec: { url: 'https://example.com/podinfo', interval: '1m30s' },
  } as unknown as GitRepository;
  conditions.markReconciling(repo, 'Progressing', 'fetching');
  conditions.markTrue(repo, 'Ready', 'Succeeded', 'stored artifact for revision main@sha1:abc');
  summarize(repo, done());
  assert.equal(repo.status?.observedGeneration, 4);
  assert.equal(repo.status?.lastHandledReconcileAt, '2026-01-01T00:00:00Z');
  assert.deepEqual(
    repo.status?.conditions?.map((c) => c.type),
    ['Ready'],
  );
  assert.equal(intervalOf(repo), 90_000);
  assert.deepEqual(eventMetadata(repo, { revision: 'main@sha1:abc' }), {
    'source.toolkit.fluxcd.io/revision': 'main@sha1:abc',
  });
});
