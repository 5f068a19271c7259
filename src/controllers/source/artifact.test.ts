// The storage step every source kind shares (checkStorage, Flux's reconcileStorage) and markNewRevision, on a
// real ArtifactStorage in a temp directory; the StepContext records what a reconcile would patch and post.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

import { SourceConditionType } from '../../api/index.ts';
import { ArtifactStorage } from '../../artifacts/index.ts';
import type { StepContext } from '../../runtime/index.ts';
import { checkStorage, markNewRevision, type SourceObject } from './artifact.ts';

const root = mkdtempSync(join(tmpdir(), 'fluxts-source-artifact-'));
after(() => rmSync(root, { recursive: true, force: true }));

const storage = new ArtifactStorage({ root, advertisedAddress: 'source-controller.flux-system.svc./' });
const key = { kind: 'GitRepository', namespace: 'apps', name: 'web' };

interface Recorded {
  ctx: StepContext;
  events: string[];
  progress: string[];
}

function recorder(): Recorded {
  const events: string[] = [];
  const progress: string[] = [];
  const ctx = {
    progress: (reason: string, message: string) => progress.push(`${reason}: ${message}`),
    event: (severity: string, reason: string, message: string) => events.push(`${severity} ${reason}: ${message}`),
    setRevision: () => {},
  } as unknown as StepContext;
  return { ctx, events, progress };
}

function source(status: SourceObject['status'] = {}): SourceObject {
  return {
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'GitRepository',
    metadata: { ...key, generation: 1 },
    status,
  };
}

const condition = (obj: SourceObject, type: string) => obj.status?.conditions?.find((c) => c.type === type);

async function stored(revision: string, content: string) {
  const artifact = storage.newArtifact(key, revision, `${revision}.txt`);
  const written = await storage.store(artifact, [new TextEncoder().encode(content)]);
  return { ...written, digest: written.digest ?? '' };
}

test('a stored artifact with its digest is kept, its URL moved to the current address, nothing rebuilt', async () => {
  const artifact = await stored('main@sha1:aaa', 'one');
  const obj = source({ artifact: { ...artifact, url: 'http://10.0.0.1/old' } });
  const r = recorder();
  await checkStorage(obj, r.ctx, storage);
  assert.equal(obj.status?.artifact?.url, `http://source-controller.flux-system.svc./${artifact.path}`);
  assert.deepEqual(r.events, []);
  assert.deepEqual(r.progress, []);
});

test('an artifact gone from storage is forgotten and rebuilt, without a warning', async () => {
  const artifact = await stored('main@sha1:bbb', 'two');
  await storage.remove(artifact);
  const obj = source({ artifact });
  const r = recorder();
  await checkStorage(obj, r.ctx, storage);
  assert.equal(obj.status?.artifact, undefined);
  assert.equal(condition(obj, SourceConditionType.ArtifactInStorage), undefined);
  assert.deepEqual(r.events, []);
  assert.match(r.progress[0] ?? '', /building artifact: disappeared from storage$/);
  assert.equal(condition(obj, 'Ready')?.status, 'Unknown');
});

test('an artifact whose file no longer has its digest is removed with a warning event and rebuilt', async () => {
  const artifact = await stored('main@sha1:ccc', 'three');
  writeFileSync(storage.localPath(artifact), 'tampered');
  const obj = source({ artifact });
  const r = recorder();
  await checkStorage(obj, r.ctx, storage);
  assert.equal(obj.status?.artifact, undefined);
  assert.deepEqual(r.events, [
    `error ArtifactVerificationFailed: failed to verify integrity of artifact: digest mismatch for ${artifact.path}`,
  ]);
  assert.equal(await storage.exists(artifact), false, 'the mismatching file is deleted');
});

test('a new upstream revision marks an existing artifact outdated and reports progress', () => {
  const obj = source({
    artifact: { path: 'x', url: 'u', revision: 'main@sha1:old', digest: 'sha256:0', lastUpdateTime: '' },
  });
  const r = recorder();
  markNewRevision(obj, r.ctx, "new upstream revision 'main@sha1:new'");
  const outdated = condition(obj, SourceConditionType.ArtifactOutdated);
  assert.equal(outdated?.status, 'True');
  assert.equal(outdated?.reason, 'NewRevision');
  assert.match(r.progress[0] ?? '', /building artifact: new upstream revision 'main@sha1:new'$/);
  const fresh = source();
  markNewRevision(fresh, recorder().ctx, 'first');
  assert.equal(condition(fresh, SourceConditionType.ArtifactOutdated), undefined, 'no artifact, nothing outdated');
});
