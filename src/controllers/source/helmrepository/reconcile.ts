// The HelmRepository pipeline for the default (HTTP) type (source-controller `HelmRepositoryReconciler`,
// flux-api.md §3.6): storage check → URL → client options from the Secrets → fetch index.yaml (revision =
// sha256 of the bytes fetched; an unchanged revision ends here) → load and validate it → store it as JSON in
// `index-<hex>.yaml`, link `index.yaml` (status.url) → Ready. Each failure has Flux's condition, reason and
// message; the last good artifact stays in storage and in status whatever fails.
import { ConditionType, Reason, SourceConditionType, SourceReason, type HelmRepository } from '../../../api/index.ts';
import type { ArtifactStorage } from '../../../artifacts/index.ts';
import {
  HelmRepositoryClient,
  indexJson,
  normalizeURL,
  parseIndex,
  type IndexFile,
} from '../../../fetchers/helm/index.ts';
import {
  asStepError,
  conditions,
  parseDuration,
  requeueAfter,
  StepError,
  type Result,
  type StepContext,
} from '../../../runtime/index.ts';
import { errorMessage } from '../../../util/errors.ts';
import {
  beginSourceReconcile,
  checkStorage,
  refreshLinkUrl,
  markNewRevision,
  sourceKey,
  statusArtifact,
  upToDate,
} from '../artifact.ts';
import { ClientOptionsError, helmClientOptions } from './client-options.ts';

/** HelmRepositoryDeps is what the reconciler needs besides the object. */
export interface HelmRepositoryDeps {
  storage: ArtifactStorage;
  /** maxIndexBytes is `--helm-index-max-size` (50 MiB by default). */
  maxIndexBytes?: number;
}

type Status = NonNullable<HelmRepository['status']>;

/** DEFAULT_INTERVAL is HelmRepository's requeue when spec.interval is empty (`GetRequeueAfter`). */
const DEFAULT_INTERVAL = '1m';

/** FAIL_CONDITIONS are the conditions whose disappearance is a recovery worth an event. */
const FAIL_CONDITIONS = [SourceConditionType.FetchFailed, SourceConditionType.StorageOperationFailed];

/** humanSize is docker/go-units HumanSize: decimal units, four significant digits (`1.234kB`, `512B`). */
export function humanSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
  let size = bytes;
  let i = 0;
  while (size >= 1000 && i < units.length - 1) {
    size /= 1000;
    i++;
  }
  return `${Number(size.toPrecision(4))}${units[i]}`;
}

function stall(reason: string, message: string, cause?: unknown): StepError {
  return new StepError(reason, message, {
    terminal: true,
    condition: SourceConditionType.FetchFailed,
    ...(cause === undefined ? {} : { cause }),
  });
}

/** reconcileHelmRepository runs one default-type HelmRepository to a stored index, or throws the failed step. */
export async function reconcileHelmRepository(
  obj: HelmRepository,
  ctx: StepContext,
  deps: HelmRepositoryDeps,
): Promise<Result> {
  const status: Status = (obj.status ??= {});
  const failedBefore = FAIL_CONDITIONS.some((c) => conditions.isTrue(obj, c));
  const digestBefore = status.artifact?.digest;
  beginSourceReconcile(obj, ctx);
  await checkStorage(obj, ctx, deps.storage);
  refreshLinkUrl(status, deps.storage, 'index.yaml');

  // 1. The URL: oci:// belongs to type oci; anything unparsable stalls.
  if (obj.spec.url.startsWith('oci://')) {
    throw stall(
      SourceReason.URLInvalid,
      "invalid Helm repository URL: 'oci' URL scheme cannot be used with 'default' HelmRepository type",
    );
  }
  try {
    normalizeURL(obj.spec.url);
  } catch (err) {
    throw stall(SourceReason.URLInvalid, `invalid Helm repository URL: ${errorMessage(err)}`, err);
  }

  // 2. Credentials and TLS.
  let client: HelmRepositoryClient;
  try {
    const settings = await helmClientOptions(ctx.manager.client, obj);
    if (settings.deprecatedTls) {
      ctx.request.log.info(
        'warning: specifying TLS authentication data via `.spec.secretRef` is deprecated, please use `.spec.certSecretRef` instead',
      );
    }
    client = new HelmRepositoryClient({
      ...settings.options,
      ...(deps.maxIndexBytes ? { maxIndexBytes: deps.maxIndexBytes } : {}),
    });
  } catch (err) {
    if (err instanceof ClientOptionsError) {
      throw new StepError(SourceReason.AuthenticationFailed, err.message, {
        condition: SourceConditionType.FetchFailed,
        cause: err,
      });
    }
    throw err;
  }

  // 3. The index and its revision.
  let fetched;
  try {
    fetched = await client.fetchIndex(ctx.request.signal);
  } catch (err) {
    throw new StepError(
      Reason.Failed,
      `failed to fetch Helm repository index: failed to cache index to temporary file: ${errorMessage(err)}`,
      { condition: SourceConditionType.FetchFailed, cause: err },
    );
  }
  const revision = fetched.digest;
  if (status.artifact?.revision === revision) {
    conditions.remove(obj, SourceConditionType.FetchFailed);
    upToDate(ctx, revision);
    return ready(obj, ctx, failedBefore, digestBefore);
  }
  let index: IndexFile;
  try {
    index = parseIndex(fetched.bytes);
  } catch (err) {
    throw new StepError(
      SourceReason.IndexationFailed,
      `failed to load Helm repository from index YAML: failed to load index: ${errorMessage(err)}`,
      { condition: SourceConditionType.FetchFailed, cause: err },
    );
  }
  conditions.remove(obj, SourceConditionType.FetchFailed);
  markNewRevision(obj, ctx, `new index revision '${revision}'`);

  // 4. Store the index as JSON and link index.yaml to it.
  const hex = revision.slice(revision.indexOf(':') + 1);
  try {
    const artifact = deps.storage.newArtifact(sourceKey(obj), revision, `index-${hex}.yaml`);
    const stored = statusArtifact(await deps.storage.store(artifact, [Buffer.from(indexJson(index))]));
    status.artifact = stored;
    await deps.storage.garbageCollect(stored).catch(() => undefined);
  } catch (err) {
    throw asStepError(
      new Error(`unable to save artifact to storage: ${errorMessage(err)}`, { cause: err }),
      SourceReason.ArchiveOperationFailed,
      { condition: SourceConditionType.StorageOperationFailed },
    );
  }
  try {
    status.url = await deps.storage.symlink(status.artifact, 'index.yaml');
  } catch (err) {
    ctx.event('trace', SourceReason.SymlinkUpdateFailed, `failed to update status URL symlink: ${errorMessage(err)}`);
  }
  conditions.remove(obj, SourceConditionType.StorageOperationFailed);
  return ready(obj, ctx, failedBefore, digestBefore);
}

/**
 * ready ends a successful run as Flux's summary does: ArtifactOutdated gone, ArtifactInStorage and Ready True with
 * `stored artifact: revision '…'`; a NewArtifact event when the digest changed, a Succeeded one on recovery.
 */
function ready(obj: HelmRepository, ctx: StepContext, failedBefore: boolean, digestBefore: string | undefined): Result {
  const artifact = obj.status?.artifact;
  if (!artifact) throw new Error('no artifact after a successful reconcile');
  const message = `stored artifact: revision '${artifact.revision}'`;
  conditions.remove(obj, SourceConditionType.ArtifactOutdated);
  conditions.markTrue(obj, SourceConditionType.ArtifactInStorage, Reason.Succeeded, message);
  conditions.markTrue(obj, ConditionType.Ready, Reason.Succeeded, message);
  const size = artifact.size === undefined ? 'unknown size' : `size ${humanSize(artifact.size)}`;
  const note = `stored fetched index of ${size} from '${obj.spec.url}'`;
  const metadata = { revision: artifact.revision, digest: artifact.digest };
  if (digestBefore !== artifact.digest) ctx.event('info', SourceReason.NewArtifact, note, metadata);
  else if (failedBefore) ctx.event('info', Reason.Succeeded, note, metadata);
  return requeueAfter(parseDuration(obj.spec.interval ?? DEFAULT_INTERVAL));
}
