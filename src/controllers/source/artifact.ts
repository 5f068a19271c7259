// What every source kind shares (GitRepository, OCIRepository, Bucket, HelmRepository, HelmChart, and the
// ExternalArtifacts of ArtifactGenerator): the storage check before a fetch, Flux's progressive status, archiving
// into storage with garbage collection, the artifact conditions and the NewArtifact / ArtifactUpToDate events, and
// the finalizer. A kind's reconcile only fetches and decides what to pack (source-controller `reconcileStorage`,
// `reconcileArtifact`; flux-api.md §2.2, §3.1).
import { createReadStream } from 'node:fs';

import { ConditionType, Reason, SourceConditionType, SourceReason, type Artifact } from '../../api/index.ts';
import type { ArtifactStorage, ObjectKey, PackFilter, Artifact as StoredArtifact } from '../../artifacts/index.ts';
import {
  conditions,
  done,
  intervalOf,
  requeueAfter,
  StepError,
  type FluxObject,
  type FluxStatus,
  type Result,
  type StepContext,
} from '../../runtime/index.ts';
import { errorMessage } from '../../util/errors.ts';

/** SourceObject is a source kind as this module sees it: the shared status with `status.artifact`. */
export type SourceObject = FluxObject & { status?: FluxStatus & { artifact?: Artifact; url?: string } };

/** sourceKey is where a source's artifacts live in storage. */
export function sourceKey(obj: SourceObject): ObjectKey {
  return { kind: obj.kind ?? '', namespace: obj.metadata.namespace ?? '', name: obj.metadata.name ?? '' };
}

/**
 * progressive is Flux's ProgressiveStatus: Reconciling=True with the message, and Ready=Unknown with it when
 * `reset` is set or the object is not Ready; the status is patched if the step runs long (StepContext.progress).
 */
export function progressive(obj: SourceObject, ctx: StepContext, reset: boolean, message: string): void {
  if (reset || !conditions.isReady(obj)) conditions.markUnknown(obj, ConditionType.Ready, Reason.Progressing, message);
  ctx.progress(Reason.Progressing, message);
}

/**
 * beginSourceReconcile marks the start of a source's reconcile as Flux does: "reconciliation in progress", or the
 * generation change that brought it here.
 */
export function beginSourceReconcile(obj: SourceObject, ctx: StepContext): void {
  const observed = obj.status?.observedGeneration ?? 0;
  const generation = obj.metadata.generation ?? 0;
  progressive(
    obj,
    ctx,
    false,
    observed !== generation
      ? `processing object: new generation ${observed} -> ${generation}`
      : 'reconciliation in progress',
  );
}

/**
 * checkStorage is the storage step before a fetch (Flux's reconcileStorage): old artifacts are garbage-collected;
 * an advertised artifact whose file is gone (an emptyDir after a restart) or no longer has its digest is
 * forgotten, so this run rebuilds it (a mismatching file is removed and a warning event says so); one that is
 * there gets the URL of the storage's current address before anything can fail, so consumers keep fetching it
 * whatever happens next.
 */
export async function checkStorage(obj: SourceObject, ctx: StepContext, storage: ArtifactStorage): Promise<void> {
  const status = (obj.status ??= {});
  const artifact = status.artifact;
  if (artifact) {
    await storage.garbageCollect(artifact).catch(() => undefined);
    if (await storage.verify(artifact)) {
      status.artifact = storage.withCurrentUrl(artifact);
      return;
    }
    if (await storage.exists(artifact)) {
      ctx.event(
        'error',
        'ArtifactVerificationFailed',
        `failed to verify integrity of artifact: digest mismatch for ${artifact.path}`,
      );
      await storage.remove(artifact);
    }
    delete status.artifact;
    conditions.remove(obj, SourceConditionType.ArtifactInStorage);
    progressive(obj, ctx, true, 'building artifact: disappeared from storage');
    return;
  }
  progressive(obj, ctx, true, 'building artifact');
  conditions.remove(obj, SourceConditionType.ArtifactInStorage);
}

/**
 * markNewRevision records that the upstream moved: ArtifactOutdated=True (NewRevision) when an artifact exists,
 * and "building artifact: <message>" progress, e.g. `new upstream revision 'main@sha1:…'`.
 */
export function markNewRevision(obj: SourceObject, ctx: StepContext, message: string): void {
  if (obj.status?.artifact) {
    conditions.markTrue(obj, SourceConditionType.ArtifactOutdated, SourceReason.NewRevision, message);
  }
  progressive(obj, ctx, true, `building artifact: ${message}`);
}

/** StatusArtifact narrows a stored artifact to the API shape, where the digest is required. */
export function statusArtifact(artifact: StoredArtifact): Artifact {
  if (!artifact.digest) throw new Error(`artifact ${artifact.path} has no digest`);
  return { ...artifact, digest: artifact.digest };
}

/**
 * ArchiveRequest says what to store as `fileName` at a revision: a directory packed (minus what `filter`
 * excludes, e.g. `.sourceignore`), or a `file` stored as it is (an OCI layer with `layerSelector.operation: copy`).
 */
export type ArchiveRequest = {
  revision: string;
  fileName: string;
  /** metadata goes into `status.artifact.metadata` (e.g. OCI annotations). */
  metadata?: Record<string, string>;
  /**
   * link names a symlink to the new file, advertised as `status.url` (`latest.tar.gz` for OCIRepository, Bucket
   * and HelmChart; GitRepository has none).
   */
  link?: string;
} & ({ dir: string; filter?: PackFilter } | { file: string });

/**
 * archiveArtifact stores the content, links it (when asked) and garbage-collects older files; a failure is
 * StorageOperationFailed (ArchiveOperationFailed) and leaves the last good artifact in place.
 */
export async function archiveArtifact(
  obj: SourceObject,
  storage: ArtifactStorage,
  request: ArchiveRequest,
): Promise<Artifact> {
  try {
    const artifact = storage.newArtifact(sourceKey(obj), request.revision, request.fileName);
    const written =
      'file' in request
        ? await storage.store(artifact, createReadStream(request.file))
        : await storage.archive(artifact, request.dir, request.filter);
    const stored = statusArtifact(written);
    if (request.metadata) stored.metadata = request.metadata;
    if (request.link) (obj.status ??= {}).url = await storage.symlink(stored, request.link);
    await storage.garbageCollect(stored);
    conditions.remove(obj, SourceConditionType.StorageOperationFailed);
    return stored;
  } catch (err) {
    throw new StepError(SourceReason.ArchiveOperationFailed, errorMessage(err), {
      cause: err,
      condition: SourceConditionType.StorageOperationFailed,
    });
  }
}

/**
 * newArtifact records a new artifact in status and says so: the NewArtifact event carries the revision and digest
 * as metadata (notification-controller shows them). `message` is the kind's, e.g. `stored artifact for commit '…'`.
 */
export function newArtifact(obj: SourceObject, ctx: StepContext, artifact: Artifact, message: string): void {
  (obj.status ??= {}).artifact = artifact;
  ctx.event('info', SourceReason.NewArtifact, message, {
    revision: artifact.revision,
    ...(artifact.digest ? { digest: artifact.digest } : {}),
  });
}

/** upToDate says, as a trace event, that the stored artifact already has the upstream revision. */
export function upToDate(ctx: StepContext, revision: string): void {
  ctx.event('trace', SourceReason.ArtifactUpToDate, `artifact up-to-date with remote revision: '${revision}'`);
}

/**
 * artifactReady ends a successful reconcile: ArtifactOutdated gone, ArtifactInStorage and Ready True with the
 * kind's message (`stored artifact for revision '…'` unless given, e.g. a Bucket's `stored artifact: revision '…'`),
 * and a requeue after spec.interval.
 */
export function artifactReady(
  obj: SourceObject,
  artifact: Artifact,
  message = `stored artifact for revision '${artifact.revision}'`,
): Result {
  conditions.remove(obj, SourceConditionType.ArtifactOutdated);
  conditions.markTrue(obj, SourceConditionType.ArtifactInStorage, Reason.Succeeded, message);
  conditions.markTrue(obj, ConditionType.Ready, Reason.Succeeded, message);
  return requeueAfter(intervalOf(obj));
}

/** finalizeSource removes every stored file of the object before its finalizer goes. */
export async function finalizeSource(obj: SourceObject, storage: ArtifactStorage): Promise<Result> {
  await storage.removeAll(sourceKey(obj));
  return done();
}

/**
 * refreshLinkUrl keeps `status.url` (the convenience link beside the artifact, e.g. `index.yaml` or
 * `latest.tar.gz`) on the storage's current address, as Flux's storage step does, and drops it with the artifact.
 */
export function refreshLinkUrl(
  status: { artifact?: Artifact; url?: string },
  storage: ArtifactStorage,
  linkName: string,
): void {
  if (!status.artifact) {
    delete status.url;
    return;
  }
  if (!status.url) return;
  const path = [...status.artifact.path.split('/').slice(0, -1), linkName].join('/');
  status.url = storage.withCurrentUrl({ path, url: status.url }).url;
}
