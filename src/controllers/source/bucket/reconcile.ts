// The Bucket pipeline (source-controller BucketReconciler, flux-api.md §3.8): storage check → credentials and
// client → etag index (the root `.sourceignore` object and spec.ignore applied to keys) → revision = digest of the
// index → when it moved, download the objects and archive them (no further filter, as Flux's `Archive(…, nil)`) →
// `latest.tar.gz` as status.url. Each step fails with its own condition and reason; the last good artifact stays.
import { join } from 'node:path';

import { SourceConditionType, SourceReason, type Bucket } from '../../../api/index.ts';
import type { ArtifactStorage } from '../../../artifacts/index.ts';
import {
  type BucketClient,
  BucketError,
  fetchEtagIndex,
  fetchIndexFiles,
  indexDigest,
} from '../../../fetchers/bucket/index.ts';
import { asStepError, conditions, parseDuration, type Result, type StepContext } from '../../../runtime/index.ts';
import {
  archiveArtifact,
  artifactReady,
  beginSourceReconcile,
  checkStorage,
  markNewRevision,
  newArtifact,
  upToDate,
} from '../artifact.ts';
import { bucketClientFor } from './provider.ts';

/** BucketDeps is what the reconciler needs besides the object. */
export interface BucketDeps {
  storage: ArtifactStorage;
  /** clientFor replaces the provider clients (tests); default bucketClientFor. */
  clientFor?: typeof bucketClientFor;
}

const DEFAULT_TIMEOUT = '60s';

/** reconcileBucket runs one Bucket to a stored artifact, or throws the failed step's StepError. */
export async function reconcileBucket(obj: Bucket, ctx: StepContext, deps: BucketDeps): Promise<Result> {
  const status = (obj.status ??= {});
  beginSourceReconcile(obj, ctx);
  await checkStorage(obj, ctx, deps.storage);
  const timeoutMs = parseDuration(obj.spec.timeout ?? DEFAULT_TIMEOUT);
  const bucketName = obj.spec.bucketName;

  const client: BucketClient = await (deps.clientFor ?? bucketClientFor)(ctx.manager.client, obj);
  const dir = join(await ctx.workDir(), 'objects');
  let revision: string;
  let fetched: number;
  try {
    const index = await fetchEtagIndex(client, {
      bucketName,
      dir,
      ...(obj.spec.prefix ? { prefix: obj.spec.prefix } : {}),
      ...(obj.spec.ignore !== undefined ? { ignore: obj.spec.ignore } : {}),
      signal: AbortSignal.timeout(timeoutMs),
    });
    revision = indexDigest(index);
    if (status.artifact?.revision === revision) {
      conditions.remove(obj, SourceConditionType.FetchFailed);
      upToDate(ctx, revision);
      return ready(obj, status.artifact);
    }
    await fetchIndexFiles(client, index, { bucketName, dir, signal: AbortSignal.timeout(timeoutMs) });
    // Objects changed during the download carry their new etags: the revision describes what was fetched.
    revision = indexDigest(index);
    fetched = index.size;
  } catch (err) {
    throw asStepError(timedOut(err, bucketName, timeoutMs), SourceReason.BucketOperationFailed, {
      condition: SourceConditionType.FetchFailed,
    });
  } finally {
    client.close();
  }
  conditions.remove(obj, SourceConditionType.FetchFailed);
  ctx.setRevision(revision);
  markNewRevision(obj, ctx, `new upstream revision '${revision}'`);

  const stored = await archiveArtifact(obj, deps.storage, {
    revision,
    fileName: `${revision.slice('sha256:'.length)}.tar.gz`,
    dir,
  });
  status.observedIgnore = obj.spec.ignore;
  if (status.observedIgnore === undefined) delete status.observedIgnore;
  const url = await deps.storage.symlink(stored, 'latest.tar.gz').catch(() => '');
  if (url) status.url = url;
  newArtifact(obj, ctx, stored, `stored artifact with ${fetched} fetched files from '${bucketName}' bucket`);
  return ready(obj, stored);
}

/** ready is artifactReady with the Bucket's own message, `stored artifact: revision '…'`. */
function ready(obj: Bucket, artifact: NonNullable<NonNullable<Bucket['status']>['artifact']>): Result {
  return artifactReady(obj, artifact, `stored artifact: revision '${artifact.revision}'`);
}

/** timedOut names the timeout when spec.timeout cut a bucket operation short. */
function timedOut(err: unknown, bucket: string, ms: number): unknown {
  const e = err as { name?: string; cause?: { name?: string } };
  if (
    e.name === 'TimeoutError' ||
    e.cause?.name === 'TimeoutError' ||
    (err instanceof BucketError && err.kind === 'timeout')
  ) {
    return new BucketError(
      'timeout',
      `bucket '${bucket}' operations did not finish within ${ms / 1000}s (spec.timeout)`,
      {
        cause: err,
      },
    );
  }
  return err;
}
